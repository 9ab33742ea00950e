package org.trainingdynamics.dln;

import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.trainingdynamics.viz.Figures;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * DMFT against finite-d simulations averaged over seeds (dmft.md §5): for each d, the seed-averaged E_tr and E_te on
 * the DMFT grid (same h, same discretisation), their gaps to the DMFT curves, and z-scores
 * |sim − DMFT| / (s.e._sim + s.e._DMFT). Gaps are measured while E_tr is above 10⁻³ of its initial value
 * (dmft.md §5 acceptance criterion 1) and should shrink as d grows (criterion 2).
 *
 * @param dmft      the DMFT solution
 * @param ensembles one seed-averaged simulation per dimension, on the DMFT grid
 * @param rows      one summary per dimension
 */
public record DmftComparison(DmftResult dmft, List<DlnEnsemble> ensembles, List<Row> rows) {

    /**
     * Summary at one d.
     *
     * @param d             dimension
     * @param seeds         seeds averaged
     * @param maxRelTrain   max_t |E_tr,sim − E_tr,DMFT| / E_tr,DMFT over the window
     * @param meanRelTrain  mean of the same
     * @param maxRelTest    max_t |E_te,sim − E_te,DMFT| / E_te,DMFT over the window
     * @param maxZTrain     max_t z-score of the train gap
     * @param maxZTest      max_t z-score of the test gap
     */
    public record Row(int d, int seeds, double maxRelTrain, double meanRelTrain, double maxRelTest, double maxZTrain,
                      double maxZTest) {
    }

    /** Runs {@code seeds} simulations at each d with the DMFT's parameters and compares. */
    public static DmftComparison run(DmftResult dmft, int[] ds, int seeds, long seed) {
        List<DlnEnsemble> ens = new ArrayList<>();
        for (int d : ds) {
            ens.add(DlnSimulation.runSeeds(dmft.config().simulation(d).seed(seed).build(), seeds));
        }
        return of(dmft, ens);
    }

    /** Compares given ensembles (their checkpoint times must be the DMFT grid). */
    public static DmftComparison of(DmftResult dmft, List<DlnEnsemble> ensembles) {
        List<Row> rows = new ArrayList<>();
        double[] tr = dmft.trainLoss();
        double[] te = dmft.testLoss();
        for (DlnEnsemble e : ensembles) {
            if (e.times().length != tr.length
                    || Math.abs(e.times()[e.times().length - 1] - dmft.times()[tr.length - 1]) > 1e-9) {
                throw new IllegalArgumentException("DMFT comparison: simulation checkpoints do not match the DMFT grid ("
                        + e.times().length + " vs " + tr.length + " points)");
            }
            double maxTr = 0;
            double sumTr = 0;
            int cnt = 0;
            double maxTe = 0;
            double zTr = 0;
            double zTe = 0;
            for (int k = 0; k < tr.length; k++) {
                if (tr[k] < 1e-3 * tr[0]) {
                    continue;
                }
                double gTr = Math.abs(e.trainMean()[k] - tr[k]);
                double gTe = Math.abs(e.testMean()[k] - te[k]);
                maxTr = Math.max(maxTr, gTr / tr[k]);
                sumTr += gTr / tr[k];
                cnt++;
                maxTe = Math.max(maxTe, gTe / te[k]);
                zTr = Math.max(zTr, gTr / (e.trainSe()[k] + nz(dmft.trainSe()[k]) + 1e-300));
                zTe = Math.max(zTe, gTe / (e.testSe()[k] + nz(dmft.testSe()[k]) + 1e-300));
            }
            rows.add(new Row(e.runs().get(0).config().d(), e.runs().size(), maxTr, sumTr / Math.max(1, cnt), maxTe, zTr,
                    zTe));
        }
        return new DmftComparison(dmft, List.copyOf(ensembles), List.copyOf(rows));
    }

    private static double nz(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    /** One row per d. */
    public Table toTable() {
        Table t = Table.create("dmft-vs-simulation", IntColumn.create("d"), IntColumn.create("seeds"),
                DoubleColumn.create("max_rel_train"), DoubleColumn.create("mean_rel_train"),
                DoubleColumn.create("max_rel_test"), DoubleColumn.create("max_z_train"), DoubleColumn.create("max_z_test"));
        for (Row r : rows) {
            t.intColumn("d").append(r.d());
            t.intColumn("seeds").append(r.seeds());
            t.doubleColumn("max_rel_train").append(r.maxRelTrain());
            t.doubleColumn("mean_rel_train").append(r.meanRelTrain());
            t.doubleColumn("max_rel_test").append(r.maxRelTest());
            t.doubleColumn("max_z_train").append(r.maxZTrain());
            t.doubleColumn("max_z_test").append(r.maxZTest());
        }
        return t;
    }

    /** DMFT loss curves with the seed-averaged simulations (log y). */
    public XYChart chart() {
        XYChart c = Figures.xy("DMFT vs simulation, s0=" + dmft.config().s0() + ", alpha=" + dmft.config().alpha(), "t",
                "loss");
        c.getStyler().setYAxisLogarithmic(true);
        c.addSeries("train DMFT", dmft.times(), DlnEnsemble.positive(dmft.trainLoss()));
        c.addSeries("test DMFT", dmft.times(), DlnEnsemble.positive(dmft.testLoss()));
        for (DlnEnsemble e : ensembles) {
            int d = e.runs().get(0).config().d();
            c.addSeries("train sim d=" + d, e.times(), DlnEnsemble.positive(e.trainMean()))
                    .setMarker(org.knowm.xchart.style.markers.SeriesMarkers.CIRCLE);
            c.addSeries("test sim d=" + d, e.times(), DlnEnsemble.positive(e.testMean()))
                    .setMarker(org.knowm.xchart.style.markers.SeriesMarkers.DIAMOND);
        }
        c.getStyler().setMarkerSize(4);
        return c;
    }
}
