package org.trainingdynamics.hmm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.trainingdynamics.trajectory.Npy;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;

/**
 * Sparse-parity replication driver (research note §5) on runs recorded by the project's trainer
 * ({@code ./workbench train sparse-parity --set width=1000 --seed 0 --seeds 40 --out RUNS}, i.e.
 * {@code Setups.sparseParity()} with {@code MultiSeedRunner}): reads every {@code seed-<s>} folder under
 * {@code RUNS}, extracts the 14 features and the test accuracy at each checkpoint, and runs
 * {@link TrainingHmmStudy} once per requested K (0: K with the best held-out log-likelihood), writing the
 * training map, the held-out selection chart and the criteria under {@code OUT/K<k>} (or {@code OUT/heldout});
 * the per-run features are cached under {@code OUT/features/}.
 * Run as {@code java ... SparseParityReplication RUNS OUT [K ...]}.
 */
final class SparseParityReplication {
    private SparseParityReplication() {
    }

    /** The {@code seed-<s>} run folders under {@code root}, by seed (unfinished {@code .partial} folders skipped). */
    static List<Path> runDirs(Path root) {
        try (Stream<Path> s = Files.list(root)) {
            List<Path> dirs = s.filter(Files::isDirectory)
                    .filter(p -> p.getFileName().toString().matches("seed-\\d+"))
                    .sorted(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().substring(5))))
                    .toList();
            if (dirs.isEmpty()) {
                throw new IllegalArgumentException("no seed-<s> run folders under " + root);
            }
            return dirs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One study run per folder: the 14 default features and {@code test_acc} at every checkpoint. */
    static List<TrainingHmmStudy.Run> runs(List<Path> dirs) {
        return runs(dirs, null);
    }

    /**
     * As {@link #runs(List)}, caching each run's [T, 15] matrix (14 features, then test accuracy) as
     * {@code cache/<run>.npy} so that a re-run (another K, more finished seeds) skips the feature extraction.
     */
    static List<TrainingHmmStudy.Run> runs(List<Path> dirs, Path cache) {
        List<TrainingHmmStudy.Run> runs = new ArrayList<>();
        int d = TrainingMetrics.BASE_FEATURES.size();
        for (Path dir : dirs) {
            String name = dir.getFileName().toString();
            Trajectory t = Trajectories.open(dir);
            Path f = cache == null ? null : cache.resolve(name + ".npy");
            if (f != null && Files.exists(f)) {
                double[][] m = Npy.read(f).toDoubleMatrix();
                double[][] feats = new double[m.length][];
                double[] acc = new double[m.length];
                for (int c = 0; c < m.length; c++) {
                    feats[c] = Arrays.copyOf(m[c], d);
                    acc[c] = m[c][d];
                }
                runs.add(new TrainingHmmStudy.Run(name, new TrainingMetrics.Features(TrainingMetrics.BASE_FEATURES,
                        feats, t.steps()), acc));
                continue;
            }
            TrainingHmmStudy.Run r = TrainingHmmStudy.Run.of(name, t, TrainingMetrics.defaults(), "test_acc");
            runs.add(r);
            if (f != null) {
                int n = r.convergenceMetric().length;
                double[] flat = new double[n * (d + 1)];
                for (int c = 0; c < n; c++) {
                    System.arraycopy(r.features().values()[c], 0, flat, c * (d + 1), d);
                    flat[c * (d + 1) + d] = r.convergenceMetric()[c];
                }
                try {
                    Files.createDirectories(cache);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                Npy.write(f, flat, n, d + 1);
            }
        }
        return runs;
    }

    public static void main(String[] args) {
        Path root = Path.of(args[0]);
        Path out = Path.of(args[1]);
        List<Integer> ks = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            ks.add(Integer.parseInt(args[i]));
        }
        if (ks.isEmpty()) {
            ks.add(0);
        }
        long t0 = System.nanoTime();
        List<Path> dirs = runDirs(root);
        List<TrainingHmmStudy.Run> runs = runs(dirs, out.resolve("features"));
        Trajectory first = Trajectories.open(dirs.get(0));
        String model = String.valueOf(((java.util.Map<?, ?>) first.metadata().get("config")).get("model"));
        System.out.printf("%d runs (%s), %d checkpoints each; features: %.1f s%n", runs.size(), model,
                runs.get(0).convergenceMetric().length, (System.nanoTime() - t0) / 1e9);
        for (int k : ks) {
            t0 = System.nanoTime();
            TrainingHmmStudy.Result r = TrainingHmmStudy.of(TrainingHmmStudy.Config.defaults().withStates(k)).run(runs);
            System.out.printf("%n=== K = %s: HMM study %.1f s%n", k == 0 ? "held-out choice" : k,
                    (System.nanoTime() - t0) / 1e9);
            System.out.println("convergence checkpoints: " + java.util.Arrays.toString(r.convergenceTimes()));
            System.out.println(r.selection().toTable().print());
            System.out.println("chosen K = " + r.states() + ", training-BIC minimum at K = " + r.selection().bestByBic());
            System.out.println(r.map().toTable().print());
            System.out.println("start counts: " + java.util.Arrays.toString(r.map().startCounts()));
            System.out.println(r.detours().toTable().print());
            System.out.println("detour counts over restarts: " + java.util.Arrays.toString(r.detourRestartCounts()));
            System.out.println(r.criteriaTable().printAll());
            Path dir = out.resolve(k == 0 ? "heldout" : "K" + k);
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            r.criteriaTable().write().csv(dir.resolve("criteria.csv").toFile());
            r.detours().toTable().write().csv(dir.resolve("detours.csv").toFile());
            r.map().savePng(dir.resolve("training-map.png"), "Sparse parity (n=40, k=3, " + model + ", "
                    + runs.size() + " seeds): training map, K=" + r.states());
            org.trainingdynamics.viz.Figures.save(r.selection().heldOutChart(), dir.resolve("selection"));
        }
    }
}
