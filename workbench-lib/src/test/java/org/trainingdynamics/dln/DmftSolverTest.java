package org.trainingdynamics.dln;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DmftSolverTest {

    /** Plain per-sample evaluation of the response recursion of dmft.md §3 step 4 (independent of the blocked GEMMs). */
    static double[][] naiveResponse(double[][] mem, double[][] bprime, double alpha, double h) {
        int k = bprime.length;
        int n = bprime[0].length;
        double[][] r = new double[k][k];
        for (int s = 0; s < n; s++) {
            double[][] p = new double[k][k];
            for (int t = 0; t + 1 < k; t++) {
                for (int l = 0; l < k; l++) {
                    double acc = 0;
                    for (int m = 0; m < t; m++) {
                        acc += mem[t][m] * bprime[m][s] * p[m][l];
                    }
                    p[t + 1][l] = p[t][l] + h * (-alpha * bprime[t][s] * p[t][l] + alpha * acc) + (t == l ? h : 0);
                }
            }
            for (int t = 0; t < k; t++) {
                for (int l = 0; l < k; l++) {
                    r[t][l] += bprime[t][s] * p[t][l] / n;
                }
            }
        }
        return r;
    }

    @Test
    void blockedResponseEqualsPerSampleRecursion() {
        int k = 37;
        int n = 50;
        Random rng = new Random(3);
        double[][] rIn = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < i; j++) {
                rIn[i][j] = 0.05 * rng.nextGaussian() * Math.exp(-0.1 * (i - j));
            }
        }
        double[][] mem = DmftSolver.memory(rIn);
        double[][] bp = new double[k][n];
        for (double[] row : bp) {
            for (int s = 0; s < n; s++) {
                row[s] = 0.2 + rng.nextDouble();
            }
        }
        DmftConfig c = DmftConfig.builder().gridPoints(k).samples(n).bundle(16).step(0.1).alpha(0.7).build();
        double[][] got = new DmftSolver(c).response(mem, bp);
        double[][] want = naiveResponse(mem, bp, 0.7, 0.1);
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                assertThat(got[i][j]).as("R(%d,%d)", i, j).isCloseTo(want[i][j], org.assertj.core.data.Offset.offset(1e-12));
            }
        }
        assertThat(want[5][2]).isNotZero();
    }

    @Test
    void memoryKernelInvertsUnitLowerTriangular() {
        double[][] r = {{0, 0, 0}, {0.3, 0, 0}, {0.1, -0.2, 0}};
        double[][] gi = DmftSolver.inverseUnitLower(r);
        // (I + R) G^{-1} = I
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double s = 0;
                for (int m = 0; m < 3; m++) {
                    s += ((i == m ? 1 : 0) + r[i][m]) * gi[m][j];
                }
                assertThat(s).isCloseTo(i == j ? 1 : 0, org.assertj.core.data.Offset.offset(1e-15));
            }
        }
    }

    @Test
    void largeInitialisationReproducesMarchenkoPasturClosedForm() {
        // kernel regime: s0 = 5 (gamma = 50), eta = h * 4 gamma = 0.2; noisy labels, alpha = 0.5
        DmftConfig c = DmftConfig.builder().s0(5).step(0.001).gridPoints(101).samples(3000).sigma(0.3)
                .alpha(0.5).maxIterations(12).averagingPasses(3).seed(7).build();
        DmftResult res = DmftSolver.solve(c);
        LinearRegimeTheory th = LinearRegimeTheory.of(c);
        double maxDiscGap = 0;
        for (int k = 0; k < c.gridPoints(); k += 5) {
            double t = res.times()[k];
            double te = th.testLoss(t, c.step(), false);
            double tr = th.trainLoss(t, c.step(), false);
            assertThat(Math.abs(res.testLoss()[k] - te)).as("E_te at t=%f: dmft %f theory %f", t, res.testLoss()[k], te)
                    .isLessThan(4 * res.testSe()[k] + 2e-3 * te);
            assertThat(Math.abs(res.trainLoss()[k] - tr)).as("E_tr at t=%f: dmft %f theory %f", t, res.trainLoss()[k], tr)
                    .isLessThan(4 * res.trainSe()[k] + 2e-3 * tr + 1e-4);
            maxDiscGap = Math.max(maxDiscGap, Math.abs(th.trainLoss(t, c.step(), true) - tr));
        }
        // the discrete scheme differs from the gradient flow by O(eta): the check above resolves the GD scheme itself
        assertThat(maxDiscGap).isGreaterThan(1e-3);
        assertThat(res.converged()).isTrue();
    }

    @Test
    void rejectsBadConfig() {
        assertThatThrownBy(() -> DmftConfig.builder().damping(1).build()).hasMessageContaining("damping");
        assertThatThrownBy(() -> DmftConfig.builder().samples(3).build()).hasMessageContaining("samples");
        assertThatThrownBy(() -> DmftConfig.builder().step(Double.NaN).build()).hasMessageContaining("step");
    }
}
