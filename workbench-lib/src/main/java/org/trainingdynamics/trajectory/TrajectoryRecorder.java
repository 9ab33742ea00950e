package org.trainingdynamics.trajectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

/**
 * Appends checkpoints to a native store one at a time during training, crash-safely.
 *
 * <p>Each {@link #append} writes one row to every tensor file, then bumps each file's {@code .npy} header,
 * then atomically replaces {@code trajectory.json} with the new checkpoint count. The manifest is the commit
 * record, so a process killed at any point leaves a store that opens with every checkpoint completed before
 * the kill; {@link #resume} continues such a store after trimming the uncommitted tail. Metrics rows are
 * appended to {@code metrics.csv} one line per write; a torn last line is ignored by readers.
 *
 * <p>With the default {@link Durability#PROCESS} nothing is forced to disk, not even on {@link #close}: the
 * data is safe from a killed process, and a store that is swapped in over an existing one is forced to disk
 * by {@link Trajectories#replaceDir} before the swap, so a power loss can never cost the old store.
 */
public final class TrajectoryRecorder implements AutoCloseable {
    /** Whether each checkpoint is forced to stable storage (survives power loss) or only to the OS (survives a process kill). */
    public enum Durability { PROCESS, SYNC }

    private final Path dir;
    private final List<TensorSpec> specs;
    private final List<String> files;
    private final List<FileChannel> channels = new ArrayList<>();
    private final int[] headerLen;
    private final long[] rowBytes;
    private final Map<String, Object> metadata;
    private final List<Long> steps = new ArrayList<>();
    private final List<Double> epochs = new ArrayList<>();
    private final Map<String, Long> nonFinite = new LinkedHashMap<>();
    /** One reusable row buffer per tensor (each row is written out before the next append). */
    private final ByteBuffer[] rowBuffers;
    private NonFinitePolicy policy = NonFinitePolicy.REJECT;
    private Durability durability = Durability.PROCESS;
    private List<String> metricColumns;
    private boolean closed;

    private TrajectoryRecorder(Path dir, List<TensorSpec> specs, List<String> files, Map<String, Object> metadata) {
        this.dir = dir;
        this.specs = List.copyOf(specs);
        this.files = List.copyOf(files);
        this.metadata = new LinkedHashMap<>(metadata);
        this.headerLen = new int[specs.size()];
        this.rowBytes = new long[specs.size()];
        this.rowBuffers = new ByteBuffer[specs.size()];
        for (int i = 0; i < specs.size(); i++) {
            TensorSpec s = specs.get(i);
            if (s.dtype() != DType.FLOAT32 && s.dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException("tensor '" + s.name() + "': the store holds float32 or float64, not "
                        + s.dtype().manifestName());
            }
            rowBytes[i] = s.size() * s.dtype().size();
        }
    }

