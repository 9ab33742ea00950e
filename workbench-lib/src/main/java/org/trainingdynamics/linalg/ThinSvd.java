package org.trainingdynamics.linalg;

/**
 * A thin singular value decomposition truncated to its top {@code k} triplets, {@code A ≈ U_k S_k V_kᵀ},
 * of an {@code m × n} matrix, with all {@code r = min(m, n)} singular values.
 *
 * @param m      rows of the decomposed matrix
 * @param n      columns of the decomposed matrix
 * @param values all r singular values, descending
 * @param k      number of singular vector pairs kept
 * @param u      left singular vectors, {@code m × k} row-major (column i is u_i)
 * @param v      right singular vectors, {@code n × k} row-major (column i is v_i)
 */
public record ThinSvd(int m, int n, double[] values, int k, double[] u, double[] v) {

    public ThinSvd {
        if (u.length != (long) m * k || v.length != (long) n * k) {
            throw new IllegalArgumentException("thin SVD factor sizes do not match m=" + m + ", n=" + n + ", k=" + k);
        }
    }

    /** Left singular vector {@code u_i} (length m). */
    public double[] u(int i) {
        return column(u, m, i);
    }

    /** Right singular vector {@code v_i} (length n). */
    public double[] v(int i) {
        return column(v, n, i);
    }

    private double[] column(double[] a, int rows, int i) {
        if (i < 0 || i >= k) {
            throw new IndexOutOfBoundsException("singular vector " + i + " not kept (k = " + k + ")");
        }
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            out[r] = a[r * k + i];
        }
        return out;
    }

    /** {@code Σ_{i<h} σ_i u_i v_iᵀ} as an {@code m × n} row-major matrix (h ≤ k). */
    public double[] reconstruct(int h) {
        if (h < 0 || h > k) {
            throw new IllegalArgumentException("cannot reconstruct from " + h + " triplets; " + k + " kept");
        }
        double[] out = new double[m * n];
        for (int r = 0; r < m; r++) {
            for (int i = 0; i < h; i++) {
                double a = u[r * k + i] * values[i];
                if (a == 0) {
                    continue;
                }
                int o = r * n;
                for (int c = 0; c < n; c++) {
                    out[o + c] += a * v[c * k + i];
                }
            }
        }
        return out;
    }
}
