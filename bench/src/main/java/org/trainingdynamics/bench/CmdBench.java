package org.trainingdynamics.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.trainingdynamics.cmd.BlockDots;
import org.trainingdynamics.cmd.Cmd;
import org.trainingdynamics.cmd.CmdResult;
import org.trainingdynamics.cmd.CompleteLinkage;
import org.trainingdynamics.cmd.Dendrogram;
import org.trainingdynamics.trajectory.ParameterBlock;
import org.trainingdynamics.trajectory.StoredTrajectory;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.TrajectoryRecorder;

/**
 * CMD benchmarks (docs/BENCHMARKS.md, "## CMD"), each a ratio against a baseline measured in the same run:
 * <ol>
 *   <li>the assignment + fit pass over a stored float32 trajectory of N parameters × 100 checkpoints, as
 *       GB/s of the store's bytes relative to (a) reading the tensor files sequentially, (b) reading the same
 *       checkpoint-major column blocks the pass reads, with a trivial consumer, and (c) {@code blocks()};</li>
 *   <li>the M dot products per block: one ND4J GEMM against a tight Java loop, on the same blocks;</li>
 *   <li>post-hoc CMD end to end on 1M × 100 with K = 1000 and K = 10000: each phase's share.</li>
 * </ol>
 * <li>optionally, complete linkage alone on a random K-point problem (3 repetitions, wall and thread CPU).</li>
 * Usage: {@code CmdBench <work-dir> [N for part 1, default 20000000] [N for part 3, default 1000000] [K for the
 * linkage alone]}.
 * The generated stores are deleted at the end.
 */