    /**
     * Creates a new store in {@code dir} (which must not exist or be empty) for the given tensors.
     */
    public static TrajectoryRecorder create(Path dir, List<TensorSpec> specs, Map<String, ?> metadata) {
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("a trajectory needs at least one tensor");
        }
        Set<String> names = new HashSet<>();
        for (TensorSpec s : specs) {
            if (!names.add(s.name())) {
                throw new IllegalArgumentException("duplicate tensor name '" + s.name() + "'");
            }
        }
        try {
            if (Files.exists(dir)) {
                try (var list = Files.list(dir)) {
                    if (list.findAny().isPresent()) {
                        throw new IllegalArgumentException(dir + ": folder exists and is not empty; refusing to overwrite");
                    }
                }
            }
            Files.createDirectories(dir.resolve("params"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        Set<String> taken = new HashSet<>();
        List<String> files = new ArrayList<>();
        for (TensorSpec s : specs) {
            files.add(Manifest.fileFor(s.name(), taken));
        }
        TrajectoryRecorder r = new TrajectoryRecorder(dir, specs, files, new LinkedHashMap<>(metadata));
        r.openChannels(true);
        r.commit();
        return r;
    }

    /**
     * Reopens a store to append more checkpoints, discarding any rows written after the last committed
     * checkpoint (e.g. by a process that was killed).
     */
    public static TrajectoryRecorder resume(Path dir) {
        Manifest m = Manifest.read(dir);
        TrajectoryRecorder r = new TrajectoryRecorder(dir, m.tensors(), m.files(), m.metadata());
        for (int i = 0; i < m.checkpoints(); i++) {
            r.steps.add(m.steps()[i]);
            r.epochs.add(m.epochs()[i]);
        }
        r.openChannels(false);
        r.trimToCommitted();
        Table metrics = Metrics.readCsv(dir.resolve("metrics.csv"));
        if (metrics.columnCount() > 1) {
            r.metricColumns = new ArrayList<>(metrics.columnNames().subList(1, metrics.columnCount()));
            Metrics.writeCsv(metrics, dir.resolve("metrics.csv"));
        }
        return r;
    }

    /** Sets the policy for NaN/Inf values (default {@link NonFinitePolicy#REJECT}). */
    public TrajectoryRecorder nonFinite(NonFinitePolicy policy) {
        this.policy = policy;
        return this;
    }

    /** Sets the durability of each checkpoint (default {@link Durability#PROCESS}). */
    public TrajectoryRecorder durability(Durability durability) {
        this.durability = durability;
        return this;
    }

    /** Number of committed checkpoints. */
    public int checkpointCount() {
        return steps.size();
    }

    /** Tensor specs in storage order. */
    public List<TensorSpec> tensors() {
        return specs;
    }

    /** Folder being written. */
    public Path dir() {
        return dir;
    }

    /** Count of non-finite values seen per tensor (only under {@link NonFinitePolicy#ALLOW_AND_REPORT}). */
    public Map<String, Long> nonFiniteCounts() {
        return Map.copyOf(nonFinite);
    }

    /** Adds or replaces a metadata entry; written with the next commit. */
    public void putMetadata(String key, Object value) {
        metadata.put(key, value);
    }

    /**
     * Appends one checkpoint. {@code values} maps every tensor name to a {@code double[]}, {@code float[]},
     * {@link NpyArray} or {@link INDArray} with the tensor's number of elements (row-major).
     */
    public void append(long step, double epoch, Map<String, ?> values) {
        ensureOpen();
        if (values.size() != specs.size()) {
            for (String k : values.keySet()) {
                if (specs.stream().noneMatch(s -> s.name().equals(k))) {
                    throw new IllegalArgumentException("checkpoint at step " + step + ": unknown tensor '" + k + "'");
                }
            }
        }
        ByteBuffer[] rows = new ByteBuffer[specs.size()];
        for (int i = 0; i < specs.size(); i++) {
            TensorSpec s = specs.get(i);
            Object v = values.get(s.name());
            if (v == null) {
                throw new IllegalArgumentException("checkpoint at step " + step + ": tensor '" + s.name() + "' missing");
            }
            rows[i] = encodeRow(i, s, v, step);
        }
        try {
            long t = steps.size();
            for (int i = 0; i < specs.size(); i++) {
                FileChannel ch = channels.get(i);
                long pos = headerLen[i] + t * rowBytes[i];
                while (rows[i].hasRemaining()) {
                    pos += ch.write(rows[i], pos);
                }
            }
            if (durability == Durability.SYNC) {
                for (FileChannel ch : channels) {
                    ch.force(false);
                }
            }
            writeHeaders(t + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("writing checkpoint at step " + step + " to " + dir + ": " + e.getMessage(), e);
        }
        steps.add(step);
        epochs.add(epoch);
        commit();
    }

    /** Appends one metrics row; a metric name not seen before extends the CSV's columns. */
    public void logMetrics(long step, Map<String, ? extends Number> metrics) {
        ensureOpen();
        Path csv = dir.resolve("metrics.csv");
        if (metricColumns == null) {
            metricColumns = new ArrayList<>(metrics.keySet());
            AtomicFiles.writeString(csv, "step," + String.join(",", metricColumns) + "\n");
        } else if (!metricColumns.containsAll(metrics.keySet())) {
            Table t = Metrics.readCsv(csv);
            for (String k : metrics.keySet()) {
                if (!metricColumns.contains(k)) {
                    metricColumns.add(k);
                    DoubleColumn c = DoubleColumn.create(k, t.rowCount());
                    c.setMissingTo(Double.NaN);
                    t.addColumns(c);
                }
            }
            Metrics.writeCsv(t, csv);
        }
        StringBuilder sb = new StringBuilder(Long.toString(step));
        for (String c : metricColumns) {
            Number v = metrics.get(c);
            sb.append(',');
            if (v != null && !Double.isNaN(v.doubleValue())) {
                sb.append(v instanceof Double || v instanceof Float ? Double.toString(v.doubleValue()) : v.toString());
            }
        }
        sb.append('\n');
        try {
            Files.writeString(csv, sb, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("appending metrics to " + csv + ": " + e.getMessage(), e);
        }
    }

    /** Opens what has been committed so far as a read-only trajectory. */
    public StoredTrajectory snapshot() {
        return StoredTrajectory.open(dir);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (FileChannel ch : channels) {
                if (durability == Durability.SYNC) {
                    ch.force(true);
                }
                ch.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("closing " + dir + ": " + e.getMessage(), e);
        }
        if (!nonFinite.isEmpty()) {
            metadata.put("nonfinite_values", new LinkedHashMap<>(nonFinite));
        }
        commit();
    }

    private ByteBuffer encodeRow(int index, TensorSpec s, Object v, long step) {
        if (v instanceof NpyArray a) {
            return encodeArray(s, a, step);
        }
        int n = Math.toIntExact(s.size());
        if (rowBuffers[index] == null) {
            rowBuffers[index] = ByteBuffer.allocate(n * s.dtype().size()).order(ByteOrder.LITTLE_ENDIAN);
        }
        ByteBuffer b = rowBuffers[index].clear();
        boolean f32 = s.dtype() == DType.FLOAT32;
        long bad = 0;
        if (v instanceof double[] d) {
            checkLength(s, d.length, step);
            for (double x : d) {
                bad += Double.isFinite(x) ? 0 : 1;
            }
            if (f32) {
                for (double x : d) {
                    b.putFloat((float) x);
                }
            } else {
                b.asDoubleBuffer().put(d); // bulk copy; the view shares b's little-endian order, not its position
                b.position(b.capacity());
            }
        } else if (v instanceof float[] f) {
            checkLength(s, f.length, step);
            for (float x : f) {
                bad += Float.isFinite(x) ? 0 : 1;
            }
            if (f32) {
                b.asFloatBuffer().put(f);
                b.position(b.capacity());
            } else {
                for (float x : f) {
                    b.putDouble(x);
                }
            }
        } else if (v instanceof INDArray a) {
            checkLength(s, a.length(), step);
            INDArray c = a.reshape('c', a.length());
            for (long i = 0; i < n; i++) {
                double x = c.getDouble(i);
                bad += Double.isFinite(x) ? 0 : 1;
                if (f32) {
                    b.putFloat((float) x);
                } else {
                    b.putDouble(x);
                }
            }
        } else {
            throw new IllegalArgumentException("tensor '" + s.name() + "': expected double[], float[], NpyArray or INDArray, got "
                    + v.getClass().getSimpleName());
        }
        checkNonFinite(s, bad, step);
        b.flip();
        return b;
    }

    /**
     * Encodes an {@link NpyArray} row: when its element type is the stored type the bytes are written as they
     * are (no copy for a single-region array, e.g. a memory-mapped safetensors tensor); otherwise the values
     * are converted (half and bfloat16 widen exactly to float32).
     */
    private ByteBuffer encodeArray(TensorSpec s, NpyArray a, long step) {
        checkLength(s, a.size(), step);
        checkNonFinite(s, a.countNonFinite(), step);
        if (a.dtype() == s.dtype()) {
            ByteBuffer raw = a.contiguousBytes();
            if (raw != null) {
                return raw;
            }
        }
        int n = Math.toIntExact(s.size());
        ByteBuffer b = ByteBuffer.allocate(n * s.dtype().size()).order(ByteOrder.LITTLE_ENDIAN);
        int chunk = 1 << 14;
        if (s.dtype() == DType.FLOAT32) {
            float[] tmp = new float[Math.min(n, chunk)];
            java.nio.FloatBuffer fb = b.asFloatBuffer();
            for (int done = 0; done < n; done += tmp.length) {
                int k = Math.min(tmp.length, n - done);
                a.getFloats(done, tmp, 0, k);
                fb.put(tmp, 0, k);
            }
        } else {
            double[] tmp = new double[Math.min(n, chunk)];
            java.nio.DoubleBuffer db = b.asDoubleBuffer();
            for (int done = 0; done < n; done += tmp.length) {
                int k = Math.min(tmp.length, n - done);
                a.getDoubles(done, tmp, 0, k);
                db.put(tmp, 0, k);
            }
        }
        return b;
    }

    private void checkNonFinite(TensorSpec s, long bad, long step) {
        if (bad > 0) {
            if (policy == NonFinitePolicy.REJECT) {
                throw new IllegalArgumentException("tensor '" + s.name() + "' at step " + step + " has " + bad
                        + " NaN/Inf values (use NonFinitePolicy.ALLOW_AND_REPORT to keep them)");
            }
            nonFinite.merge(s.name(), bad, Long::sum);
        }
    }

    private static void checkLength(TensorSpec s, long len, long step) {
        if (len != s.size()) {
            throw new IllegalArgumentException("tensor '" + s.name() + "' at step " + step + " has " + len
                    + " values; shape " + Arrays.toString(s.shape()) + " needs " + s.size());
        }
    }

    private void openChannels(boolean create) {
        try {
            for (int i = 0; i < specs.size(); i++) {
                Path f = dir.resolve(files.get(i));
                FileChannel ch = create
                        ? FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ)
                        : FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.READ);
                channels.add(ch);
                headerLen[i] = headerBytes(specs.get(i), 0).length;
                if (!create && Npy.header(f).dataOffset() != headerLen[i]) {
                    throw new TrajectoryFormatException(f, specs.get(i).name(), "header length differs from what this "
                            + "recorder writes; the store was not written by a recorder and cannot be resumed");
                }
            }
            if (create) {
                writeHeaders(0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("opening tensor files in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void trimToCommitted() {
        try {
            long t = steps.size();
            for (int i = 0; i < specs.size(); i++) {
                long keep = headerLen[i] + t * rowBytes[i];
                Path f = dir.resolve(files.get(i));
                if (channels.get(i).size() < keep) {
                    throw new TrajectoryFormatException(f, specs.get(i).name(), "shorter than its " + t
                            + " committed checkpoints");
                }
                channels.get(i).truncate(keep);
            }
            writeHeaders(t);
        } catch (IOException e) {
            throw new UncheckedIOException("trimming " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Headers are padded to the size needed for a 19-digit checkpoint count, so they can be rewritten in place. */
    private static byte[] headerBytes(TensorSpec s, long t) {
        long[] big = new long[s.rank() + 1];
        big[0] = Long.MAX_VALUE;
        System.arraycopy(s.shape(), 0, big, 1, s.rank());
        int len = NpyHeader.encode(s.dtype(), big, 0).length;
        long[] shape = big.clone();
        shape[0] = t;
        return NpyHeader.encode(s.dtype(), shape, len);
    }

    private void writeHeaders(long t) throws IOException {
        for (int i = 0; i < specs.size(); i++) {
            byte[] h = headerBytes(specs.get(i), t);
            if (h.length != headerLen[i]) {
                throw new IllegalStateException("header length changed");
            }
            ByteBuffer b = ByteBuffer.wrap(h);
            long pos = 0;
            while (b.hasRemaining()) {
                pos += channels.get(i).write(b, pos);
            }
        }
    }

    private void commit() {
        Manifest m = new Manifest(steps.size(), steps.stream().mapToLong(Long::longValue).toArray(),
                epochs.stream().mapToDouble(Double::doubleValue).toArray(), specs, files, metadata);
        String json = m.toJson();
        if (durability == Durability.SYNC) {
            AtomicFiles.writeString(dir.resolve(Manifest.FILE), json);
        } else {
            writeManifestFast(json);
        }
    }

    /** Atomic rename without fsync: survives a killed process, which is what PROCESS durability promises. */
    private void writeManifestFast(String json) {
        Path target = dir.resolve(Manifest.FILE);
        Path tmp = dir.resolve("." + Manifest.FILE + ".tmp");
        try {
            Files.writeString(tmp, json, StandardCharsets.UTF_8);
            AtomicFiles.move(tmp, target);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + target + ": " + e.getMessage(), e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("recorder for " + dir + " is closed");
        }
    }
}
