package org.trainingdynamics.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.knowm.xchart.XYChart;
import org.trainingdynamics.trajectory.ParameterBlock;
import org.trainingdynamics.trajectory.StoredTrajectory;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.TrajectoryRecorder;
import org.trainingdynamics.viz.Figures;

/**
 * The figure of docs/trajectories.md: trains a 16-input linear model by full-batch gradient descent on a
 * planted least-squares problem (seed 7), records every 5th step with {@link TrajectoryRecorder}, reopens the
 * store from disk and plots eight parameter time series read back with {@code blocks()}; each converges to
 * its planted value. Argument: output base path (default docs/img/trajectory-blocks).
 */
public final class TrajectoryFigure {
    private TrajectoryFigure() {
    }

    public static void main(String[] args) throws IOException {
        Path base = Path.of(args.length > 0 ? args[0] : "docs/img/trajectory-blocks");
        int d = 16;
        int m = 64;
        Random rnd = new Random(7);
        double[][] x = new double[m][d];
        double[] truth = new double[d];
        double[] y = new double[m];
        for (int j = 0; j < d; j++) {
            truth[j] = rnd.nextGaussian();
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = rnd.nextGaussian();
                y[i] += x[i][j] * truth[j];
            }
        }
        Path dir = Files.createTempDirectory("tdw-figure");
        try {
            double[] w = new double[d];
            try (TrajectoryRecorder rec = TrajectoryRecorder.create(dir.resolve("run"), List.of(TensorSpec.of("w", d)),
                    Map.of("seed", 7, "lr", 0.02))) {
                for (int step = 0; step <= 300; step++) {
                    if (step % 5 == 0) {
                        rec.append(step, step / 1.0, Map.of("w", w.clone()));
                    }
                    double[] g = new double[d];
                    double loss = 0;
                    for (int i = 0; i < m; i++) {
                        double r = -y[i];
                        for (int j = 0; j < d; j++) {
                            r += x[i][j] * w[j];
                        }
                        loss += r * r / m;
                        for (int j = 0; j < d; j++) {
                            g[j] += 2 * r * x[i][j] / m;
                        }
                    }
                    if (step % 5 == 0) {
                        rec.logMetrics(step, Map.of("train_loss", loss));
                    }
                    for (int j = 0; j < d; j++) {
                        w[j] -= 0.02 * g[j];
                    }
                }
            }
            StoredTrajectory run = Trajectories.open(dir.resolve("run"));
            double[] steps = java.util.Arrays.stream(run.steps()).asDoubleStream().toArray();
            XYChart c = Figures.xy("Parameter trajectories read back with blocks()", "optimiser step", "parameter value");
            for (ParameterBlock b : run.blocks(8)) {
                for (int r = 0; r < b.rows(); r++) {
                    c.addSeries("w[" + (b.offset() + r) + "]", steps, b.row(r));
                }
                break; // first 8 parameters
            }
            System.out.println("saved " + Figures.save(c, base));
        } finally {
            Trajectories.deleteTree(dir);
        }
    }
}
