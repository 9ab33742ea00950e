package org.trainingdynamics.cmd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BlockDotsTest {

    /** Every (rows, T, M) remainder path against the textbook triple loop. */
    @Test
    void matchesNaiveDotProducts() {
        Random rnd = new Random(7);
        for (int[] c : new int[][]{{1, 1, 1}, {5, 7, 3}, {33, 100, 10}, {17, 6, 2}, {8, 13, 5}}) {
            int rows = c[0];
            int tCount = c[1];
            int m = c[2];
            double[][] x = new double[tCount][rows + 3]; // longer rows: only the first `rows` count
            double[] rhat = new double[m * tCount];
            for (double[] xt : x) {
                for (int i = 0; i < xt.length; i++) {
                    xt[i] = rnd.nextGaussian() * 10 + 3;
                }
            }
            for (int i = 0; i < rhat.length; i++) {
                rhat[i] = rnd.nextGaussian();
            }
            double[][] dots = new double[m][rows + 2];
            dots[0][0] = 99; // stale values must be overwritten
            BlockDots.compute(x, rows, tCount, rhat, dots);
            for (int k = 0; k < m; k++) {
                for (int i = 0; i < rows; i++) {
                    double s = 0;
                    double abs = 0;
                    for (int t = 0; t < tCount; t++) {
                        s += rhat[k * tCount + t] * x[t][i];
                        abs += Math.abs(rhat[k * tCount + t] * x[t][i]);
                    }
                    assertThat(dots[k][i]).as("rows %d T %d M %d: mode %d row %d", rows, tCount, m, k, i)
                            .isCloseTo(s, org.assertj.core.data.Offset.offset(1e-14 * abs + 1e-300));
                }
            }
        }
    }

    @Test
    void shortArraysAreRejected() {
        assertThatThrownBy(() -> BlockDots.compute(new double[2][2], 2, 3, new double[3], new double[1][2]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too short");
        assertThatThrownBy(() -> BlockDots.compute(new double[][]{{1, 2}, {3}, {4, 5}}, 2, 3, new double[3], new double[1][2]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("checkpoint 1");
        assertThatThrownBy(() -> BlockDots.compute(new double[3][2], 2, 3, new double[3], new double[1][1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shorter");
    }
}
