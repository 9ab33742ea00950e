package org.trainingdynamics.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.trainingdynamics.trajectory.ParameterBlock;
import org.trainingdynamics.trajectory.StoredTrajectory;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.TrajectoryRecorder;

/**
 * Streaming read of a stored float32 trajectory in column blocks across all T checkpoint rows, two ways:
 * (1) {@code StoredTrajectory.readFloats} of each block's segment of every row into a checkpoint-major float
 * buffer (the raw access pattern), and (2) {@code Trajectory.blocks} (rows = parameters, cols = checkpoints,
 * widened to double, i.e. read + transpose + convert), versus a plain sequential read of the same
 * bytes in the same run: (a) a plain sequential read of the tensor files (FileChannel.read, i.e. read(2), into
 * a reusable direct buffer), (b) a bulk copy of the already-mapped, page-cache-resident files into a heap
 * array (a memcpy ceiling). Warm page cache for every side. Target: blocks / sequential read >= 0.7.
 *
 * <p>Arguments: {@code [MiB=512] [T=64] [maxRows=65536] [dir=/tmp/tdw-bench-stream]}; the data is deleted at the end.
 */
public final class TrajectoryStreamBench {
    private TrajectoryStreamBench() {
    }

    public static void main(String[] args) throws IOException {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int t = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int maxRows = args.length > 2 ? Integer.parseInt(args[2]) : 65_536;
        Path dir = Path.of(args.length > 3 ? args[3] : "/tmp/tdw-bench-stream");
        Trajectories.deleteTree(dir);
        int tensors = 4;
        int perTensor = (int) ((long) mib * (1 << 20) / 4 / t / tensors);
        List<TensorSpec> specs = new ArrayList<>();
        for (int k = 0; k < tensors; k++) {
            specs.add(TensorSpec.of("layer" + k + ".weight", perTensor / 512, 512));
        }
        perTensor = (int) specs.get(0).size();
        try {
            try (TrajectoryRecorder r = TrajectoryRecorder.create(dir, specs, Map.of())) {
                float[] row = new float[perTensor];
                for (int c = 0; c < t; c++) {
                    for (int i = 0; i < perTensor; i++) {
                        row[i] = c + i * 1e-6f;
                    }
                    Map<String, float[]> m = new java.util.LinkedHashMap<>();
                    for (TensorSpec s : specs) {
                        m.put(s.name(), row);
                    }
                    r.append(c, c, m);
                }
            }
            StoredTrajectory s = Trajectories.open(dir);
            List<Path> files = new ArrayList<>();
            long bytes = 0;
            for (TensorSpec spec : specs) {
                Path f = dir.resolve("params/" + spec.name() + ".npy");
                files.add(f);
                bytes += (long) spec.size() * t * 4;
            }
            System.out.printf("store: %d tensors x [%d, %d] float32 = %.1f MiB, blocks of %d rows%n", tensors, t,
                    perTensor, bytes / 1048576.0, maxRows);
            double sink = 0;
            double bestMap = 0;
            double bestRead = 0;
            double bestBlocks = 0;
            double bestSegs = 0;
            double bestFresh = 0;
            List<Double> segsPerRead = new ArrayList<>();
            List<Double> blocksPerRead = new ArrayList<>();
            List<Double> blocksPerFresh = new ArrayList<>();
            for (int rep = 0; rep < 8; rep++) {
                long t0 = System.nanoTime();
                sink += mappedCopy(s, specs);
                double map = bytes / ((System.nanoTime() - t0) / 1e9);
                t0 = System.nanoTime();
                sink += channelRead(files);
                double read = bytes / ((System.nanoTime() - t0) / 1e9);
                t0 = System.nanoTime();
                for (ParameterBlock b : s.blocks(maxRows)) {
                    sink += b.data()[b.data().length - 1];
                }
                double blocks = bytes / ((System.nanoTime() - t0) / 1e9);
                t0 = System.nanoTime();
                sink += freshCopy(s, specs, t, maxRows);
                double fresh = bytes / ((System.nanoTime() - t0) / 1e9);
                t0 = System.nanoTime();
                sink += columnBlocks(s, specs, t, maxRows);
                double segs = bytes / ((System.nanoTime() - t0) / 1e9);
                if (rep > 0) { // first round warms caches and JIT
                    segsPerRead.add(segs / read);
                    blocksPerRead.add(blocks / read);
                    blocksPerFresh.add(blocks / fresh);
                    bestMap = Math.max(bestMap, map);
                    bestRead = Math.max(bestRead, read);
                    bestBlocks = Math.max(bestBlocks, blocks);
                    bestSegs = Math.max(bestSegs, segs);
                    bestFresh = Math.max(bestFresh, fresh);
                }
                System.out.printf("  round %d: mapped memcpy %.2f, sequential read %.2f, copy into fresh block arrays %.2f, "
                        + "blocks %.2f, column blocks (float32, T-major) %.2f GB/s%n", rep, map / 1e9, read / 1e9, fresh / 1e9,
                        blocks / 1e9, segs / 1e9);
            }
            System.out.printf("best: sequential read %.2f GB/s, mapped memcpy %.2f GB/s, blocks(%d) %.2f GB/s, "
                    + "column blocks %.2f GB/s%n", bestRead / 1e9, bestMap / 1e9, maxRows, bestBlocks / 1e9, bestSegs / 1e9);
            System.out.printf("MEDIAN of per-round ratios: column blocks / sequential read = %.2f, blocks() / sequential read "
                    + "= %.2f, blocks() / copy into fresh block arrays = %.2f%n", median(segsPerRead), median(blocksPerRead),
                    median(blocksPerFresh));
            System.out.printf("RATIO column blocks / sequential read = %.2f (target >= 0.7); / mapped memcpy = %.2f%n",
                    bestSegs / bestRead, bestSegs / bestMap);
            System.out.printf("RATIO blocks() [rows x T doubles] / sequential read = %.2f; / mapped memcpy = %.2f; "
                    + "/ copy into fresh block arrays (%.2f GB/s) = %.2f   [sink %.1f]%n",
                    bestBlocks / bestRead, bestBlocks / bestMap, bestFresh / 1e9, bestBlocks / bestFresh, sink);
        } finally {
            Trajectories.deleteTree(dir);
        }
    }

