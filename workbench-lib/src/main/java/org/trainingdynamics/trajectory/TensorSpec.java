package org.trainingdynamics.trajectory;

import java.util.Arrays;
import java.util.Objects;

/**
 * Name, per-checkpoint shape and stored element type of one parameter tensor of a trajectory
 * (e.g. {@code layer1.weight}, shape {@code [out, in]}, float32).
 *
 * @param name  tensor name as in the model's state dict
 * @param shape shape at one checkpoint (the store adds a leading checkpoint axis)
 * @param dtype stored element type (float32 or float64 in the native store)
 */
public record TensorSpec(String name, long[] shape, DType dtype) {

    public TensorSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("tensor name must not be empty");
        }
        shape = shape.clone();
        for (long s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': negative dimension in " + Arrays.toString(shape));
            }
        }
    }

    /** A float32 tensor spec. */
    public static TensorSpec of(String name, long... shape) {
        return new TensorSpec(name, shape, DType.FLOAT32);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Dimension {@code i}. */
    public long dim(int i) {
        return shape[i];
    }

    /** Number of scalar parameters at one checkpoint. */
    public long size() {
        long n = 1;
        for (long s : shape) {
            n = Math.multiplyExact(n, s);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && name.equals(t.name) && Arrays.equals(shape, t.shape) && dtype == t.dtype;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), dtype);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + ":" + dtype.manifestName();
    }
}
