package org.trainingdynamics.cmd;

/**
 * The assignment pass's inner kernel: for every row {@code x_i} of a parameter block ({@code [rows, T]},
 * row-major) the M dot products {@code x_i · r̂_k} with the centred, unit-norm reference profiles
 * ({@code [M, T]}, row-major) — the block × referencesᵀ product. A tight Java loop (four independent
 * accumulators per dot; the row stays in L1 across the M dots) measured faster than copying each block
 * off-heap for an ND4J GEMM on the 2-core benchmark machine (docs/BENCHMARKS.md, "## CMD").
 */
public final class BlockDots {
    private BlockDots() {
    }

    /** {@code out[i * m + k] = Σ_t x[i * t + t'] · r[k * T + t']} for every row i < rows and mode k < m. */
    public static void compute(double[] x, int rows, int tCount, double[] r, int m, double[] out) {
        if (x.length < rows * tCount || r.length < m * tCount || out.length < rows * m) {
            throw new IllegalArgumentException("block, reference or output array too short for " + rows + " x "
                    + tCount + " x " + m);
        }
        int t4 = tCount & ~3;
        for (int i = 0; i < rows; i++) {
            int off = i * tCount;
            for (int k = 0; k < m; k++) {
                int base = k * tCount;
                double s0 = 0;
                double s1 = 0;
                double s2 = 0;
                double s3 = 0;
                int t = 0;
                for (; t < t4; t += 4) {
                    s0 += x[off + t] * r[base + t];
                    s1 += x[off + t + 1] * r[base + t + 1];
                    s2 += x[off + t + 2] * r[base + t + 2];
                    s3 += x[off + t + 3] * r[base + t + 3];
                }
                for (; t < tCount; t++) {
                    s0 += x[off + t] * r[base + t];
                }
                out[i * m + k] = (s0 + s1) + (s2 + s3);
            }
        }
    }
}
