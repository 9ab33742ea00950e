package org.trainingdynamics.cmd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * |corr| against its definition and the profile distances against scipy's pdist formula, by plain loops; the bulk
 * reads of |C| (rows, within-cluster means) against element-wise {@link SampleCorrelation#get}.
 */
class SampleCorrelationTest {

    @Test
    void correlationsAndDistancesMatchPlainLoops() {
        int k = 300;
        int t = 40;
        Random r = new Random(3);
        double[][] p = new double[k][t];
        for (int i = 0; i < k; i++) {
            double slope = r.nextGaussian();
            for (int j = 0; j < t; j++) {
                p[i][j] = slope * j + r.nextGaussian();
            }
        }
        p[7] = new double[t]; // constant: all-zero row and column
        double[][] c = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                c[i][j] = i == 7 || j == 7 ? 0 : Math.min(1, Math.abs(pearson(p[i], p[j])));
            }
        }
        try (SampleCorrelation sc = SampleCorrelation.of(p)) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    assertThat(sc.get(i, j)).as("|corr| %d %d", i, j).isCloseTo(c[i][j], within(1e-12));
                }
            }
            double[] d = sc.squareDistances(k);
            for (int i = 0; i < k; i++) {
                assertThat(d[i * k + i]).isZero();
                for (int j = 0; j < k; j++) {
                    double s = 0;
                    for (int m = 0; m < k; m++) {
                        double e = c[i][m] - c[j][m];
                        s += e * e;
                    }
                    assertThat(d[i * k + j]).as("distance %d %d", i, j).isCloseTo(Math.sqrt(s), within(1e-6));
                    assertThat(d[i * k + j]).isEqualTo(d[j * k + i]);
                }
            }
            int stride = k + 5; // the linkage's work layout: same values, longer rows
            double[] w = sc.squareDistances(stride);
            assertThat(w).hasSize(stride * stride);
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    assertThat(w[i * stride + j]).as("strided %d %d", i, j).isEqualTo(d[i * k + j]);
                }
            }
        }
    }

    private static double pearson(double[] a, double[] b) {
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= a.length;
        mb /= b.length;
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.sqrt(aa * bb);
    }

    @Test
    void bulkRowsAndMeansEqualElementwiseReads() {
        Random rng = new Random(4);
        int k = 57;
        double[][] p = new double[k][19];
        for (double[] q : p) {
            for (int t = 0; t < q.length; t++) {
                q[t] = rng.nextGaussian();
            }
        }
        p[5] = new double[19]; // constant: its row and column are 0
        try (SampleCorrelation c = SampleCorrelation.of(p)) {
            for (int i = 0; i < k; i++) {
                double[] r = c.row(i);
                for (int j = 0; j < k; j++) {
                    assertThat(r[j]).as("row %d col %d", i, j).isEqualTo(c.get(i, j));
                }
            }
            int[] members = {40, 3, 5, 17, 56, 0, 22};
            double[] mean = c.meanWithin(members);
            for (int j = 0; j < members.length; j++) {
                double s = 0;
                for (int i : members) {
                    s += c.get(i, members[j]);
                }
                assertThat(mean[j]).as("member %d", j).isEqualTo(s / members.length);
            }
            assertThat(c.get(5, 9)).isZero();
            assertThat(c.get(3, 3)).isCloseTo(1.0, within(1e-12));
        }
    }
}
