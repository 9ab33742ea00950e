package org.trainingdynamics.dln;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DmftSolverTest {
    /**
     * Tolerance of the float32 response recursion against the float64 per-sample recursion, relative to max|R|: about
     * 17× the float32 unit roundoff (the errors seen are 4e-8 to 9e-8), and 10⁴ times below the seed-to-seed (Monte-Carlo)
     * spread of R in a full solve at N = 3000 (about 1e-2 of max|R|).
     */
    private static final double FLOAT32_RESPONSE_TOLERANCE = 1e-6;

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
        // Java time blocks only (K = 37, bundles of 16 and a remainder of 2)
        checkBlockedResponse(37, 50, 16, 3);
        // one GEMM level (K = 90, odd bundle width)
        checkBlockedResponse(90, 23, 7, 4);
        // two GEMM levels, GEMMs accumulating into partly initialised memory sums (K = 150)
        checkBlockedResponse(150, 10, 4, 5);
    }

    @Test
    void batchedBetaAndSlopeMatchSinhCoshToRounding() {
        // one exp (and a series near 0) instead of StrictMath sinh/cosh: equal to 1e-14 relative, on both sides of the
        // series cut-off (|4A| = 0.1) and far out; depth 3 goes through beta/dbeta themselves
        double[] a = {0, 1e-12, -3e-5, 0.0074, 0.02499, -0.025, 0.02501, 0.05, -0.2, 0.9, -3.5, 40};
        double s0 = 0.1;
        for (Parameterization par : new Parameterization[] {Parameterization.DIFF_SQUARES, Parameterization.PRODUCT,
                Parameterization.depth(3)}) {
            double[] b = new double[a.length];
            double[] d = new double[a.length];
            double[] in = par.depth() == 3 ? new double[] {0, 0.5, -1.0} : a;
            par.betaAndSlope(in, in.length, s0, b, d);
            for (int j = 0; j < in.length; j++) {
                double wantB = par.beta(in[j], s0);
                double wantD = par.dbeta(in[j], s0);
                assertThat(Math.abs(b[j] - wantB)).as("%s beta(%g)", par, in[j])
                        .isLessThanOrEqualTo(1e-14 * Math.abs(wantB));
                assertThat(Math.abs(d[j] - wantD)).as("%s dbeta(%g)", par, in[j])
                        .isLessThanOrEqualTo(1e-14 * Math.abs(wantD));
            }
        }
    }

    @Test
    void lowRankBlockProductsEqualPerSampleRecursion() {
        // a smooth response kernel (as the solver's are): its memory kernel's off-diagonal blocks have low numerical
        // rank, and the block products go through the two-GEMM low-rank form
        int k = 200;
        double[][] rIn = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < i; j++) {
                rIn[i][j] = 0.05 * Math.exp(-0.05 * (i - j)) * (1 + 0.3 * Math.sin(0.03 * i));
            }
        }
        DmftSolver solver = checkBlockedResponse(rIn, 10, 4, 6);
        assertThat(solver.lowRankBlocks()).isEqualTo(3);
    }

    private static void checkBlockedResponse(int k, int n, int bundle, long seed) {
        Random rng = new Random(seed);
        double[][] rIn = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < i; j++) {
                rIn[i][j] = 0.05 * rng.nextGaussian() * Math.exp(-0.1 * (i - j));
            }
        }
        assertThat(checkBlockedResponse(rIn, n, bundle, seed).lowRankBlocks()).isZero();
    }

    private static DmftSolver checkBlockedResponse(double[][] rIn, int n, int bundle, long seed) {
        int k = rIn.length;
        Random rng = new Random(seed);
        double[][] mem = DmftSolver.memory(rIn);
        double[][] bp = new double[k][n];
        for (double[] row : bp) {
            for (int s = 0; s < n; s++) {
                row[s] = 0.2 + rng.nextDouble();
            }
        }
        DmftConfig c = DmftConfig.builder().gridPoints(k).samples(n).bundle(bundle).step(0.1).alpha(0.7).build();
        DmftSolver solver = new DmftSolver(c);
        double[][] got = solver.response(mem, bp);
        double[][] want = naiveResponse(mem, bp, 0.7, 0.1);
        double max = 0;
        for (double[] row : want) {
            for (double v : row) {
                max = Math.max(max, Math.abs(v));
            }
        }
        double err = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                err = Math.max(err, Math.abs(got[i][j] - want[i][j]));
                if (j >= i) {
                    assertThat(got[i][j]).as("R(%d,%d) is causal", i, j).isZero();
                }
            }
        }
        System.out.printf("K=%d n=%d bundle=%d: float32 response vs float64 per-sample recursion: max|diff|/max|R| = %.2e%n",
                k, n, bundle, err / max);
        // the recursion runs in float32 (unit roundoff 6e-8); its rounding must stay far below the Monte-Carlo error,
        // which moves R by ~1e-2 of its maximum between seeds at N = 3000 (docs/BENCHMARKS.md, DLN / DMFT)
        assertThat(err).as("max|R_float32 - R_float64|").isLessThanOrEqualTo(FLOAT32_RESPONSE_TOLERANCE * max);
        assertThat(want[5][2]).isNotZero();
        return solver;
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
        // kernel regime: s0 = 5 (gamma = 50, beta' = 4 gamma (1 + O(beta^2/gamma^2))), eta = h * 4 gamma = 0.5,
        // dense Rademacher teacher (E beta*^2 = 1 exactly with stratified sampling), noisy labels
        DmftConfig c = DmftConfig.builder().s0(5).step(0.0025).gridPoints(41).samples(2000).sigma(0.5)
                .prior(SparsePrior.bernoulliRademacher(1.0)).alpha(0.5).averagingPasses(3).seed(7).build();
        DmftResult res = DmftSolver.solve(c);
        LinearRegimeTheory th = LinearRegimeTheory.of(c);
        double maxFlowGap = 0;
        for (int k = 0; k < c.gridPoints(); k++) {
            double t = res.times()[k];
            double te = th.testLoss(t, c.step(), false);
            double tr = th.trainLoss(t, c.step(), false);
            assertThat(Math.abs(res.testLoss()[k] - te)).as("E_te at t=%f: dmft %f theory %f", t, res.testLoss()[k], te)
                    .isLessThan(0.02 * te);
            assertThat(Math.abs(res.trainLoss()[k] - tr)).as("E_tr at t=%f: dmft %f theory %f", t, res.trainLoss()[k], tr)
                    .isLessThan(0.03 * tr + 1e-5 * res.trainLoss()[0]);
            maxFlowGap = Math.max(maxFlowGap, Math.abs(th.trainLoss(t, c.step(), true) - tr) / tr);
        }
        // the discrete scheme differs from the gradient flow by O(eta); the check above resolves the GD scheme itself
        assertThat(maxFlowGap).isGreaterThan(0.1);
        assertThat(res.converged()).isTrue();
        assertThat(res.iterations().get(res.iterations().size() - 1).maxDiffCorrelation()).isLessThan(1e-3);
    }

    @Test
    void agreesWithFiniteDimensionalGradientDescentAndTheGapShrinksWithD() {
        DmftConfig c = DmftConfig.builder().s0(0.1).step(0.1).gridPoints(31).samples(2000).alpha(0.5)
                .prior(SparsePrior.bernoulliRademacher(0.1)).averagingPasses(3).seed(3).build();
        DmftResult res = DmftSolver.solve(c);
        DmftComparison cmp = DmftComparison.run(res, new int[] {60, 1000}, 8, 100);
        System.out.println(cmp.toTable().print());
        DmftComparison.Row small = cmp.rows().get(0);
        DmftComparison.Row large = cmp.rows().get(1);
        assertThat(large.meanRelTrain()).isLessThan(small.meanRelTrain());
        // within Monte-Carlo error at the larger d: |sim − DMFT| ≤ 3 (s.e._sim + s.e._DMFT) everywhere on the window
        assertThat(large.maxZTrain()).isLessThan(3);
        assertThat(large.maxZTest()).isLessThan(3);
        assertThat(large.meanRelTrain()).isLessThan(0.06);
    }

    @Test
    void rejectsBadConfig() {
        assertThatThrownBy(() -> DmftConfig.builder().damping(1).build()).hasMessageContaining("damping");
        assertThatThrownBy(() -> DmftConfig.builder().samples(3).build()).hasMessageContaining("samples");
        assertThatThrownBy(() -> DmftConfig.builder().step(Double.NaN).build()).hasMessageContaining("step");
    }
}