    /**
     * Column-block streaming without transposition: for each block of {@code maxRows} parameters, the
     * block's segment of every checkpoint row is read with {@link StoredTrajectory#readFloats} into one
     * checkpoint-major {@code [T, rows]} float buffer (the access pattern of the store, as a consumer that
     * works on checkpoint-major blocks sees it).
     */
    private static double columnBlocks(StoredTrajectory s, List<TensorSpec> specs, int t, int maxRows) {
        float[] block = new float[t * maxRows];
        double sink = 0;
        for (TensorSpec spec : specs) {
            for (long start = 0; start < spec.size(); start += maxRows) {
                int rows = (int) Math.min(maxRows, spec.size() - start);
                for (int c = 0; c < t; c++) {
                    s.readFloats(spec.name(), c, start, block, c * rows, rows);
                }
                sink += block[t * rows - 1];
            }
        }
        return sink;
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        java.util.Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /**
     * The same bytes copied block by block into freshly allocated heap arrays of one block's size (float32,
     * file order): the memory traffic of delivering each block as a new array, without transposition.
     */
    private static double freshCopy(StoredTrajectory s, List<TensorSpec> specs, int t, int maxRows) {
        double sink = 0;
        for (TensorSpec spec : specs) {
            var a = s.raw(spec.name());
            int chunk = maxRows * t;
            for (long off = 0; off < a.size(); off += chunk) {
                int n = (int) Math.min(chunk, a.size() - off);
                float[] fresh = new float[n];
                a.getFloats(off, fresh, 0, n);
                sink += fresh[n - 1];
            }
        }
        return sink;
    }

    /** Copies every tensor's mapped [T, n] array into a reusable heap float array, in file order. */
    private static double mappedCopy(StoredTrajectory s, List<TensorSpec> specs) {
        float[] buf = new float[1 << 20];
        double sink = 0;
        for (TensorSpec spec : specs) {
            var a = s.raw(spec.name());
            for (long off = 0; off < a.size(); off += buf.length) {
                int n = (int) Math.min(buf.length, a.size() - off);
                a.getFloats(off, buf, 0, n);
                sink += buf[n - 1];
            }
        }
        return sink;
    }

    /** Reads every tensor file sequentially with FileChannel (read(2)) into a reusable direct buffer. */
    private static double channelRead(List<Path> files) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(4 << 20);
        double sink = 0;
        for (Path f : files) {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                while (true) {
                    buf.clear();
                    if (ch.read(buf) < 0) {
                        break;
                    }
                    sink += buf.get(0);
                }
            }
        }
        return sink;
    }
}
