package org.trainingdynamics.spectral;

import java.util.Random;

/** Synthetic matrices with known spectra for the tests. */
final class Synth {
    private Synth() {
    }

    static double[] gaussian(int m, int n, Random r) {
        double[] a = new double[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextGaussian();
        }
        return a;
    }

    /** rows × cols with orthonormal columns (Gram–Schmidt twice). */
    static double[] orthonormal(int rows, int cols, Random rnd) {
        double[] q = gaussian(rows, cols, rnd);
        for (int c = 0; c < cols; c++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int p = 0; p < c; p++) {
                    double d = 0;
                    for (int r = 0; r < rows; r++) {
                        d += q[r * cols + c] * q[r * cols + p];
                    }
                    for (int r = 0; r < rows; r++) {
                        q[r * cols + c] -= d * q[r * cols + p];
                    }
                }
            }
            double nn = 0;
            for (int r = 0; r < rows; r++) {
                nn += q[r * cols + c] * q[r * cols + c];
            }
            nn = Math.sqrt(nn);
            for (int r = 0; r < rows; r++) {
                q[r * cols + c] /= nn;
            }
        }
        return q;
    }

    /** X diag(s) Yᵀ for X (m × k), Y (n × k) with k = s.length. */
    static double[] compose(double[] x, double[] s, double[] y, int m, int n) {
        int k = s.length;
        double[] a = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int l = 0; l < k; l++) {
                double f = x[i * k + l] * s[l];
                for (int j = 0; j < n; j++) {
                    a[i * n + j] += f * y[j * k + l];
                }
            }
        }
        return a;
    }
}
