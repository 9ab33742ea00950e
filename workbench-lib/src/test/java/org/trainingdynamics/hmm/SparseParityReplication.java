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
 * Run as {@code java ... SparseParityReplication RUNS OUT [K ...] [seed=S] [from=F] [numpy]} ({@code S}: the
 * study's seed for the split, k-means and restarts, default 0; {@code F}: drop the first F checkpoints, e.g. 1 for
 * the official script's 30 evaluation points without the initial weights; {@code numpy}: also run the NumPy EM
 * cross-check of criterion 5 on these features).
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

    /**
     * Criterion 5 on the study's own features: EM from one k-means/Dirichlet initialisation for {@code iterations}
     * iterations (full covariance, K = {@code k}) in Java and in the NumPy transcription of hmmlearn's EM of
     * {@link NumpyEmCrossCheckTest}; returns {max relative log-likelihood difference over the iterations, max
     * parameter difference relative to max(1, |value|)}.
     */
    static double[] numpyCrossCheck(List<TrainingHmmStudy.Run> runs, int k, int iterations, Path dir) throws Exception {
        List<double[][]> z = new ArrayList<>();
        for (TrainingHmmStudy.Run r : runs) {
            z.add(r.features().zscored());
        }
        Sequences x = Sequences.ofRuns(z);
        int d = z.get(0)[0].length;
        HmmParameters init = ExpectationMaximization.initialise(HmmConfig.builder().states(k).build(), x, null,
                new java.util.SplittableRandom(11));
        HmmFit fit = HmmConfig.builder().states(k).init(init).iterations(iterations).tol(Double.NEGATIVE_INFINITY)
                .build().fit(x);
        Files.createDirectories(dir);
        Npy.write(dir.resolve("X.npy"), NumpyEmCrossCheckTest.BenchData.flat(x), x.frames(), d);
        long[] len = new long[z.size()];
        for (int i = 0; i < len.length; i++) {
            len[i] = z.get(i).length;
        }
        Npy.write(dir.resolve("lengths.npy"), len, len.length);
        Npy.write(dir.resolve("start.npy"), init.startprob(), k);
        Npy.write(dir.resolve("trans.npy"), NumpyEmCrossCheckTest.BenchData.flat(init.transmat()), k, k);
        Npy.write(dir.resolve("means.npy"), NumpyEmCrossCheckTest.BenchData.flat(init.means()), k, d);
        double[] c = new double[k * d * d];
        for (int i = 0; i < k; i++) {
            for (int a = 0; a < d; a++) {
                System.arraycopy(init.covars()[i][a], 0, c, (i * d + a) * d, d);
            }
        }
        Npy.write(dir.resolve("covars.npy"), c, k, d, d);
        String[] out = Python.run(NumpyEmCrossCheckTest.NUMPY_EM, dir.toString(), String.valueOf(iterations))
                .trim().split("\n");
        String[] hist = out[0].trim().split(" ");
        double ll = 0;
        for (int i = 0; i < iterations; i++) {
            double want = Double.parseDouble(hist[i]);
            ll = Math.max(ll, Math.abs(fit.loglikHistory()[i] - want) / Math.abs(want));
        }
        GaussianHmm m = fit.model();
        List<Double> got = new ArrayList<>();
        for (double v : m.startprob()) {
            got.add(v);
        }
        for (double[] row : m.transmat()) {
            for (double v : row) {
                got.add(v);
            }
        }
        for (double[] row : m.means()) {
            for (double v : row) {
                got.add(v);
            }
        }
        for (double[][] mat : m.covars()) {
            for (double[] row : mat) {
                for (double v : row) {
                    got.add(v);
                }
            }
        }
        String[] p = out[1].trim().split(" ");
        if (p.length != got.size()) {
            throw new IllegalStateException("NumPy returned " + p.length + " parameters, Java has " + got.size());
        }
        double par = 0;
        for (int i = 0; i < p.length; i++) {
            double want = Double.parseDouble(p[i]);
            par = Math.max(par, Math.abs(got.get(i) - want) / Math.max(1, Math.abs(want)));
        }
        return new double[]{ll, par};
    }

    /** The runs without their first {@code from} checkpoints. */
    static List<TrainingHmmStudy.Run> fromCheckpoint(List<TrainingHmmStudy.Run> runs, int from) {
        if (from == 0) {
            return runs;
        }
        List<TrainingHmmStudy.Run> out = new ArrayList<>();
        for (TrainingHmmStudy.Run r : runs) {
            int n = r.convergenceMetric().length;
            if (from < 0 || from >= n - 1) {
                throw new IllegalArgumentException("from=" + from + " leaves fewer than 2 of the " + n
                        + " checkpoints of run " + r.name());
            }
            TrainingMetrics.Features f = r.features();
            out.add(new TrainingHmmStudy.Run(r.name(), new TrainingMetrics.Features(f.names(),
                    Arrays.copyOfRange(f.values(), from, n), Arrays.copyOfRange(f.steps(), from, n)),
                    Arrays.copyOfRange(r.convergenceMetric(), from, n)));
        }
        return out;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Path out = Path.of(args[1]);
        List<Integer> ks = new ArrayList<>();
        long seed = 0;
        boolean numpy = false;
        int from = 0;
        for (int i = 2; i < args.length; i++) {
            if (args[i].equals("numpy")) {
                numpy = true;
            } else if (args[i].startsWith("from=")) {
                from = Integer.parseInt(args[i].substring(5));
            } else if (args[i].startsWith("seed=")) {
                seed = Long.parseLong(args[i].substring(5));
            } else {
                ks.add(Integer.parseInt(args[i]));
            }
        }
        if (ks.isEmpty()) {
            ks.add(0);
        }
        long t0 = System.nanoTime();
        List<Path> dirs = runDirs(root);
        List<TrainingHmmStudy.Run> runs = fromCheckpoint(runs(dirs, out.resolve("features")), from);
        Trajectory first = Trajectories.open(dirs.get(0));
        String model = String.valueOf(((java.util.Map<?, ?>) first.metadata().get("config")).get("model"));
        System.out.printf("%d runs (%s), %d checkpoints each used; features: %.1f s%n", runs.size(), model,
                runs.get(0).convergenceMetric().length, (System.nanoTime() - t0) / 1e9);
        if (numpy) {
            t0 = System.nanoTime();
            double[] e = numpyCrossCheck(runs, 6, 10, out.resolve("numpy-crosscheck"));
            System.out.printf("NumPy EM cross-check on these features (K=6, full, 10 iterations): max relative LL "
                    + "difference %.2e, max parameter difference %.2e (%.1f s)%n", e[0], e[1], (System.nanoTime() - t0) / 1e9);
        }
        for (int k : ks) {
            t0 = System.nanoTime();
            TrainingHmmStudy.Result r = TrainingHmmStudy.of(TrainingHmmStudy.Config.defaults().withSeed(seed).withStates(k)).run(runs);
            System.out.printf("%n=== K = %s, HMM seed %d: HMM study %.1f s%n", k == 0 ? "held-out choice" : k, seed,
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
