package org.trainingdynamics.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.trainingdynamics.linalg.Svd;
import org.trainingdynamics.spectral.SpectralConfig;
import org.trainingdynamics.spectral.SpectralDynamics;
import org.trainingdynamics.spectral.SpectralResult;
import org.trainingdynamics.trajectory.DType;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;
import org.trainingdynamics.trajectory.TrajectoryRecorder;

/**
 * Spectral benchmark: all singular values (values only, float64) of every matrix of a transformer-sized
 * trajectory ({@code L × [768×768, 768×3072, 3072×768] × T} checkpoints, float32 store) streamed from the
 * store, against NumPy's LAPACK ({@code numpy.linalg.svd(compute_uv=False)}, float64) on the same files in the
 * same command. Also EJML vs LAPACK for small matrices (the {@link Svd#EJML_MAX_DIM} threshold).
 *
 * <p>Arguments: {@code [checkpoints=4] [layers=12] [dir=/tmp/spectral-bench]}; the data is deleted afterwards.
 */
public final class SpectralBench {

    private SpectralBench() {
    }

    /** Approximate flops of values-only SVD (Householder bidiagonalisation, 4mn² − 4n³/3, m ≥ n). */
    static double flops(long m, long n) {
        long a = Math.max(m, n);
        long b = Math.min(m, n);
        return 4.0 * a * b * b - 4.0 * b * b * b / 3;
    }

