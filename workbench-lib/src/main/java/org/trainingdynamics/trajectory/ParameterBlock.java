package org.trainingdynamics.trajectory;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A block of consecutive parameters of one tensor across every checkpoint: rows are parameters, columns
 * are checkpoints (the N×T layout of CMD and DMD on weights). Produced by {@link Trajectory#blocks(int)}.
 *
 * @param tensor       tensor the rows belong to
 * @param offset       global index (in {@link Trajectory#flattened(int)} order) of the first row
 * @param tensorOffset index within the tensor of the first row
 * @param rows         number of parameters in the block
 * @param cols         number of checkpoints
 * @param data         row-major values, {@code data[r * cols + t]}
 */
public record ParameterBlock(String tensor, long offset, long tensorOffset, int rows, int cols, double[] data) {

    public ParameterBlock {
        if (data.length != (long) rows * cols) {
            throw new IllegalArgumentException("block data has " + data.length + " values, expected " + rows + "x" + cols);
        }
    }

    /** Value of parameter {@code r} (block-local) at checkpoint {@code t}. */
    public double get(int r, int t) {
        return data[r * cols + t];
    }

    /** The time series of block-local parameter {@code r} (a copy). */
    public double[] row(int r) {
        double[] out = new double[cols];
        System.arraycopy(data, r * cols, out, 0, cols);
        return out;
    }

    /** The block as a {@code [rows, cols]} float64 ND4J matrix (a copy). */
    public INDArray toMatrix() {
        return Nd4j.create(data, new long[]{rows, cols}, DataType.DOUBLE);
    }
}
