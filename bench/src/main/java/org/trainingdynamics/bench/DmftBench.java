package org.trainingdynamics.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.trainingdynamics.dln.DmftConfig;
import org.trainingdynamics.dln.DmftKernels;
import org.trainingdynamics.dln.DmftSolver;

/**
 * Benchmark of one DMFT fixed-point iteration (org.trainingdynamics.dln.DmftSolver.pass) on K = 200 grid points with
 * N = 10⁴ samples (dmft.md defaults otherwise: α = 0.5, ρ = 0.1, s₀ = 0.1, h = 0.05), against two baselines measured in
 * the same run: ND4J's float64 GEMM rate (square 2048³ product, best of 3; the float32 rate, which the solver's
 * float32 response recursion uses, is printed for reference only), giving the GEMM-bound time of the
 * iteration's dominant products (counted exactly, independent of how the solver blocks them: the response memory sums,
 * 2·C(K,3)·N flops, plus the three K×K×N products), and a
 * NumPy solver of the same discretisation (bench/python/dmft_numpy.py), run at the same K and N when
 * {@code numpyFull} is given, else at reduced N and extrapolated linearly in N (its cost is O(N K³)).
 *
 * <p>usage: DmftBench [K] [N] [numpyN] [numpyIterations] (numpyIterations = 0 skips the NumPy baseline)
 */
public final class DmftBench {
    private DmftBench() {
    }

    public static void main(String[] args) throws Exception {
        int k = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int numpyN = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
        int numpyIters = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        Locale.setDefault(Locale.ROOT);

        double[] rates = gemmRate(DataType.DOUBLE);
        double gemmRate = rates[0];
        double gemmCpuRate = rates[1];
        System.out.printf("ND4J float64 GEMM rate (2048^3, best of 3): %.2f GFLOP/s wall, %.2f GFLOP per CPU-second%n",
                gemmRate / 1e9, gemmCpuRate / 1e9);
        // the solver's response recursion runs in float32: its sgemm rate, for reference (the bound uses float64's)
        double[] srates = gemmRate(DataType.FLOAT);
        System.out.printf("ND4J float32 GEMM rate (2048^3, best of 3): %.2f GFLOP/s wall, %.2f GFLOP per CPU-second"
                + " (reference only)%n", srates[0] / 1e9, srates[1] / 1e9);

        // warm-up, and realistic kernels to time from: three damped passes at N = 1000 from the initial kernels (the
        // initial R = 0 makes the memory kernel zero, which the solver's low-rank block products would make cheap)
        DmftConfig warm = DmftConfig.builder().gridPoints(k).samples(1000).build();
        DmftSolver ws = new DmftSolver(warm);
        DmftKernels kern = ws.initial();
        for (int i = 0; i < 3; i++) {
            kern = kern.damp(ws.pass(kern, 1 + i).kernels(), 0.5);
        }

        DmftConfig cfg = DmftConfig.builder().gridPoints(k).samples(n).build();
        DmftSolver solver = new DmftSolver(cfg);
        double best = Double.POSITIVE_INFINITY;
        double bestCpu = Double.POSITIVE_INFINITY;
        double bestResp = 0;
        // dominant products, counted exactly and independently of how the solver blocks them: the response memory sums
        // Q_t[l] = Σ_{l<s<t} M_ts B_s[l] (one multiply-add per triple l < s < t per sample) and the three K×K×N products
        long flops = 2L * k * (k - 1) * (k - 2) / 6 * n + 3L * 2 * k * k * n;
        for (int it = 0; it < 3; it++) {
            long f0 = solver.gemmFlops();
            double g0 = solver.gemmSeconds();
            double c0 = cpu();
            DmftSolver.Pass p = solver.pass(kern, 11 + it);
            double cpuSec = cpu() - c0;
            kern = kern.damp(p.kernels(), 0.5);
            System.out.printf("java iteration %d: %.2f s wall, %.2f CPU-s (response %.2f s, of which GEMM %.2f s"
                    + " for %.2f G flops; %d low-rank block products)%n", it + 1, p.seconds(), cpuSec,
                    p.responseSeconds(), solver.gemmSeconds() - g0, (solver.gemmFlops() - f0) / 1e9,
                    solver.lowRankBlocks());
            if (p.seconds() < best) {
                best = p.seconds();
                bestResp = p.responseSeconds();
            }
            bestCpu = Math.min(bestCpu, cpuSec);
        }
        double bound = flops / gemmRate;
        double cpuBound = flops / gemmCpuRate;
        System.out.printf("dominant flops per iteration (exact count): %.2f G%n", flops / 1e9);
        System.out.printf("GEMM-bound time of dominant products: %.2f s wall, %.2f CPU-s; best iteration %.2f s wall"
                + " (response %.2f s), %.2f CPU-s%n", bound, cpuBound, best, bestResp, bestCpu);
        System.out.printf("RATIO iteration / GEMM-bound = %.2f wall, %.2f CPU-time (target <= 3)%n", best / bound,
                bestCpu / cpuBound);

        if (numpyIters <= 0) {
            return;
        }
        Path script = locate("bench/python/dmft_numpy.py");
        String py = python();
        List<double[]> secs = runNumpy(py, script, k, numpyN, numpyIters);
        double npBest = secs.stream().mapToDouble(x -> x[0]).min().orElse(Double.NaN);
        double npCpu = secs.stream().mapToDouble(x -> x[1]).min().orElse(Double.NaN);
        double scale = (double) n / numpyN;
        System.out.printf("numpy iteration at K=%d N=%d: %.2f s wall, %.2f CPU-s (best of %d)%s%n", k, numpyN, npBest,
                npCpu, secs.size(), numpyN == n ? "" : String.format("; extrapolated linearly to N=%d: %.1f s wall,"
                        + " %.1f CPU-s", n, npBest * scale, npCpu * scale));
        System.out.printf("RATIO numpy / java per iteration = %.1f wall, %.1f CPU-time (target >= 10)%s%n",
                npBest * scale / best, npCpu * scale / bestCpu,
                numpyN == n ? "" : " [numpy extrapolated from N=" + numpyN + "]");
    }

