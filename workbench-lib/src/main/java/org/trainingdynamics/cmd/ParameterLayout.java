package org.trainingdynamics.cmd;

import java.util.Arrays;
import java.util.List;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.Trajectory;

/**
 * The tensors ("layers" in the CMD code: every state-dict tensor, weights, biases and buffers alike) of a
 * trajectory with the global index range each occupies, for mapping a global parameter index to its
 * tensor and reading single parameters' time profiles.
 *
 * @param names   tensor names in storage order
 * @param offsets global index of each tensor's first parameter, plus the total {@code N} at the end
 */
public record ParameterLayout(List<String> names, long[] offsets) {

    public ParameterLayout {
        names = List.copyOf(names);
        offsets = offsets.clone();
        if (offsets.length != names.size() + 1) {
            throw new IllegalArgumentException("need one offset per tensor plus the total");
        }
    }

    /** The layout of a trajectory's tensors. */
    public static ParameterLayout of(Trajectory trajectory) {
        List<TensorSpec> specs = trajectory.tensors();
        long[] off = new long[specs.size() + 1];
        for (int i = 0; i < specs.size(); i++) {
            off[i + 1] = off[i] + specs.get(i).size();
        }
        return new ParameterLayout(specs.stream().map(TensorSpec::name).toList(), off);
    }

    @Override
    public long[] offsets() {
        return offsets.clone();
    }

    /** Number of tensors. */
    public int tensorCount() {
        return names.size();
    }

    /** Total number of parameters {@code N}. */
    public long parameterCount() {
        return offsets[offsets.length - 1];
    }

    /** Number of parameters in tensor {@code l}. */
    public long size(int l) {
        return offsets[l + 1] - offsets[l];
    }

    /** First global index of tensor {@code l}. */
    public long offset(int l) {
        return offsets[l];
    }

    /** Tensor (position in {@link #names()}) holding global parameter {@code index}. */
    public int tensorOf(long index) {
        if (index < 0 || index >= parameterCount()) {
            throw new IndexOutOfBoundsException("parameter " + index + " outside [0, " + parameterCount() + ")");
        }
        int p = Arrays.binarySearch(offsets, index);
        if (p >= 0) {
            while (p + 1 < offsets.length && offsets[p + 1] == index) {
                p++; // skip empty tensors
            }
            return p;
        }
        return -p - 2;
    }

    /** Reads the time profiles of the given global parameters: {@code out[k][t]}. */
    public double[][] readProfiles(Trajectory trajectory, long[] indices) {
        int tCount = trajectory.checkpointCount();
        double[][] out = new double[indices.length][tCount];
        double[] one = new double[1];
        for (int k = 0; k < indices.length; k++) {
            int l = tensorOf(indices[k]);
            long within = indices[k] - offsets[l];
            for (int t = 0; t < tCount; t++) {
                trajectory.read(names.get(l), t, within, one, 0, 1);
                out[k][t] = one[0];
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParameterLayout p && names.equals(p.names) && Arrays.equals(offsets, p.offsets);
    }

    @Override
    public int hashCode() {
        return names.hashCode() * 31 + Arrays.hashCode(offsets);
    }
}
