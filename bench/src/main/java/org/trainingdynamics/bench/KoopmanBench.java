package org.trainingdynamics.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.trainingdynamics.koopman.Accumulation;
import org.trainingdynamics.koopman.Dmd;
import org.trainingdynamics.koopman.DmdResult;
import org.trainingdynamics.trajectory.DType;
import org.trainingdynamics.trajectory.ParameterBlock;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;
import org.trainingdynamics.trajectory.TrajectoryRecorder;

/**
 * Koopman benchmark (docs/BENCHMARKS.md "## Koopman"): exact DMD at rank 20 on a stored float32 trajectory of
 * N parameters × T checkpoints (default 2,000,000 × 200), timed against (1) one streaming pass over the same
 * data — a single reader over the same checkpoint-major blocks of 4,096 parameters the DMD's Gram reads
 * ({@code Trajectory.read}, summing every value; the parameter-major {@code Trajectory.blocks} pass is printed
 * too) — with wall and process CPU time, and (2) a NumPy thin-SVD DMD on a 200,000 × 200 float64 matrix, run in
 * the same command, with our DMD on the same matrix. Also compares the Gram kernels in memory (ND4J GEMM, the
 * library's OpenBLAS dsyrk, a blocked Java loop). Deletes its data at the end.
 *
 * <p>Args: [N] [T] [workdir] [quick] — "quick" skips the in-memory kernel comparison and the NumPy part.
 */
