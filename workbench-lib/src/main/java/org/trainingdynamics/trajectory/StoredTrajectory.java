package org.trainingdynamics.trajectory;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tech.tablesaw.api.Table;

/**
 * A trajectory read from the native store (DESIGN.md, "On disk"): {@code trajectory.json},
 * {@code params/<name>.npy} shaped {@code [T, ...]}, {@code metrics.csv}. Tensor files are memory-mapped,
 * so trajectories larger than the heap stream from the page cache. Only the checkpoints the manifest
 * commits are visible, even if a recorder appended more rows afterwards.
 */
public final class StoredTrajectory implements Trajectory {
    private final Path dir;
    private final Manifest manifest;
    private final Map<String, NpyArray> arrays = new HashMap<>();
    private final Map<String, Long> rowSize = new HashMap<>();
    private Table metrics;

    private StoredTrajectory(Path dir, Manifest manifest) {
        this.dir = dir;
        this.manifest = manifest;
        for (int i = 0; i < manifest.tensors().size(); i++) {
            TensorSpec s = manifest.tensors().get(i);
            Path f = dir.resolve(manifest.files().get(i));
            NpyHeader h = Npy.header(f);
            long[] shape = h.shape();
            if (shape.length != s.rank() + 1 || !Arrays.equals(Arrays.copyOfRange(shape, 1, shape.length), s.shape())) {
                throw new TrajectoryFormatException(f, s.name(), "file shape " + Arrays.toString(shape)
                        + " does not match manifest shape [T]+" + Arrays.toString(s.shape()));
            }
            if (h.dtype() != s.dtype()) {
                throw new TrajectoryFormatException(f, s.name(), "file dtype " + h.dtype().manifestName()
                        + " does not match manifest dtype " + s.dtype().manifestName());
            }
            arrays.put(s.name(), Npy.openRows(f, manifest.checkpoints()));
            rowSize.put(s.name(), s.size());
        }
    }

    /** Opens a native store folder. */
    public static StoredTrajectory open(Path dir) {
        return new StoredTrajectory(dir, Manifest.read(dir));
    }

    @Override
    public int checkpointCount() {
        return manifest.checkpoints();
    }

    @Override
    public long[] steps() {
        return manifest.steps().clone();
    }

    @Override
    public double[] epochs() {
        return manifest.epochs().clone();
    }

    @Override
    public List<TensorSpec> tensors() {
        return manifest.tensors();
    }

    @Override
    public void read(String tensor, int t, long start, double[] dst, int off, int len) {
        NpyArray a = arrays.get(tensor);
        if (a == null) {
            tensor(tensor);
        }
        long n = rowSize.get(tensor);
        checkRead(tensor, t, start, len, n);
        a.getDoubles(t * n + start, dst, off, len);
    }

    private void checkRead(String tensor, int t, long start, int len, long n) {
        if (t < 0 || t >= manifest.checkpoints()) {
            throw new IndexOutOfBoundsException("checkpoint " + t + " outside [0, " + manifest.checkpoints() + ")");
        }
        if (start < 0 || len < 0 || start + len > n) {
            throw new IndexOutOfBoundsException("tensor '" + tensor + "': elements [" + start + ", " + (start + len)
                    + ") outside its " + n);
        }
    }

    /**
     * Reads float32 values without widening (the fast path for float32 stores); other dtypes are converted.
     */
    public void readFloats(String tensor, int t, long start, float[] dst, int off, int len) {
        NpyArray a = arrays.get(tensor);
        if (a == null) {
            tensor(tensor);
        }
        long n = rowSize.get(tensor);
        checkRead(tensor, t, start, len, n);
        a.getFloats(t * n + start, dst, off, len);
    }

