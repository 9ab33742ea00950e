package org.trainingdynamics.koopman;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.HeatMapChart;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;
import org.trainingdynamics.train.MultiSeedRunner;
import org.trainingdynamics.train.Setups;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * CNN early training (Redman et al. 2024, arXiv 2302.09160, §4.3 / Fig. 4; research note §2c): Koopman spectra
 * over successive windows of the densely recorded early phase, compared window to window by the 1-Wasserstein
 * distance and shown as a heat map of log₁₀ W. The paper released no code for this experiment; the choices
 * here (stated in {@link Config}) follow its transformer pipeline: all weights, PCA to {@code pca} dimensions
 * fitted on every run's early phase pooled, time-delay embedding, exact DMD at a fixed rank, the seeds' runs
 * pooled as separate trajectories in each window.
 */
public final class CnnEarlyPhaseReplication {
    private CnnEarlyPhaseReplication() {
    }

    /**
     * Analysis settings.
     *
     * @param pca    PCA dimensions of the pooled weights (default 10, as the paper's transformer analysis)
     * @param delays PyDMD d, stacked snapshots per embedded column (default 4)
     * @param rank   DMD rank (default 10)
     * @param length checkpoints per window (default 25)
     * @param stride checkpoints between window starts (default 25: disjoint windows)
     */
    public record Config(int pca, int delays, int rank, int length, int stride) {
        /** Validates. */
        public Config {
            if (pca < 1 || delays < 1 || rank < 1 || length < delays + 1 || stride < 1) {
                throw new IllegalArgumentException("CNN early-phase config: need pca, delays, rank, stride >= 1 and"
                        + " length > delays; got pca=" + pca + ", delays=" + delays + ", rank=" + rank + ", length="
                        + length + ", stride=" + stride);
            }
        }

        /** PCA 10, d = 4, rank 10, disjoint windows of 25 checkpoints. */
        public static Config defaults() {
            return new Config(10, 4, 10, 25, 25);
        }
    }

    /**
     * Trains LeNet-5-like CNNs on Fashion-MNIST with the workbench trainer ({@code Setups.cnn()}: Adam 1e-3,
     * batch 128), one epoch, a checkpoint every {@code every} updates during the first {@code earlySteps};
     * runs go to {@code out/seed-<s>} (resumable).
     */
    public static List<Path> train(Path out, long firstSeed, int seeds, int earlySteps, int every) {
        return MultiSeedRunner.run(Setups.cnn().epochs(1).earlyPhase(earlySteps, every).build(), firstSeed, seeds, out);
    }

    /** Opens the runs in {@code dirs} and analyses their early phase. */
    public static Result run(Config config, List<Path> dirs) {
        List<Trajectory> runs = new ArrayList<>();
        for (Path d : dirs) {
            runs.add(Trajectories.open(d));
        }
        return analyse(config, runs);
    }

    /**
     * Restricts every run to its leading equally spaced checkpoints (the dense early phase: steps 0, e, 2e, …),
     * projects the pooled weights onto {@code pca} principal axes and fits one spectrum per window.
     */
    public static Result analyse(Config config, List<? extends Trajectory> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs");
        }
        long[] steps = runs.get(0).steps();
        int dense = denseLength(steps);
        for (Trajectory r : runs) {
            long[] s = r.steps();
            int n = denseLength(s);
            if (s[1] - s[0] != steps[1] - steps[0] || s[0] != steps[0]) {
                throw new IllegalArgumentException("runs are checkpointed on different schedules: " + s[0] + ", " + s[1]
                        + ", … vs " + steps[0] + ", " + steps[1] + ", …");
            }
            dense = Math.min(dense, n);
        }
        if (dense < config.length()) {
            throw new IllegalArgumentException("the dense early phase has " + dense + " checkpoints, fewer than the window"
                    + " length " + config.length());
        }
        List<Trajectory> early = new ArrayList<>();
        for (Trajectory r : runs) {
            early.add(r.window(0, dense, 1));
        }
        Snapshots obs = Observables.pca(config.pca(), early);
        Dmd dmd = Dmd.builder().rank(config.rank()).delays(config.delays()).build();
        WindowedSpectra w = WindowedSpectra.of(dmd, obs, config.length(), config.stride());
        long[] startSteps = new long[w.starts().length];
        for (int i = 0; i < startSteps.length; i++) {
            startSteps[i] = steps[w.starts()[i]];
        }
        return new Result(config, startSteps, steps[1] - steps[0], w);
    }

    /** Number of leading checkpoints spaced like the first two. */
    static int denseLength(long[] steps) {
        if (steps.length < 2) {
            throw new IllegalArgumentException("a run needs at least two checkpoints, has " + steps.length);
        }
        long e = steps[1] - steps[0];
        int n = 2;
        while (n < steps.length && steps[n] - steps[n - 1] == e) {
            n++;
        }
        return n;
    }

    /**
     * Windowed spectra with the update at which each window starts.
     *
     * @param config     the analysis settings
     * @param startSteps training step of each window's first checkpoint
     * @param every      updates between checkpoints
     * @param windows    spectra and distances
     */
    public record Result(Config config, long[] startSteps, long every, WindowedSpectra windows) {
        /** Defensive copy. */
        public Result {
            startSteps = startSteps.clone();
        }

        /** W between consecutive windows i and i + 1. */
        public double[] adjacentDistances() {
            double[][] d = windows.distances(SpectralDistance.Ground.EUCLIDEAN);
            double[] out = new double[d.length - 1];
            for (int i = 0; i + 1 < d.length; i++) {
                out[i] = d[i][i + 1];
            }
            return out;
        }

        /** Per window: start step, end step, largest |λ|, W to the next window. */
        public Table toTable() {
            int n = startSteps.length;
            double[] adj = adjacentDistances();
            DoubleColumn next = DoubleColumn.create("W_to_next");
            DoubleColumn maxMod = DoubleColumn.create("max_abs_lambda");
            IntColumn from = IntColumn.create("from_step");
            IntColumn to = IntColumn.create("to_step");
            for (int i = 0; i < n; i++) {
                from.append((int) startSteps[i]);
                to.append((int) (startSteps[i] + (config.length() - 1) * every));
                double m = 0;
                for (double v : windows.spectra().get(i).modulus()) {
                    m = Math.max(m, v);
                }
                maxMod.append(m);
                if (i < adj.length) {
                    next.append(adj[i]);
                } else {
                    next.appendMissing();
                }
            }
            return Table.create("cnn-early-phase-windows", from, to, maxMod, next);
        }

        /** The paper's heat map: log₁₀ W between every pair of windows. */
        public HeatMapChart chart() {
            return windows.heatMap("CNN early phase: log10 W, windows of " + (config.length() - 1) * every + " updates");
        }
    }
}
