package org.trainingdynamics.trajectory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tech.tablesaw.api.Table;

/**
 * An {@code [N, T]} matrix file viewed as a one-tensor trajectory (rows = parameters, columns = checkpoints),
 * the input format of the official CMD code and of the {@code cmd}/{@code dmd} CLI commands.
 */
final class NpyMatrixTrajectory implements Trajectory {
    private final Path file;
    private final NpyArray a;
    private final int n;
    private final int t;
    private final List<TensorSpec> specs;

    NpyMatrixTrajectory(Path file, NpyArray a) {
        this.file = file;
        this.a = a;
        this.n = Math.toIntExact(a.shape()[0]);
        this.t = Math.toIntExact(a.shape()[1]);
        this.specs = List.of(new TensorSpec("weights", new long[]{n}, a.dtype() == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32));
        if (n == 0 || t == 0) {
            throw new TrajectoryFormatException(file, "empty matrix [" + n + ", " + t + "]");
        }
    }

    @Override
    public int checkpointCount() {
        return t;
    }

    @Override
    public long[] steps() {
        long[] s = new long[t];
        for (int i = 0; i < t; i++) {
            s[i] = i;
        }
        return s;
    }

    @Override
    public double[] epochs() {
        double[] e = new double[t];
        java.util.Arrays.fill(e, Double.NaN);
        return e;
    }

    @Override
    public List<TensorSpec> tensors() {
        return specs;
    }

    @Override
    public void read(String tensor, int ti, long start, double[] dst, int off, int len) {
        tensor(tensor);
        for (int i = 0; i < len; i++) {
            dst[off + i] = a.getDouble((start + i) * t + ti);
        }
    }

    @Override
    public Iterable<ParameterBlock> blocks(int maxRows) {
        // rows are contiguous in this layout: read them directly instead of column by column
        return () -> new java.util.Iterator<>() {
            private long next = 0;

            @Override
            public boolean hasNext() {
                return next < n;
            }

            @Override
            public ParameterBlock next() {
                int rows = (int) Math.min(maxRows, n - next);
                double[] data = new double[rows * t];
                a.getDoubles(next * t, data, 0, data.length);
                ParameterBlock b = new ParameterBlock("weights", next, next, rows, t, data);
                next += rows;
                return b;
            }
        };
    }

    @Override
    public Table metrics() {
        return Metrics.empty();
    }

    @Override
    public Map<String, Object> metadata() {
        return Map.of("source", file.toString());
    }

    @Override
    public Optional<Path> location() {
        return Optional.empty();
    }
}
