package org.trainingdynamics.dln;

import org.knowm.xchart.XYChart;
import org.trainingdynamics.trajectory.Trajectory;
import org.trainingdynamics.viz.Figures;
import tech.tablesaw.api.Table;

/**
 * Result of one {@link DlnSimulation} run: the loss curves at the checkpoints, the final β, the teacher, and the
 * full recorded {@link Trajectory} (per-coordinate β(t), metrics table) for any other analysis.
 *
 * @param config     the configuration
 * @param teacher    β*
 * @param times      checkpoint times
 * @param trainLoss  E_tr(t) = ‖y − Xβ‖²/n
 * @param testLoss   E_te(t) = ‖β − β*‖²/d
 * @param finalBeta  β(T)
 * @param trajectory the recorded trajectory
 */
public record DlnRun(DlnConfig config, double[] teacher, double[] times, double[] trainLoss, double[] testLoss,
                     double[] finalBeta, Trajectory trajectory) {

    /** The metrics table (one row per checkpoint). */
    public Table toTable() {
        return trajectory.metrics();
    }

    /** β_i(t) for every checkpoint. */
    public double[] coordinate(int i) {
        int t = trajectory.checkpointCount();
        double[] out = new double[t];
        double[] one = new double[1];
        for (int k = 0; k < t; k++) {
            trajectory.read("beta", k, i, one, 0, 1);
            out[k] = one[0];
        }
        return out;
    }

    /** Train and test loss against time (log y). */
    public XYChart lossChart() {
        XYChart c = Figures.xy("DLN d=" + config.d() + ", s0=" + config.s0(), "t", "loss");
        c.getStyler().setYAxisLogarithmic(true);
        c.addSeries("train", times, DlnEnsemble.positive(trainLoss));
        c.addSeries("test", times, DlnEnsemble.positive(testLoss));
        return c;
    }

    /** β_i(t) of the teacher's support coordinates (at most {@code max} of them). */
    public XYChart coordinateChart(int max) {
        XYChart c = Figures.xy("DLN coordinates, s0=" + config.s0(), "t", "beta_i");
        c.getStyler().setLegendVisible(false);
        int shown = 0;
        for (int i = 0; i < teacher.length && shown < max; i++) {
            if (teacher[i] != 0) {
                c.addSeries("beta_" + i, times, coordinate(i));
                shown++;
            }
        }
        return c;
    }
}
