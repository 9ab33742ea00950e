package org.trainingdynamics.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SvdTest {

    private static double[] gaussian(int m, int n, long seed) {
        Random r = new Random(seed);
        double[] a = new double[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextGaussian();
        }
        return a;
    }

    /** Planted A = Σ s_i x_i y_iᵀ with orthonormal x, y (Gram–Schmidt): the values are known exactly. */
    private static double[] planted(int m, int n, double[] s, long seed) {
        double[] x = orthonormalColumns(m, s.length, seed);
        double[] y = orthonormalColumns(n, s.length, seed + 1);
        double[] a = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int l = 0; l < s.length; l++) {
                    acc += s[l] * x[i * s.length + l] * y[j * s.length + l];
                }
                a[i * n + j] = acc;
            }
        }
        return a;
    }

    static double[] orthonormalColumns(int rows, int cols, long seed) {
        double[] q = gaussian(rows, cols, seed);
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

    @Test
    void valuesMatchPlantedSpectrumOnEveryBackendAndShape() {
        int[][] shapes = {{40, 40}, {300, 120}, {120, 300}, {200, 200}, {7, 90}};
        for (int[] sh : shapes) {
            int r = Math.min(sh[0], sh[1]);
            double[] s = new double[r];
            for (int i = 0; i < r; i++) {
                s[i] = 10.0 / (1 + i);
            }
            double[] a = planted(sh[0], sh[1], s, 11);
            for (Svd.Backend b : Svd.Backend.values()) {
                double[] got = Svd.values(a, sh[0], sh[1], b);
                for (int i = 0; i < r; i++) {
                    assertThat(got[i]).as("%s %dx%d sigma_%d", b, sh[0], sh[1], i).isCloseTo(s[i],
                            org.assertj.core.data.Offset.offset(1e-12 * s[0]));
                }
            }
        }
    }

    @Test
    void thinSvdReconstructsAndIsOrthonormal() {
        int[][] shapes = {{50, 30}, {30, 50}, {400, 150}, {150, 400}, {256, 256}};
        for (int[] sh : shapes) {
            int m = sh[0];
            int n = sh[1];
            int r = Math.min(m, n);
            double[] a = gaussian(m, n, 3);
            for (Svd.Backend b : new Svd.Backend[]{Svd.Backend.EJML, Svd.Backend.LAPACK}) {
                ThinSvd t = Svd.thin(a, m, n, r, b);
                double[] back = t.reconstruct(r);
                double err = 0;
                double norm = 0;
                for (int i = 0; i < a.length; i++) {
                    err = Math.max(err, Math.abs(back[i] - a[i]));
                    norm = Math.max(norm, Math.abs(a[i]));
                }
                assertThat(err / norm).as("%s %dx%d reconstruction", b, m, n).isLessThan(1e-12);
                for (int i = 0; i < Math.min(r, 5); i++) {
                    for (int j = 0; j < Math.min(r, 5); j++) {
                        assertThat(dot(t.u(i), t.u(j))).isCloseTo(i == j ? 1 : 0, org.assertj.core.data.Offset.offset(1e-12));
                        assertThat(dot(t.v(i), t.v(j))).isCloseTo(i == j ? 1 : 0, org.assertj.core.data.Offset.offset(1e-12));
                    }
                }
                // A v_i = σ_i u_i for the top vectors of a truncated decomposition
                ThinSvd top = Svd.thin(a, m, n, 3, b);
                for (int i = 0; i < 3; i++) {
                    double[] v = top.v(i);
                    double[] u = top.u(i);
                    for (int row = 0; row < m; row++) {
                        double acc = 0;
                        for (int c = 0; c < n; c++) {
                            acc += a[row * n + c] * v[c];
                        }
                        assertThat(acc).isCloseTo(top.values()[i] * u[row], org.assertj.core.data.Offset.offset(1e-10));
                    }
                }
            }
        }
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> Svd.values(new double[]{1, Double.NaN}, 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-finite");
        assertThatThrownBy(() -> Svd.values(new double[3], 2, 2)).hasMessageContaining("expected 2x2");
        assertThatThrownBy(() -> Svd.thin(new double[4], 2, 2, 3)).hasMessageContaining("at most 2");
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }
}
