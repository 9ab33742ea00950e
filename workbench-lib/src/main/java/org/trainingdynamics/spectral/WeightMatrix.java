package org.trainingdynamics.spectral;

import java.util.ArrayList;
import java.util.List;

/**
 * One weight matrix analysed per checkpoint: a ≥2-D tensor as {@code shape[0] × (product of the rest)}
 * (Yunis et al.: {@code W.flatten(1)}, so a conv kernel is {@code c_out × (c_in·k_h·k_w)}), or a block of its
 * rows (a Q/K/V part of a fused attention projection, or one head of a part).
 *
 * @param name        display name ({@code tensor}, {@code tensor[q]}, {@code tensor[k.h2]})
 * @param tensor      the trajectory tensor it is read from
 * @param rows        rows of this matrix
 * @param cols        columns of this matrix
 * @param rowFrom     first row of the tensor's flattened matrix this matrix starts at
 * @param conv        for a 4-D conv kernel {@code (c_out, c_in, k_h, k_w)}: {@code {c_in, k_h, k_w}}; else null
 * @param embedding   whether the tensor is an embedding ({@code vocab × d}), whose output space is spanned
 *                    by its right singular vectors
 * @param fusedPart   whether this is a row block of a larger tensor (not itself a layer of the network)
 */
public record WeightMatrix(String name, String tensor, int rows, int cols, int rowFrom, int[] conv, boolean embedding,
                           boolean fusedPart) {

    /** Copies this matrix, row-major, out of the tensor's flattened values at one checkpoint. */
    public double[] extract(double[] tensorValues) {
        double[] out = new double[rows * cols];
        System.arraycopy(tensorValues, rowFrom * cols, out, 0, out.length);
        return out;
    }

    /**
     * WeightWatcher's conv slices: for every tap (i, j) the {@code c_out × c_in} matrix {@code W[:, :, i, j]}
     * (singular values are unchanged by WeightWatcher's transpose to N ≥ M).
     */
    public List<double[]> taps(double[] tensorValues) {
        if (conv == null) {
            throw new IllegalStateException(name + " is not a conv kernel");
        }
        int cin = conv[0];
        int taps = conv[1] * conv[2];
        List<double[]> out = new ArrayList<>(taps);
        for (int tap = 0; tap < taps; tap++) {
            double[] m = new double[rows * cin];
            for (int o = 0; o < rows; o++) {
                for (int c = 0; c < cin; c++) {
                    m[o * cin + c] = tensorValues[(rowFrom + o) * cols + c * taps + tap];
                }
            }
            out.add(m);
        }
        return out;
    }

    /** Smaller side r = min(rows, cols). */
    public int rank() {
        return Math.min(rows, cols);
    }

    /** Index of the conv centre tap within one input channel's {@code k_h·k_w} block. */
    int centreTap() {
        return (conv[1] / 2) * conv[2] + conv[2] / 2;
    }
}
