package org.trainingdynamics.dln;

import java.util.List;
import org.knowm.xchart.XYChart;
import org.trainingdynamics.viz.Figures;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * Solution of the DLN DMFT (dmft.md §2–3): train loss E_tr(t) = C_r(t,t) and test loss E_te(t) = C_Δ(t,t) with their
 * Monte-Carlo standard errors (train: spread of the averaging passes; test: sample variance), the kernels C_Δ, R,
 * C_r, M on the grid, and the convergence history of the damped fixed-point iteration.
 *
 * @param config     the configuration
 * @param times      t_k = kh
 * @param trainLoss  E_tr(t_k)
 * @param trainSe    Monte-Carlo s.e. of E_tr (NaN with a single averaging pass)
 * @param testLoss   E_te(t_k)
 * @param testSe     Monte-Carlo s.e. of E_te
 * @param kernels    C_Δ and R (mean of the averaging passes)
 * @param cResidual  C_r
 * @param memory     M = I − (I+R)⁻¹
 * @param iterations convergence history
 * @param converged  whether the stopping rule was met before the iteration cap
 * @param seconds    wall time of the solve
 */
public record DmftResult(DmftConfig config, double[] times, double[] trainLoss, double[] trainSe, double[] testLoss,
                         double[] testSe, DmftKernels kernels, double[][] cResidual, double[][] memory,
                         List<Iteration> iterations, boolean converged, double seconds) {

    /**
     * One fixed-point iteration: max|C_Δ,new − C_Δ|, max|R_new − R| (before damping), the Monte-Carlo noise floor of
     * C_Δ (max_k s.e. of E[Δ_k²]) and the pass's wall time.
     */
    public record Iteration(int index, double maxDiffCorrelation, double maxDiffResponse, double noiseFloor,
                            double seconds) {
    }

    /** Columns time, train_loss, train_se, test_loss, test_se. */
    public Table toTable() {
        return Table.create("dmft", DoubleColumn.create("time", times), DoubleColumn.create("train_loss", trainLoss),
                DoubleColumn.create("train_se", trainSe), DoubleColumn.create("test_loss", testLoss),
                DoubleColumn.create("test_se", testSe));
    }

    /** Convergence history as a table. */
    public Table iterationTable() {
        Table t = Table.create("dmft-iterations", IntColumn.create("iteration"), DoubleColumn.create("max_diff_c"),
                DoubleColumn.create("max_diff_r"), DoubleColumn.create("noise_floor"), DoubleColumn.create("seconds"));
        for (Iteration it : iterations) {
            t.intColumn("iteration").append(it.index());
            t.doubleColumn("max_diff_c").append(it.maxDiffCorrelation());
            t.doubleColumn("max_diff_r").append(it.maxDiffResponse());
            t.doubleColumn("noise_floor").append(it.noiseFloor());
            t.doubleColumn("seconds").append(it.seconds());
        }
        return t;
    }

    /** Train and test loss against time (log y). */
    public XYChart lossChart() {
        XYChart c = Figures.xy("DMFT, s0=" + config.s0() + ", alpha=" + config.alpha(), "t", "loss");
        c.getStyler().setYAxisLogarithmic(true);
        c.addSeries("train (DMFT)", times, DlnEnsemble.positive(trainLoss));
        c.addSeries("test (DMFT)", times, DlnEnsemble.positive(testLoss));
        return c;
    }

    /** C_Δ(t, t′) against t for a few t′ (columns of the correlation kernel). */
    public XYChart correlationChart(int curves) {
        XYChart c = Figures.xy("DMFT correlation C_Delta(t, t')", "t", "C_Delta");
        int k = times.length;
        for (int q = 0; q < curves; q++) {
            int col = (int) Math.round((double) q * (k - 1) / Math.max(1, curves - 1));
            double[] y = new double[k];
            for (int i = 0; i < k; i++) {
                y[i] = kernels.cDelta()[i][col];
            }
            c.addSeries(String.format("t'=%.2f", times[col]), times, y);
        }
        return c;
    }

    /** R(t, s)/h against t − s for a few source times s (the response per unit time). */
    public XYChart responseChart(int curves) {
        XYChart c = Figures.xy("DMFT response R(t, s)/h", "t - s", "R/h");
        int k = times.length;
        double h = config.step();
        for (int q = 0; q < curves; q++) {
            int s = (int) Math.round((double) q * (k - 2) / Math.max(1, curves));
            double[] x = new double[k - s - 1];
            double[] y = new double[k - s - 1];
            for (int i = s + 1; i < k; i++) {
                x[i - s - 1] = times[i] - times[s];
                y[i - s - 1] = kernels.response()[i][s] / h;
            }
            c.addSeries(String.format("s=%.2f", times[s]), x, y);
        }
        return c;
    }
}
