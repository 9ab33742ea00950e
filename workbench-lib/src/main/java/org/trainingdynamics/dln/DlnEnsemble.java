package org.trainingdynamics.dln;

import java.util.List;
import org.knowm.xchart.XYChart;
import org.trainingdynamics.viz.Figures;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

/**
 * Seed-averaged loss curves of several {@link DlnRun}s with the same configuration but different seeds: mean and
 * standard error (sd/√seeds) of E_tr and E_te at each checkpoint (dmft.md §5: average ≥ 8 seeds).
 *
 * @param runs        the runs
 * @param times       checkpoint times
 * @param trainMean   mean E_tr
 * @param trainSe     standard error of E_tr
 * @param testMean    mean E_te
 * @param testSe      standard error of E_te
 */
public record DlnEnsemble(List<DlnRun> runs, double[] times, double[] trainMean, double[] trainSe, double[] testMean,
                          double[] testSe) {

    /** Averages runs with equal checkpoint times. */
    public static DlnEnsemble of(List<DlnRun> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("DLN ensemble: no runs");
        }
        double[] times = runs.get(0).times();
        for (DlnRun r : runs) {
            if (!java.util.Arrays.equals(r.times(), times)) {
                throw new IllegalArgumentException("DLN ensemble: runs have different checkpoint times");
            }
        }
        double[][] tr = meanSe(runs.stream().map(DlnRun::trainLoss).toList());
        double[][] te = meanSe(runs.stream().map(DlnRun::testLoss).toList());
        return new DlnEnsemble(List.copyOf(runs), times, tr[0], tr[1], te[0], te[1]);
    }

    static double[][] meanSe(List<double[]> xs) {
        int t = xs.get(0).length;
        int m = xs.size();
        double[] mean = new double[t];
        double[] se = new double[t];
        for (int k = 0; k < t; k++) {
            double s = 0;
            for (double[] x : xs) {
                s += x[k];
            }
            mean[k] = s / m;
            double v = 0;
            for (double[] x : xs) {
                v += (x[k] - mean[k]) * (x[k] - mean[k]);
            }
            se[k] = m > 1 ? Math.sqrt(v / (m - 1) / m) : Double.NaN;
        }
        return new double[][] {mean, se};
    }

    /** Columns time, train_mean, train_se, test_mean, test_se. */
    public Table toTable() {
        return Table.create("dln-ensemble", DoubleColumn.create("time", times), DoubleColumn.create("train_mean", trainMean),
                DoubleColumn.create("train_se", trainSe), DoubleColumn.create("test_mean", testMean),
                DoubleColumn.create("test_se", testSe));
    }

    /** Mean train and test loss (log y). */
    public XYChart lossChart() {
        XYChart c = Figures.xy("DLN, " + runs.size() + " seeds, d=" + runs.get(0).config().d(), "t", "loss");
        c.getStyler().setYAxisLogarithmic(true);
        c.addSeries("train", times, positive(trainMean));
        c.addSeries("test", times, positive(testMean));
        return c;
    }

    /** Clips values to a tiny positive floor for log axes. */
    static double[] positive(double[] v) {
        double[] o = v.clone();
        for (int i = 0; i < o.length; i++) {
            o[i] = Math.max(o[i], 1e-300);
        }
        return o;
    }
}