public final class KoopmanBench {
    private KoopmanBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        int t = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path work = Path.of(args.length > 2 ? args[2] : System.getProperty("java.io.tmpdir")).resolve("koopman-bench-" + System.nanoTime());
        Files.createDirectories(work);
        try {
            run(n, t, work, args.length > 3 && args[3].equals("quick"));
        } finally {
            Trajectories.deleteTree(work);
            System.out.println("deleted " + work);
        }
    }

    private static void run(int n, int t, Path work, boolean quick) throws Exception {
        Path store = work.resolve("store");
        long g0 = System.nanoTime();
        writeStore(store, n, t);
        System.out.printf("wrote %d x %d float32 store (%.2f GB) in %.1f s%n", n, t, 4.0 * n * t / 1e9, (System.nanoTime() - g0) / 1e9);
        Trajectory run = Trajectories.open(store);
        // warm-up (page cache, JIT, ND4J init) on both measured paths
        pass(run);
        Dmd dmd = Dmd.builder().rank(20).accumulation(Accumulation.GRAM).build();
        dmd.fit(run);
        measure(run, dmd, "BLAS threads default (" + Nd4j.factory().blas().getMaxThreads() + ")");
        // on this shared 2-core machine OpenMP/OpenBLAS threads oversubscribe the cores: measure with one too
        Nd4j.factory().blas().setMaxThreads(1);
        Nd4j.getEnvironment().setMaxThreads(1);
        measure(run, dmd, "BLAS threads 1");
        if (!quick) {
            gramKernels(t);
            numpyComparison(work, t);
        }
    }

    private static void measure(Trajectory run, Dmd dmd, String label) {
        double[] passT = new double[3];
        double[] passC = new double[3];
        double[] dmdT = new double[3];
        double[] passCpu = new double[3];
        double[] dmdCpu = new double[3];
        DmdResult r = null;
        checkpointPass(run);
        for (int rep = 0; rep < 3; rep++) {
            long a = System.nanoTime();
            pass(run);
            passT[rep] = (System.nanoTime() - a) / 1e9;
            long c = cpu();
            a = System.nanoTime();
            checkpointPass(run);
            passC[rep] = (System.nanoTime() - a) / 1e9;
            passCpu[rep] = (cpu() - c) / 1e9;
            c = cpu();
            a = System.nanoTime();
            r = dmd.fit(run);
            dmdT[rep] = (System.nanoTime() - a) / 1e9;
            dmdCpu[rep] = (cpu() - c) / 1e9;
            System.out.printf("  rep %d: checkpoint-major pass %.2f s, DMD %.2f s, ratio %.2f%n", rep, passC[rep], dmdT[rep],
                    passC[rep] / dmdT[rep]);
        }
        double[] passF = new double[3];
        for (int rep = 0; rep < 3; rep++) {
            long a = System.nanoTime();
            floatPass(run);
            passF[rep] = (System.nanoTime() - a) / 1e9;
        }
        double pp = median(passT);
        double pc = median(passC);
        double d = median(dmdT);
        System.out.printf("  raw float32 copy pass (StoredTrajectory.readFloats, no widening) %.2f s: ratio %.2f to the DMD%n",
                median(passF), median(passF) / d);
        System.out.printf("[%s] streaming pass: parameter-major %.2f s, checkpoint-major %.2f s (process CPU %.2f s); "
                + "exact DMD rank 20 (%s): %.2f s (process CPU %.2f s); ratio checkpoint-major pass/DMD = %.2f "
                + "(target >= 0.3), parameter-major pass/DMD = %.2f; load average %.1f%n", label, pp, pc, median(passCpu),
                r.accumulation(), d, median(dmdCpu), pc / d, pp / d,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf("  top eigenvalues: %s%n", r.spectrum());
    }

    /** Planted rank-20 linear dynamics plus small noise, written checkpoint by checkpoint with the recorder. */
    private static void writeStore(Path dir, int n, int t) {
        int r = 20;
        int tensors = 4;
        int per = n / tensors;
        float[][] u = new float[r][n];
        long s = 42;
        for (int j = 0; j < r; j++) {
            for (int i = 0; i < n; i++) {
                s = s * 6364136223846793005L + 1442695040888963407L;
                u[j][i] = (float) (((s >>> 11) * 0x1.0p-53) - 0.5);
            }
        }
        double[] mu = new double[r];
        for (int j = 0; j < r; j++) {
            mu[j] = 0.999 - 0.03 * j;
        }
        List<TensorSpec> specs = new java.util.ArrayList<>();
        for (int k = 0; k < tensors; k++) {
            specs.add(new TensorSpec("layer" + k + ".weight", new long[]{per}, DType.FLOAT32));
        }
        try (TrajectoryRecorder rec = TrajectoryRecorder.create(dir, specs, Map.of("source", "KoopmanBench"))) {
            double[] pw = new double[r];
            java.util.Arrays.fill(pw, 1);
            for (int step = 0; step < t; step++) {
                Map<String, float[]> vals = new LinkedHashMap<>();
                for (int k = 0; k < tensors; k++) {
                    float[] v = new float[per];
                    for (int i = 0; i < per; i++) {
                        int g = k * per + i;
                        double x = 0;
                        for (int j = 0; j < r; j++) {
                            x += u[j][g] * pw[j];
                        }
                        s = s * 6364136223846793005L + 1442695040888963407L;
                        v[i] = (float) (x + 1e-4 * (((s >>> 11) * 0x1.0p-53) - 0.5));
                    }
                    vals.put("layer" + k + ".weight", v);
                }
                rec.append(step, Double.NaN, vals);
                for (int j = 0; j < r; j++) {
                    pw[j] *= mu[j];
                }
            }
        }
    }

    /** Parameter-major pass: Trajectory.blocks (rows = parameters), summing every value. */
    private static double pass(Trajectory run) {
        double sum = 0;
        for (ParameterBlock b : run.blocks(4096)) {
            for (double v : b.data()) {
                sum += v;
            }
        }
        return sum;
    }

    /** Checkpoint-major pass: Trajectory.read of 4096 parameters at each checkpoint, summing every value. */
    private static double checkpointPass(Trajectory run) {
        double sum = 0;
        double[] buf = new double[4096];
        for (TensorSpec s : run.tensors()) {
            for (long w = 0; w < s.size(); w += buf.length) {
                int rows = (int) Math.min(buf.length, s.size() - w);
                for (int t = 0; t < run.checkpointCount(); t++) {
                    run.read(s.name(), t, w, buf, 0, rows);
                    for (int i = 0; i < rows; i++) {
                        sum += buf[i];
                    }
                }
            }
        }
        return sum;
    }

    /** Checkpoint-major float32 copy of the store without widening (StoredTrajectory.readFloats), summing one value per read. */
    private static double floatPass(Trajectory run) {
        if (!(run instanceof org.trainingdynamics.trajectory.StoredTrajectory st)) {
            return Double.NaN;
        }
        double sum = 0;
        float[] buf = new float[4096];
        for (TensorSpec s : run.tensors()) {
            for (long w = 0; w < s.size(); w += buf.length) {
                int rows = (int) Math.min(buf.length, s.size() - w);
                for (int t = 0; t < run.checkpointCount(); t++) {
                    st.readFloats(s.name(), t, w, buf, 0, rows);
                    sum += buf[rows - 1];
                }
            }
        }
        return sum;
    }

    /** Gram accumulation only, in memory: ND4J GEMM vs OpenBLAS dsyrk vs a blocked Java loop on the same 200k × T blocks. */
    private static void gramKernels(int t) {
        int rows = 4096;
        int blocks = 50;
        double[][] data = new double[blocks][rows * t];
        java.util.Random rnd = new java.util.Random(1);
        for (double[] b : data) {
            for (int i = 0; i < b.length; i++) {
                b[i] = rnd.nextGaussian();
            }
        }
        INDArray g = Nd4j.zeros(DataType.DOUBLE, t, t);
        for (int w = 0; w < 2; w++) {
            for (double[] b : data) {
                INDArray blk = Nd4j.create(b, new long[]{rows, t}, DataType.DOUBLE);
                Nd4j.gemm(blk, blk, g, true, false, 1.0, 1.0);
            }
        }
        long a = System.nanoTime();
        for (double[] b : data) {
            INDArray blk = Nd4j.create(b, new long[]{rows, t}, DataType.DOUBLE);
            Nd4j.gemm(blk, blk, g, true, false, 1.0, 1.0);
            blk.close();
        }
        double nd = (System.nanoTime() - a) / 1e9;
        // the library's kernel: OpenBLAS dsyrk on the checkpoint-major (T × rows) layout, upper triangle only
        org.bytedeco.javacpp.DoublePointer[] ptrs = new org.bytedeco.javacpp.DoublePointer[blocks];
        for (int k = 0; k < blocks; k++) {
            ptrs[k] = new org.bytedeco.javacpp.DoublePointer((long) rows * t);
            java.nio.DoubleBuffer buf = ptrs[k].asBuffer();
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < t; j++) {
                    buf.put(j * rows + i, data[k][i * t + j]);
                }
            }
        }
        org.bytedeco.javacpp.DoublePointer gs = new org.bytedeco.javacpp.DoublePointer((long) t * t).zero();
        for (int w = 0; w < 2; w++) {
            syrk(ptrs[w], rows, t, gs);
        }
        a = System.nanoTime();
        for (org.bytedeco.javacpp.DoublePointer pk : ptrs) {
            syrk(pk, rows, t, gs);
        }
        double sy = (System.nanoTime() - a) / 1e9;
        for (org.bytedeco.javacpp.DoublePointer pk : ptrs) {
            pk.close();
        }
        gs.close();
        double[] gj = new double[t * t];
        javaGram(data[0], rows, t, gj);
        a = System.nanoTime();
        for (double[] b : data) {
            javaGram(b, rows, t, gj);
        }
        double jv = (System.nanoTime() - a) / 1e9;
        double flops = 2.0 * blocks * rows * (double) t * t;
        System.out.printf("Gram kernel on %d x %d: ND4J GEMM %.3f s (%.1f GFLOP/s); OpenBLAS dsyrk (upper triangle, "
                + "half the flops; the library's kernel) %.3f s (%.1f GFLOP/s actual); blocked Java loop (upper "
                + "triangle) %.3f s; GEMM/dsyrk time = %.2f, Java/dsyrk time = %.2f%n", blocks * rows, t, nd,
                flops / nd / 1e9, sy, flops / 2 / sy / 1e9, jv, nd / sy, jv / sy);
    }

    private static void syrk(org.bytedeco.javacpp.DoublePointer a, int rows, int t, org.bytedeco.javacpp.DoublePointer g) {
        org.bytedeco.openblas.global.openblas_nolapack.cblas_dsyrk(org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor,
                org.bytedeco.openblas.global.openblas_nolapack.CblasUpper, org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans,
                t, rows, 1.0, a, rows, 1.0, g, t);
    }

    /** Upper triangle of BᵀB accumulated with 4-row unrolling (the tight Java alternative). */
    private static void javaGram(double[] b, int rows, int t, double[] g) {
        for (int r = 0; r + 3 < rows; r += 4) {
            int o0 = r * t;
            int o1 = o0 + t;
            int o2 = o1 + t;
            int o3 = o2 + t;
            for (int i = 0; i < t; i++) {
                double a0 = b[o0 + i];
                double a1 = b[o1 + i];
                double a2 = b[o2 + i];
                double a3 = b[o3 + i];
                int gi = i * t;
                for (int j = i; j < t; j++) {
                    g[gi + j] += a0 * b[o0 + j] + a1 * b[o1 + j] + a2 * b[o2 + j] + a3 * b[o3 + j];
                }
            }
        }
    }

    /** NumPy thin-SVD DMD on 200k × T vs ours on the same .npy matrix. */
    private static void numpyComparison(Path work, int t) throws Exception {
        int n = 200_000;
        Path x = work.resolve("x200k.npy");
        String script = """
                import numpy as np, time, sys
                rng=np.random.default_rng(0)
                U=rng.standard_normal((%d,20)); mu=0.999-0.03*np.arange(20)
                X=U@(mu[:,None]**np.arange(%d)[None,:]) + 1e-4*rng.standard_normal((%d,%d))
                np.save(sys.argv[1], X)
                ts=[]
                for rep in range(3):
                    a=time.perf_counter()
                    Z,Y=X[:,:-1],X[:,1:]
                    Uu,s,Vh=np.linalg.svd(Z,full_matrices=False)
                    Ur,sr,V=Uu[:,:20],s[:20],Vh[:20].conj().T
                    A=Ur.T@Y@V/sr
                    lam,W=np.linalg.eig(A)
                    Phi=(Y@V/sr)@W
                    b=np.linalg.lstsq(Phi,X[:,0],rcond=None)[0]
                    ts.append(time.perf_counter()-a)
                print(sorted(ts)[1])
                print(' '.join(repr(float(v)) for v in sorted(np.abs(lam))[::-1][:3]))
                """.formatted(n, t, n, t);
        Path py = work.resolve("dmd_numpy.py");
        Files.writeString(py, script);
        Process p = new ProcessBuilder("python3", py.toString(), x.toString()).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("numpy baseline timed out");
        }
        String[] out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().split("\n");
        double numpy = Double.parseDouble(out[out.length - 2].trim());
        Trajectory m = Trajectories.fromNpyMatrix(x);
        // GRAM as in the main measurement (AUTO would refit with TSQR here: σ_20/σ_1 < 1e-5 on this input)
        Dmd dmd = Dmd.builder().rank(20).accumulation(Accumulation.GRAM).build();
        DmdResult r = dmd.fit(m);
        double[] ts = new double[3];
        for (int rep = 0; rep < 3; rep++) {
            long a = System.nanoTime();
            r = dmd.fit(m);
            ts[rep] = (System.nanoTime() - a) / 1e9;
        }
        double ours = median(ts);
        System.out.printf("200k x %d float64: NumPy thin-SVD DMD %.2f s, workbench DMD (%s) %.2f s; NumPy/workbench = %.2f "
                + "(target > 1)%n", t, numpy, r.accumulation(), ours, numpy / ours);
        System.out.printf("  |λ| top 3: NumPy %s; workbench %.6f %.6f %.6f%n", out[out.length - 1],
                r.spectrum().modulus()[0], r.spectrum().modulus()[1], r.spectrum().modulus()[2]);
    }

    /** CPU time of the whole process (every thread, BLAS threads included), ns. */
    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }
}
