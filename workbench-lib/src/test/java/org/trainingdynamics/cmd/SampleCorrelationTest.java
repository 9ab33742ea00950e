package org.trainingdynamics.cmd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** |corr| against its definition and the profile distances against scipy's pdist formula, by plain loops. */
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
            double[] d = sc.squareDistances();
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
}
