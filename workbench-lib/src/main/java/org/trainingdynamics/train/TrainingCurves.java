package org.trainingdynamics.train;

import java.util.Map;
import org.knowm.xchart.XYChart;
import org.trainingdynamics.trajectory.Trajectory;
import org.trainingdynamics.viz.Figures;
import tech.tablesaw.api.Table;

/**
 * Learning curves of recorded runs: a metric of each run against the update step, from the trajectories'
 * metrics tables (rows where the metric was evaluated).
 */
public final class TrainingCurves {
    private TrainingCurves() {
    }

    /**
     * One series per run and metric, e.g. {@code curves("grokking", runs, "train_acc", "test_acc")}.
     *
     * @param title   chart title
     * @param runs    label → trajectory
     * @param metrics metric columns to plot
     */
    public static XYChart curves(String title, Map<String, Trajectory> runs, String... metrics) {
        XYChart chart = Figures.xy(title, "update", String.join(", ", metrics));
        for (Map.Entry<String, Trajectory> e : runs.entrySet()) {
            Table m = e.getValue().metrics();
            for (String metric : metrics) {
                if (!m.columnNames().contains(metric)) {
                    throw new IllegalArgumentException("run '" + e.getKey() + "' has no metric '" + metric + "'; metrics are "
                            + m.columnNames());
                }
                Table t = m.where(m.doubleColumn(metric).isNotMissing());
                double[] x = t.numberColumn("step").asDoubleArray();
                double[] y = t.doubleColumn(metric).asDoubleArray();
                chart.addSeries(e.getKey() + " " + metric, x, y);
            }
        }
        return chart;
    }
}