public final class CmdBench {
    private static final java.lang.management.ThreadMXBean CPU =
            java.lang.management.ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    static final int T = 100;

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "/tmp/cmd-bench");
        long nBig = args.length > 1 ? Long.parseLong(args[1]) : 20_000_000L;
        int nEnd = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        Files.createDirectories(work);
        System.out.printf("CmdBench: %d cores, max heap %.1f GB%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() / 1e9);
        try {
            if (args.length > 3) {
                linkage(Integer.parseInt(args[3]));
            }
            if (nEnd > 0) {
                endToEnd(work.resolve("e2e"), nEnd);
            }
            if (nBig > 0) {
                assignmentPass(work.resolve("big"), nBig);
            }
        } finally {
            Trajectories.deleteTree(work);
        }
    }

    /** {@link CompleteLinkage#fitSquare} on K random points in 10 dimensions (Euclidean), 3 repetitions. */
    static void linkage(int k) {
        System.out.printf("%n== complete linkage alone, K = %d random points ==%n", k);
        java.util.Random rng = new java.util.Random(3);
        double[][] pts = new double[k][10];
        for (double[] q : pts) {
            for (int j = 0; j < q.length; j++) {
                q[j] = rng.nextGaussian();
            }
        }
        // the current CompleteLinkage works in a strided matrix that the sample's distances are written into
        // (Cmd: SampleCorrelation.squareDistances(stride)); the previous one (old classes first on the class path)
        // took the plain K×K matrix: each is timed on its own input layout, prepared outside the timing
        java.lang.reflect.Method strided = null;
        int w = k;
        try {
            strided = CompleteLinkage.class.getMethod("fitStrided", double[].class, int.class, int.class);
            w = (int) CompleteLinkage.class.getMethod("workStride", int.class).invoke(null, k);
        } catch (ReflectiveOperationException e) {
            System.out.println("(previous CompleteLinkage: square K x K input)");
        }
        double[] d = new double[w * w];
        for (int rep = 0; rep < 3; rep++) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    double s = 0;
                    for (int c = 0; c < 10; c++) {
                        double e = pts[i][c] - pts[j][c];
                        s += e * e;
                    }
                    d[i * w + j] = Math.sqrt(s);
                }
            }
            long t0 = System.nanoTime();
            long c0 = CPU.getCurrentThreadCpuTime();
            Dendrogram z;
            try {
                z = strided != null ? (Dendrogram) strided.invoke(null, d, k, w) : CompleteLinkage.fitSquare(d, k);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            System.out.printf("linkage run %d: %.2f s wall, %.2f s thread CPU, top height %.4f, load average %.1f%n", rep,
                    (System.nanoTime() - t0) / 1e9, (CPU.getCurrentThreadCpuTime() - c0) / 1e9, z.height()[k - 2],
                    OS.getSystemLoadAverage());
        }
    }

    /** Writes N parameters in 8 tensors following 6 planted profiles with scale, offset and noise. */
    static StoredTrajectory generate(Path dir, long n) {
        int tensors = 8;
        long per = n / tensors;
        List<TensorSpec> specs = new ArrayList<>();
        for (int l = 0; l < tensors; l++) {
            specs.add(TensorSpec.of("layer" + l + ".weight", l == tensors - 1 ? n - per * (tensors - 1) : per));
        }
        double[][] prof = new double[6][T];
        for (int t = 0; t < T; t++) {
            double s = t / (T - 1.0);
            prof[0][t] = Math.exp(-4 * s);
            prof[1][t] = Math.sqrt(s);
            prof[2][t] = Math.sin(3 * s);
            prof[3][t] = s * s;
            prof[4][t] = Math.log1p(5 * s);
            prof[5][t] = Math.cos(5 * s) * (1 - s);
        }
        long t0 = System.nanoTime();
        try (TrajectoryRecorder rec = TrajectoryRecorder.create(dir, specs, Map.of("source", "CmdBench"))) {
            for (int t = 0; t < T; t++) {
                Map<String, float[]> row = new LinkedHashMap<>();
                long g = 0;
                for (TensorSpec s : specs) {
                    float[] v = new float[(int) s.size()];
                    for (int i = 0; i < v.length; i++, g++) {
                        long h = mix(g);
                        int grp = (int) ((h >>> 8) % 6);
                        double a = ((h >>> 20) & 0xffff) / 65536.0 - 0.5;
                        double b = ((h >>> 36) & 0xffff) / 65536.0 - 0.5;
                        double noise = ((mix(g * 131 + t) >>> 40) / (double) (1L << 24) - 0.5) * 0.02;
                        v[i] = (float) (a * prof[grp][t] + b + noise);
                    }
                    row.put(s.name(), v);
                }
                rec.append(t, t, row);
            }
        }
        System.out.printf("  generated %d x %d float32 (%.2f GB) in %.1f s%n", n, T, n * T * 4 / 1e9, (System.nanoTime() - t0) / 1e9);
        return Trajectories.open(dir);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    static void endToEnd(Path dir, int n) {
        System.out.printf("%n== post-hoc CMD end to end, N = %d, T = %d, M = 10 ==%n", n, T);
        StoredTrajectory traj = generate(dir, n);
        for (int k : new int[]{1000, 10000}) {
            long t0 = System.nanoTime();
            CmdResult r = Cmd.builder().modes(10).sampleSize(k).seed(1).build().fit(traj);
            double total = (System.nanoTime() - t0) / 1e9;
            Map<String, Double> ph = r.phaseSeconds();
            double sum = ph.values().stream().mapToDouble(Double::doubleValue).sum();
            System.out.printf("K = %d: total %.2f s (phases %.2f s), %d modes, relative error %.4f%n", k, total, sum,
                    r.modeCount(), r.relativeError());
            for (var e : ph.entrySet()) {
                System.out.printf("   %-20s %8.3f s  %5.1f %%%n", e.getKey(), e.getValue(), 100 * e.getValue() / total);
            }
            System.out.printf("   clustering / assignment pass = %.2f%n", ph.get("clustering") / (ph.get("assignment") + ph.get("fit")));
        }
        Trajectories.deleteTree(dir);
    }

    static void assignmentPass(Path dir, long n) throws IOException {
        System.out.printf("%n== assignment + fit pass, N = %d, T = %d (%.2f GB float32 on disk) ==%n", n, T, n * T * 4 / 1e9);
        StoredTrajectory traj = generate(dir, n);
        double gb = n * T * 4 / 1e9;
        // refs: sample + clustering on a small sample, so the timed pass below is the streaming part
        CmdResult warm = Cmd.builder().modes(10).sampleSize(1000).seed(2).build().fit(traj.select("layer0.*"));
        long[] refs = warm.references();
        int rows = Math.max(1, (1 << 20) / T);
        for (int rep = 0; rep < 2; rep++) {
            // (a) sequential read of the tensor files
            long t0 = System.nanoTime();
            long bytes = 0;
            ByteBuffer buf = ByteBuffer.allocateDirect(8 << 20);
            try (var files = Files.list(dir.resolve("params"))) {
                for (Path f : files.toList()) {
                    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                        int r;
                        while ((r = ch.read(buf.clear())) > 0) {
                            bytes += r;
                        }
                    }
                }
            }
            double seq = (System.nanoTime() - t0) / 1e9;
            // (b) the store's block stream with a trivial consumer
            t0 = System.nanoTime();
            double sink = 0;
            for (ParameterBlock b : traj.blocks(rows)) {
                double[] d = b.data();
                for (int i = 0; i < d.length; i += 97) {
                    sink += d[i];
                }
            }
            double stream = (System.nanoTime() - t0) / 1e9;
            // (b') the store's column blocks as the pass reads them: T contiguous segments per block, float64
            t0 = System.nanoTime();
            long c0 = CPU.getCurrentThreadCpuTime();
            long p0 = OS.getProcessCpuTime();
            int colRows = Math.max(8, (1 << 16) / T);
            double[] x = new double[colRows * T];
            for (String tensor : traj.tensorNames()) {
                long size = traj.tensor(tensor).size();
                for (long within = 0; within < size; within += colRows) {
                    int rr = (int) Math.min(colRows, size - within);
                    for (int t = 0; t < T; t++) {
                        traj.read(tensor, t, within, x, t * rr, rr);
                    }
                    sink += x[rr - 1];
                }
            }
            double columns = (System.nanoTime() - t0) / 1e9;
            double columnsCpu = (CPU.getCurrentThreadCpuTime() - c0) / 1e9;
            double columnsProc = (OS.getProcessCpuTime() - p0) / 1e9;
            // (c) the CMD assignment + fit pass with the warm-up references (explicit sample = refs keeps
            //     sampling/clustering negligible: K = M)
            t0 = System.nanoTime();
            c0 = CPU.getCurrentThreadCpuTime();
            p0 = OS.getProcessCpuTime();
            double load0 = OS.getSystemLoadAverage();
            CmdResult r = Cmd.builder().modes(refs.length).sample(refs).build().fit(traj);
            double pass = (System.nanoTime() - t0) / 1e9;
            double passCpu = (CPU.getCurrentThreadCpuTime() - c0) / 1e9;
            double passProc = (OS.getProcessCpuTime() - p0) / 1e9;
            Map<String, Double> ph = r.phaseSeconds();
            System.out.printf("run %d: sequential file read %.2f s (%.2f GB/s, %d bytes); column blocks (float64) %.2f s "
                            + "(%.2f GB/s); blocks() stream %.2f s (%.2f GB/s); CMD assign+fit %.2f s (%.2f GB/s; "
                            + "assignment %.2f s, fit %.2f s) [sink %.1f]%n", rep, seq, gb / seq, bytes, columns,
                    gb / columns, stream, gb / stream, pass, gb / pass, ph.get("assignment"), ph.get("fit"), sink);
            System.out.printf("   ratio CMD pass / column blocks = %.2f; / sequential read = %.2f; / blocks() stream = %.2f; "
                    + "modes %d%n", columns / pass, seq / pass, stream / pass, r.modeCount());
            System.out.printf("   CPU time: column blocks thread %.2f s (process %.2f s); CMD pass calling thread %.2f s, "
                            + "process (all its threads, GC, JIT) %.2f s; ratio column blocks / pass process CPU %.2f; "
                            + "load average %.1f%n", columnsCpu, columnsProc, passCpu, passProc, columnsCpu / passProc, load0);
        }
        kernels(traj, Math.max(8, (1 << 16) / T));
        Trajectories.deleteTree(dir);
    }

    /**
     * M = 10 dot products per checkpoint-major block ({@code [T, rows]}, as the pass reads them): ND4J GEMM
     * ({@code r̂ [M, T] × block [T, rows]}: copy off-heap, mmul, copy back) vs {@link BlockDots}, same blocks.
     */
    static void kernels(StoredTrajectory traj, int rows) {
        int m = 10;
        double[] rk = new double[m * T];
        for (int i = 0; i < rk.length; i++) {
            rk[i] = Math.sin(i * 0.37);
        }
        String tensor = traj.tensorNames().get(0);
        List<double[]> blocks = new ArrayList<>();
        List<double[][]> rowBlocks = new ArrayList<>(); // the same values, one array per checkpoint (as the pass holds them)
        for (long within = 0; blocks.size() < 40 && within + rows <= traj.tensor(tensor).size(); within += rows) {
            double[] x = new double[rows * T];
            double[][] xr = new double[T][rows];
            for (int t = 0; t < T; t++) {
                traj.read(tensor, t, within, x, t * rows, rows);
                System.arraycopy(x, t * rows, xr[t], 0, rows);
            }
            blocks.add(x);
            rowBlocks.add(xr);
        }
        INDArray r = Nd4j.create(rk, new long[]{m, T}, DataType.DOUBLE);
        double[][] out = new double[m][rows];
        double sink = 0;
        for (int rep = 0; rep < 4; rep++) {
            long t0 = System.nanoTime();
            for (double[] x : blocks) {
                INDArray xm = Nd4j.create(x, new long[]{T, rows}, DataType.DOUBLE);
                INDArray p = r.mmul(xm);
                double[] d = p.data().asDouble();
                sink += d[0];
                xm.close();
                p.close();
            }
            double gemm = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            for (double[][] x : rowBlocks) {
                BlockDots.compute(x, rows, T, rk, out);
                sink += out[0][0];
            }
            double loop = (System.nanoTime() - t0) / 1e9;
            double gbBlocks = blocks.size() * (double) rows * T * 8 / 1e9;
            double gflop = blocks.size() * (double) rows * T * m * 2 / 1e9;
            System.out.printf("kernel run %d: %d blocks of %d x %d doubles: ND4J GEMM %.3f s (%.1f GFLOP/s), BlockDots (Java) "
                    + "%.3f s (%.1f GFLOP/s, %.2f GB/s), GEMM speed-up %.2fx [sink %.1f]%n", rep, blocks.size(), T, rows,
                    gemm, gflop / gemm, loop, gflop / loop, gbBlocks / loop, loop / gemm, sink);
        }
        r.close();
    }
}