    /** Process CPU seconds (all threads), robust to the machine being shared. */
    static double cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() * 1e-9;
    }

    /** {wall rate, CPU-time rate} of a square GEMM in the given precision. */
    static double[] gemmRate(DataType type) {
        int s = 2048;
        INDArray a = Nd4j.rand(type, s, s);
        INDArray b = Nd4j.rand(type, s, s);
        INDArray c = Nd4j.create(type, s, s);
        Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
        double best = Double.POSITIVE_INFINITY;
        double bestCpu = Double.POSITIVE_INFINITY;
        for (int i = 0; i < 3; i++) {
            double c0 = cpu();
            long t0 = System.nanoTime();
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            best = Math.min(best, (System.nanoTime() - t0) * 1e-9);
            bestCpu = Math.min(bestCpu, cpu() - c0);
        }
        double fl = 2.0 * s * s * s;
        return new double[] {fl / best, fl / bestCpu};
    }

    static Path locate(String rel) {
        Path p = Path.of(rel);
        for (int i = 0; i < 3 && !Files.exists(p); i++) {
            p = Path.of("..").resolve(p);
        }
        if (!Files.exists(p)) {
            throw new IllegalStateException("cannot find " + rel + " (run from the repository root)");
        }
        return p;
    }

    static String python() throws Exception {
        for (String c : new String[] {"python3", "/usr/bin/python3"}) {
            try {
                Process p = new ProcessBuilder(c, "-c", "import numpy").redirectErrorStream(true).start();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return c;
                }
            } catch (java.io.IOException e) {
                // try the next
            }
        }
        throw new IllegalStateException("no python3 with numpy found (tried python3, /usr/bin/python3)");
    }

    static List<double[]> runNumpy(String py, Path script, int k, int n, int iters) throws Exception {
        Process p = new ProcessBuilder(py, script.toString(), String.valueOf(k), String.valueOf(n), String.valueOf(iters))
                .redirectErrorStream(true).start();
        List<double[]> secs = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                System.out.println("  numpy: " + line);
                if (line.startsWith("iter ")) {
                    String[] f = line.trim().split("\\s+");
                    secs.add(new double[] {Double.parseDouble(f[3]), Double.parseDouble(f[5])});
                }
            }
        }
        if (p.waitFor() != 0 || secs.isEmpty()) {
            throw new IllegalStateException("numpy solver failed (exit " + p.exitValue() + ")");
        }
        return secs;
    }
}