    public static void main(String[] args) throws Exception {
        int checkpoints = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int layers = args.length > 1 ? Integer.parseInt(args[1]) : 12;
        Path dir = Path.of(args.length > 2 ? args[2] : "/tmp/spectral-bench");
        System.out.printf("SpectralBench: %d layers x [768x768, 768x3072, 3072x768] x %d checkpoints, cores=%d%n",
                layers, checkpoints, Runtime.getRuntime().availableProcessors());
        if (!Boolean.getBoolean("bench.skipSmall")) {
            smallMatrices();
        }
        try {
            List<TensorSpec> specs = new ArrayList<>();
            for (int l = 0; l < layers; l++) {
                specs.add(new TensorSpec("h." + l + ".attn.weight", new long[]{768, 768}, DType.FLOAT32));
                specs.add(new TensorSpec("h." + l + ".mlp.fc.weight", new long[]{3072, 768}, DType.FLOAT32));
                specs.add(new TensorSpec("h." + l + ".mlp.proj.weight", new long[]{768, 3072}, DType.FLOAT32));
            }
            long t0 = System.nanoTime();
            write(dir, specs, checkpoints);
            System.out.printf("wrote store in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            System.out.flush();
            double total = 0;
            for (TensorSpec s : specs) {
                total += flops(s.dim(0), s.dim(1)) * checkpoints;
            }
            Trajectory traj = Trajectories.open(dir);
            Svd.values(new double[768 * 768], 768, 768); // load LAPACK
            String modes = System.getProperty("bench.modes", "par,seq,numpy");
            double tPar = Double.NaN;
            double tSeq = Double.NaN;
            if (modes.contains("par")) {
                int cores = Runtime.getRuntime().availableProcessors();
                tPar = timeJava(traj, cores, cores);
                System.out.printf("java  parallel (%d workers, LAPACK on one thread x %d BLAS threads): %.1f s, %.1f GFLOP/s%n",
                        cores, cores, tPar, total / tPar / 1e9);
            }
            if (modes.contains("seq")) {
                tSeq = timeJava(traj, 1, 2);
                System.out.printf("java  sequential (1 worker x 2 BLAS threads): %.1f s, %.1f GFLOP/s%n", tSeq, total / tSeq / 1e9);
            }
            if (!modes.contains("numpy")) {
                return;
            }
            double tNp = timeNumpy(dir, specs);
            System.out.printf("numpy (LAPACK gesdd via numpy.linalg.svd, OPENBLAS_NUM_THREADS=cores): %.1f s, %.1f GFLOP/s%n", tNp,
                    total / tNp / 1e9);
            System.out.printf("RATIO java(parallel)/numpy GFLOP/s = %.2f ; java(sequential)/numpy = %.2f%n", tNp / tPar,
                    tNp / tSeq);
        } finally {
            delete(dir);
        }
    }

    private static void smallMatrices() {
        SplittableRandom r = new SplittableRandom(1);
        for (int n : new int[]{32, 64, 128, 256, 512}) {
            double[] a = new double[n * n];
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextDouble() - 0.5;
            }
            double[] ms = new double[2];
            Svd.Backend[] b = {Svd.Backend.EJML, Svd.Backend.LAPACK};
            for (int k = 0; k < 2; k++) {
                int reps = Math.max(3, 2_000_000 / (n * n));
                for (int i = 0; i < 2; i++) {
                    Svd.values(a, n, n, b[k]);
                }
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    Svd.values(a, n, n, b[k]);
                }
                ms[k] = (System.nanoTime() - t0) / 1e6 / reps;
            }
            System.out.printf("values-only %dx%d: EJML %.3f ms, LAPACK %.3f ms (LAPACK/EJML time %.2f)%n", n, n, ms[0], ms[1],
                    ms[1] / ms[0]);
        }
    }

    private static double timeJava(Trajectory traj, int workers, int blas) {
        SpectralConfig cfg = SpectralConfig.builder().valuesOnly().esd(false).threads(workers, blas).build();
        long t0 = System.nanoTime();
        SpectralResult r = SpectralDynamics.run(traj, cfg);
        double s = (System.nanoTime() - t0) / 1e9;
        if (r.checkpointCount() != traj.checkpointCount()) {
            throw new IllegalStateException("incomplete result");
        }
        return s;
    }

    private static double timeNumpy(Path dir, List<TensorSpec> specs) throws IOException, InterruptedException {
        String script = """
                import json, sys, time, numpy as np
                d = sys.argv[1]
                man = json.load(open(d + '/trajectory.json'))
                arrs = [np.load(d + '/' + t['file'], mmap_mode='r') for t in man['tensors']]
                np.linalg.svd(np.zeros((768, 768)), compute_uv=False)
                t0 = time.perf_counter()
                for t in range(man['checkpoints']):
                    for a in arrs:
                        np.linalg.svd(np.asarray(a[t], dtype=np.float64), compute_uv=False)
                print('NUMPY_SECONDS', time.perf_counter() - t0)
                """;
        Path f = Files.createTempFile("spectral-bench", ".py");
        Files.writeString(f, script);
        ProcessBuilder pb = new ProcessBuilder("python3", f.toString(), dir.toString()).redirectErrorStream(true);
        // NumPy's OpenBLAS otherwise sizes its pool from the host's CPUs, not the 2 cores this machine grants
        pb.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(Runtime.getRuntime().availableProcessors()));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Files.deleteIfExists(f);
        for (String line : out.split("\n")) {
            if (line.startsWith("NUMPY_SECONDS")) {
                return Double.parseDouble(line.split(" ")[1]);
            }
        }
        throw new IllegalStateException("numpy run failed:\n" + out);
    }

    private static void write(Path dir, List<TensorSpec> specs, int checkpoints) {
        delete(dir);
        SplittableRandom r = new SplittableRandom(7);
        Map<String, float[]> w = new HashMap<>();
        for (TensorSpec s : specs) {
            float[] x = new float[(int) s.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) ((r.nextDouble() - 0.5) * 0.1);
            }
            w.put(s.name(), x);
        }
        try (TrajectoryRecorder rec = TrajectoryRecorder.create(dir, specs, Map.of("source", "SpectralBench"))) {
            for (int t = 0; t < checkpoints; t++) {
                for (float[] x : w.values()) {
                    for (int i = 0; i < x.length; i += 97) {
                        x[i] += 0.01f; // drift between checkpoints
                    }
                }
                rec.append(t, t, new HashMap<>(w));
            }
        }
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
