package org.trainingdynamics.trajectory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import tech.tablesaw.api.Table;

/**
 * One training run as the analyses see it: named parameter tensors at {@code T} checkpoints (with their
 * optimiser steps and epochs), a metrics table and run metadata (DESIGN.md, "Data model").
 *
 * <p>Parameters are ordered tensor by tensor in {@link #tensors()} order, each flattened row-major; that
 * order defines the global parameter index used by {@link #flattened(int)} and {@link #blocks(int)}.
 * Implementations read lazily: a stored trajectory larger than the heap is processed checkpoint by
 * checkpoint ({@link #values}) or in parameter blocks across all checkpoints ({@link #blocks}).
 */
public interface Trajectory {

    /** Number of checkpoints {@code T}. */
    int checkpointCount();

    /** Optimiser step of each checkpoint (length {@code T}). */
    long[] steps();

    /** Epoch of each checkpoint (length {@code T}; fractional within an epoch, NaN when unknown). */
    double[] epochs();

    /** Parameter tensors in storage order. */
    List<TensorSpec> tensors();

    /**
     * Copies {@code len} values of tensor {@code tensor} at checkpoint {@code t}, starting at flat index
     * {@code start} within the tensor, into {@code dst[off..off+len)}. Every other read is built on this.
     */
    void read(String tensor, int t, long start, double[] dst, int off, int len);

    /** Per-checkpoint or per-logged-step metrics; always has a {@code step} column. */
    Table metrics();

    /** Run metadata: seed, hyper-parameters, source, notes (JSON-compatible values). */
    Map<String, Object> metadata();

    /** Folder of the native store this trajectory was read from, if any. */
    default Optional<Path> location() {
        return Optional.empty();
    }

    /** The spec of one tensor; throws naming the available tensors when absent. */
    default TensorSpec tensor(String name) {
        for (TensorSpec s : tensors()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no tensor '" + name + "' in trajectory; tensors are "
                + tensors().stream().map(TensorSpec::name).toList());
    }

    /** Tensor names in storage order. */
    default List<String> tensorNames() {
        return tensors().stream().map(TensorSpec::name).toList();
    }

    /** Total number of scalar parameters {@code N}. */
    default long parameterCount() {
        long n = 0;
        for (TensorSpec s : tensors()) {
            n += s.size();
        }
        return n;
    }

    /** Global index of the first parameter of a tensor. */
    default long offsetOf(String tensor) {
        long n = 0;
        for (TensorSpec s : tensors()) {
            if (s.name().equals(tensor)) {
                return n;
            }
            n += s.size();
        }
        throw new IllegalArgumentException("no tensor '" + tensor + "' in trajectory; tensors are " + tensorNames());
    }

    /** All values of one tensor at checkpoint {@code t}, flattened row-major. */
    default double[] values(String tensor, int t) {
        int n = Math.toIntExact(tensor(tensor).size());
        double[] out = new double[n];
        read(tensor, t, 0, out, 0, n);
        return out;
    }

    /** One tensor at checkpoint {@code t} as a float64 ND4J array of the tensor's shape. */
    default INDArray array(String tensor, int t) {
        TensorSpec s = tensor(tensor);
        long[] shape = s.rank() == 0 ? new long[]{1} : s.shape();
        return Nd4j.create(values(tensor, t), shape, DataType.DOUBLE);
    }

    /** All parameters at checkpoint {@code t}, concatenated in storage order (needs N to fit an array). */
    default double[] flattened(int t) {
        double[] out = new double[Math.toIntExact(parameterCount())];
        int off = 0;
        for (TensorSpec s : tensors()) {
            int n = Math.toIntExact(s.size());
            read(s.name(), t, 0, out, off, n);
            off += n;
        }
        return out;
    }

    /**
     * The whole trajectory as an {@code [N, T]} float64 matrix (rows = parameters). Only for small N×T;
     * large trajectories are processed with {@link #blocks(int)}.
     */
    default INDArray toMatrix() {
        long n = parameterCount();
        int t = checkpointCount();
        if (n * t > 256L << 20) {
            throw new IllegalStateException("trajectory has " + n + " x " + t + " values; too large for one matrix, "
                    + "use blocks()");
        }
        double[] all = new double[Math.toIntExact(n * t)];
        for (ParameterBlock b : blocks(Math.max(1, (int) Math.min(n, 1 << 16)))) {
            System.arraycopy(b.data(), 0, all, Math.toIntExact(b.offset() * t), b.data().length);
        }
        return Nd4j.create(all, new long[]{n, t}, DataType.DOUBLE);
    }

    /**
     * Streams the N×T matrix in blocks of at most {@code maxRows} parameters (never crossing a tensor
     * boundary), each holding those parameters' values at every checkpoint.
     */
    default Iterable<ParameterBlock> blocks(int maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
        }
        return () -> new Iterator<>() {
            private final List<TensorSpec> specs = tensors();
            private int tensorIdx = 0;
            private long within = 0;
            private long global = 0;

            private void skipEmpty() {
                while (tensorIdx < specs.size() && within >= specs.get(tensorIdx).size()) {
                    tensorIdx++;
                    within = 0;
                }
            }

            @Override
            public boolean hasNext() {
                skipEmpty();
                return tensorIdx < specs.size();
            }

            @Override
            public ParameterBlock next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                TensorSpec s = specs.get(tensorIdx);
                int rows = (int) Math.min(maxRows, s.size() - within);
                int cols = checkpointCount();
                double[] data = new double[rows * cols];
                double[] row = new double[rows];
                for (int t = 0; t < cols; t++) {
                    read(s.name(), t, within, row, 0, rows);
                    for (int r = 0; r < rows; r++) {
                        data[r * cols + t] = row[r];
                    }
                }
                ParameterBlock b = new ParameterBlock(s.name(), global, within, rows, cols, data);
                within += rows;
                global += rows;
                return b;
            }
        };
    }

    /** A view holding only the tensors whose names match any of the globs ({@code *}, {@code ?}, {@code [..]}). */
    default Trajectory select(String... globs) {
        List<TensorSpec> keep = new ArrayList<>();
        for (TensorSpec s : tensors()) {
            for (String g : globs) {
                if (Globs.matches(g, s.name())) {
                    keep.add(s);
                    break;
                }
            }
        }
        if (keep.isEmpty()) {
            throw new IllegalArgumentException("no tensor matches " + List.of(globs) + "; tensors are " + tensorNames());
        }
        return new TrajectoryView(this, keep, null);
    }

    /** A view of checkpoints {@code from, from+stride, ...} below {@code to}. */
    default Trajectory window(int from, int to, int stride) {
        if (from < 0 || to > checkpointCount() || from >= to || stride < 1) {
            throw new IllegalArgumentException("bad checkpoint window [" + from + ", " + to + ") stride " + stride
                    + " for a trajectory of " + checkpointCount() + " checkpoints");
        }
        int[] idx = new int[(to - from + stride - 1) / stride];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = from + i * stride;
        }
        return new TrajectoryView(this, tensors(), idx);
    }
}