    /**
     * Streams the N×T matrix in parameter blocks straight from the mapped tensor files: for a tile of rows
     * it bulk-copies each checkpoint's contiguous row segment, then transposes the tile (cache-resident)
     * into the block, so the file is read in long sequential runs and nothing is converted element by
     * element through {@link #read}.
     */
    @Override
    public Iterable<ParameterBlock> blocks(int maxRows) {
        return blocks(tensors(), maxRows);
    }

    /** Fast blocks over a subset of this store's tensors (used by tensor-subset views). */
    Iterable<ParameterBlock> blocks(List<TensorSpec> specs, int maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
        }
        int cols = checkpointCount();
        return () -> new java.util.Iterator<>() {
            private int tensorIdx = 0;
            private long within = 0;
            private long global = 0;

            @Override
            public boolean hasNext() {
                while (tensorIdx < specs.size() && within >= specs.get(tensorIdx).size()) {
                    tensorIdx++;
                    within = 0;
                }
                return tensorIdx < specs.size() && cols > 0;
            }

            @Override
            public ParameterBlock next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                TensorSpec s = specs.get(tensorIdx);
                int rows = (int) Math.min(maxRows, s.size() - within);
                double[] data = new double[Math.multiplyExact(rows, cols)];
                fillBlock(arrays.get(s.name()), s.size(), within, rows, cols, data);
                ParameterBlock b = new ParameterBlock(s.name(), global, within, rows, cols, data);
                within += rows;
                global += rows;
                return b;
            }
        };
    }

    /**
     * Copies rows [within, within+rows) of every checkpoint into {@code data[r * cols + t]}. A tile of rows is
     * bulk-copied checkpoint by checkpoint into a small buffer whose row pitch is padded off powers of two
     * (a 2^k pitch makes the strided transpose reads collide in the same L1 cache sets), then transposed.
     */
    private static void fillBlock(NpyArray a, long rowLen, long within, int rows, int cols, double[] data) {
        int tile = Math.max(16, Math.min(rows, (1 << 15) / Math.max(1, cols)));
        int pitch = tile + 16;
        if (a.dtype() == DType.FLOAT32) {
            float[] tmp = new float[pitch * cols];
            for (int r0 = 0; r0 < rows; r0 += tile) {
                int tr = Math.min(tile, rows - r0);
                for (int t = 0; t < cols; t++) {
                    a.getFloats(t * rowLen + within + r0, tmp, t * pitch, tr);
                }
                for (int r = 0; r < tr; r++) {
                    int o = (r0 + r) * cols;
                    for (int t = 0, k = r; t < cols; t++, k += pitch) {
                        data[o + t] = tmp[k];
                    }
                }
            }
        } else {
            double[] tmp = new double[pitch * cols];
            for (int r0 = 0; r0 < rows; r0 += tile) {
                int tr = Math.min(tile, rows - r0);
                for (int t = 0; t < cols; t++) {
                    a.getDoubles(t * rowLen + within + r0, tmp, t * pitch, tr);
                }
                for (int r = 0; r < tr; r++) {
                    int o = (r0 + r) * cols;
                    for (int t = 0, k = r; t < cols; t++, k += pitch) {
                        data[o + t] = tmp[k];
                    }
                }
            }
        }
    }

    /** The mapped {@code [T, ...]} array of one tensor. */
    public NpyArray raw(String tensor) {
        NpyArray a = arrays.get(tensor);
        if (a == null) {
            tensor(tensor);
        }
        return a;
    }

    @Override
    public synchronized Table metrics() {
        if (metrics == null) {
            metrics = Metrics.readCsv(dir.resolve("metrics.csv"));
        }
        return metrics.copy();
    }

    @Override
    public Map<String, Object> metadata() {
        return manifest.metadata();
    }

    @Override
    public Optional<Path> location() {
        return Optional.of(dir);
    }

    @Override
    public String toString() {
        return "StoredTrajectory[" + dir + ", T=" + checkpointCount() + ", tensors=" + tensors().size() + ", N="
                + parameterCount() + "]";
    }
}
