package org.trainingdynamics.trajectory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tech.tablesaw.api.Table;

/** A tensor subset and/or checkpoint subset of another trajectory; reads pass through to it. */
final class TrajectoryView implements Trajectory {
    private final Trajectory base;
    private final List<TensorSpec> tensors;
    private final int[] index;

    TrajectoryView(Trajectory base, List<TensorSpec> tensors, int[] index) {
        this.base = base;
        this.tensors = List.copyOf(tensors);
        this.index = index;
    }

    @Override
    public int checkpointCount() {
        return index == null ? base.checkpointCount() : index.length;
    }

    @Override
    public long[] steps() {
        long[] s = base.steps();
        if (index == null) {
            return s;
        }
        long[] out = new long[index.length];
        for (int i = 0; i < index.length; i++) {
            out[i] = s[index[i]];
        }
        return out;
    }

    @Override
    public double[] epochs() {
        double[] e = base.epochs();
        if (index == null) {
            return e;
        }
        double[] out = new double[index.length];
        for (int i = 0; i < index.length; i++) {
            out[i] = e[index[i]];
        }
        return out;
    }

    @Override
    public List<TensorSpec> tensors() {
        return tensors;
    }

    @Override
    public void read(String tensor, int t, long start, double[] dst, int off, int len) {
        tensor(tensor);
        if (t < 0 || t >= checkpointCount()) {
            throw new IndexOutOfBoundsException("checkpoint " + t + " outside [0, " + checkpointCount() + ")");
        }
        base.read(tensor, index == null ? t : index[t], start, dst, off, len);
    }

    /** Tensor subsets of a stored trajectory stream through its fast block path; other views read per checkpoint. */
    @Override
    public Iterable<ParameterBlock> blocks(int maxRows) {
        if (index == null && base instanceof StoredTrajectory s) {
            return s.blocks(tensors, maxRows);
        }
        return Trajectory.super.blocks(maxRows);
    }

    @Override
    public Table metrics() {
        return base.metrics();
    }

    @Override
    public Map<String, Object> metadata() {
        return base.metadata();
    }

    @Override
    public Optional<Path> location() {
        return base.location();
    }
}
