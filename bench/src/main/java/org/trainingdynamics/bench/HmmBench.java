package org.trainingdynamics.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.trainingdynamics.hmm.CovarianceType;
import org.trainingdynamics.hmm.GaussianHmm;
import org.trainingdynamics.hmm.HmmConfig;
import org.trainingdynamics.hmm.HmmFit;
import org.trainingdynamics.hmm.HmmParameters;
import org.trainingdynamics.hmm.Sequences;
import org.trainingdynamics.trajectory.Npy;
import org.trainingdynamics.trajectory.NpyArray;

/**
 * HMM benchmark (docs/BENCHMARKS.md, "## HMM"): EM on 40 sequences x 2000 steps x 14 features, 8 states, full
 * covariance, 100 iterations from fixed initial parameters; time per iteration and E-step GFLOP/s (operation-count
 * model below), and the ratio to a NumPy/SciPy log-space E-step ({@code bench/hmm_numpy.py}) on the same input,
 * run from here in the same command. Arguments: [iterations (100)] [numpy repeats (3)].
 */
public final class HmmBench {
    private HmmBench() {
    }

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int seqs = 40;
        int len = 2000;
        int d = 14;
        int k = 8;
        GaussianHmm truth = planted(k, d);
        List<double[][]> runs = new ArrayList<>();
        for (int s = 0; s < seqs; s++) {
            runs.add(truth.sample(len, 1000 + s).observations());
        }
        Sequences x = Sequences.ofRuns(runs);
        HmmParameters init = initial(x, k, d);
        Path dir = Files.createTempDirectory("hmm-bench");
        try {
            Npy.write(dir.resolve("X.npy"), NpyArray.of(flat(x), x.frames(), d));
            long[] lengths = new long[seqs];
            Arrays.fill(lengths, len);
            Npy.write(dir.resolve("lengths.npy"), lengths, seqs);
            writeParams(dir.resolve("params.npz"), init);

            HmmConfig cfg = HmmConfig.builder().states(k).covariance(CovarianceType.FULL).init(init)
                    .iterations(iterations).tol(Double.NEGATIVE_INFINITY).build();
            // warm-up (JIT)
            HmmConfig.builder().states(k).covariance(CovarianceType.FULL).init(init).iterations(3)
                    .tol(Double.NEGATIVE_INFINITY).build().fit(x);
            long t0 = System.nanoTime();
            HmmFit fit = cfg.fit(x);
            double emSeconds = (System.nanoTime() - t0) / 1e9;
            // E-step alone: score + posteriors + the full statistics are what an iteration does; time fit of 1 iteration
            HmmConfig one = HmmConfig.builder().states(k).covariance(CovarianceType.FULL).init(init).iterations(1)
                    .tol(Double.NEGATIVE_INFINITY).build();
            double best = Double.POSITIVE_INFINITY;
            double javaLl = 0;
            for (int r = 0; r < 5; r++) {
                long s0 = System.nanoTime();
                HmmFit f1 = one.fit(x);
                double dt = (System.nanoTime() - s0) / 1e9;
                javaLl = f1.loglikHistory()[0];
                best = Math.min(best, dt);
            }
            // one fit(1 iteration) = E-step + M-step + final score (a forward pass); the M-step is O(K d^2), negligible
            double flops = estepFlops(x.frames(), k, d);
            String py = python();
            List<Double> npTimes = new ArrayList<>();
            double npLl = Double.NaN;
            Process p = new ProcessBuilder(py, Path.of("bench", "hmm_numpy.py").toString(), dir.resolve("X.npy").toString(),
                    dir.resolve("lengths.npy").toString(), dir.resolve("params.npz").toString(), String.valueOf(reps))
                    .redirectErrorStream(true).start();
            try (BufferedReader br = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = br.readLine()) != null) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length == 4 && f[0].equals("estep_seconds")) {
                        npTimes.add(Double.parseDouble(f[1]));
                        npLl = Double.parseDouble(f[3]);
                    } else {
                        System.out.println("numpy: " + line);
                    }
                }
            }
            if (p.waitFor() != 0 || npTimes.isEmpty()) {
                throw new IllegalStateException("NumPy baseline failed (exit " + p.exitValue() + ")");
            }
            double npBest = npTimes.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            System.out.printf("HMM EM: %d sequences x %d steps x %d features, K=%d, full covariance%n", seqs, len, d, k);
            System.out.printf("  Java EM %d iterations: %.2f s total, %.1f ms/iteration (%d cores available)%n",
                    fit.iterations(), emSeconds, 1e3 * emSeconds / fit.iterations(), Runtime.getRuntime().availableProcessors());
            System.out.printf("  Java E-step (best of 5, incl. M-step and final score): %.1f ms, %.2f GFLOP/s (model: %.3f GFLOP)%n",
                    1e3 * best, flops / best / 1e9, flops / 1e9);
            System.out.printf("  NumPy/SciPy E-step (best of %d, %s): %.1f ms, %.2f GFLOP/s%n", npTimes.size(), py,
                    1e3 * npBest, flops / npBest / 1e9);
            System.out.printf("  ratio NumPy / Java E-step time: %.2fx (target >= 3x)%n", npBest / best);
            System.out.printf("  same input check: log-likelihood Java %.6f, NumPy %.6f (rel. diff %.2e)%n", javaLl, npLl,
                    Math.abs(javaLl - npLl) / Math.abs(npLl));
        } finally {
            for (String f : new String[]{"X.npy", "lengths.npy", "params.npz"}) {
                Files.deleteIfExists(dir.resolve(f));
            }
            Files.deleteIfExists(dir);
        }
    }

    /**
     * Operation count of one E-step (adds and multiplies; exp/log not counted): densities N K (d^2 + 3d),
     * forward and backward N (4K^2 + 2K), xi N 3K^2, posteriors N 3K, statistics N K (d(d+1) + 2d).
     */
    static double estepFlops(long n, int k, int d) {
        return (double) n * k * (d * d + 3 * d) + (double) n * (4.0 * k * k + 2 * k) + 3.0 * n * k * k + 3.0 * n * k
                + (double) n * k * (d * (d + 1) + 2 * d);
    }

    static GaussianHmm planted(int k, int d) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        double[] start = new double[k];
        start[0] = 1;
        double[][] t = new double[k][k];
        double[][] mu = new double[k][d];
        double[][][] cov = new double[k][d][d];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                t[i][j] = i == j ? 0.97 : 0.03 / (k - 1);
            }
            for (int a = 0; a < d; a++) {
                mu[i][a] = 3 * (r.nextDouble() - 0.5);
                cov[i][a][a] = 0.5 + r.nextDouble();
                if (a > 0) {
                    cov[i][a][a - 1] = 0.1;
                    cov[i][a - 1][a] = 0.1;
                }
            }
        }
        return GaussianHmm.of(CovarianceType.FULL, new HmmParameters(start, t, mu, cov));
    }

    static HmmParameters initial(Sequences x, int k, int d) {
        double[] start = new double[k];
        Arrays.fill(start, 1.0 / k);
        double[][] t = new double[k][k];
        double[][] mu = new double[k][d];
        double[][][] cov = new double[k][d][d];
        for (int i = 0; i < k; i++) {
            Arrays.fill(t[i], 1.0 / k);
            int frame = (int) ((long) i * x.frames() / k) + 17;
            for (int a = 0; a < d; a++) {
                mu[i][a] = x.get(frame, a);
                cov[i][a][a] = 2.0;
            }
        }
        return new HmmParameters(start, t, mu, cov);
    }

    static double[] flat(Sequences x) {
        double[] f = new double[x.frames() * x.features()];
        for (int t = 0; t < x.frames(); t++) {
            for (int a = 0; a < x.features(); a++) {
                f[t * x.features() + a] = x.get(t, a);
            }
        }
        return f;
    }

    static void writeParams(Path file, HmmParameters p) throws Exception {
        int k = p.states();
        int d = p.features();
        double[] cov = new double[k * d * d];
        double[] mu = new double[k * d];
        double[] tr = new double[k * k];
        for (int i = 0; i < k; i++) {
            System.arraycopy(p.means()[i], 0, mu, i * d, d);
            System.arraycopy(p.transmat()[i], 0, tr, i * k, k);
            for (int a = 0; a < d; a++) {
                System.arraycopy(p.covars()[i][a], 0, cov, (i * d + a) * d, d);
            }
        }
        Map<String, NpyArray> arrays = Map.of("startprob", NpyArray.of(p.startprob(), k), "transmat", NpyArray.of(tr, k, k),
                "means", NpyArray.of(mu, k, d), "covars", NpyArray.of(cov, k, d, d));
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                z.write(Npy.toBytes(e.getValue()));
                z.closeEntry();
            }
        }
    }

    static String python() throws Exception {
        for (String c : new String[]{"python3", "/usr/bin/python3"}) {
            try {
                Process p = new ProcessBuilder(c, "-c", "import numpy").redirectErrorStream(true).start();
                if (p.waitFor() == 0) {
                    return c;
                }
            } catch (java.io.IOException e) {
                // next
            }
        }
        throw new IllegalStateException("no python3 with numpy for the baseline");
    }
}
