package org.trainingdynamics.dln;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class MinNormInterpolatorsTest {

    /** Minimum ℓ1 over all basic feasible solutions (supports of size n): the LP optimum, by enumeration. */
    static double bruteForceL1(DlnProblem p) {
        int n = p.n();
        int d = p.d();
        double best = Double.POSITIVE_INFINITY;
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        while (true) {
            double[][] a = new double[n][n + 1];
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    a[r][c] = p.x(r, idx[c]);
                }
                a[r][n] = p.y()[r];
            }
            double[] sol = gauss(a);
            if (sol != null) {
                double l1 = 0;
                for (double v : sol) {
                    l1 += Math.abs(v);
                }
                best = Math.min(best, l1);
            }
            int i = n - 1;
            while (i >= 0 && idx[i] == d - n + i) {
                i--;
            }
            if (i < 0) {
                return best;
            }
            idx[i]++;
            for (int j = i + 1; j < n; j++) {
                idx[j] = idx[j - 1] + 1;
            }
        }
    }

    static double[] gauss(double[][] a) {
        int n = a.length;
        for (int c = 0; c < n; c++) {
            int piv = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) {
                    piv = r;
                }
            }
            if (Math.abs(a[piv][c]) < 1e-12) {
                return null;
            }
            double[] t = a[c];
            a[c] = a[piv];
            a[piv] = t;
            for (int r = 0; r < n; r++) {
                if (r != c) {
                    double f = a[r][c] / a[c][c];
                    for (int k = c; k <= n; k++) {
                        a[r][k] -= f * a[c][k];
                    }
                }
            }
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = a[i][n] / a[i][i];
        }
        return x;
    }

    @Test
    void basisPursuitMatchesVertexEnumeration() {
        for (long seed = 1; seed <= 5; seed++) {
            DlnConfig c = DlnConfig.builder().d(10).alpha(0.4).prior(SparsePrior.bernoulliGaussian(0.5)).sigma(0.2)
                    .seed(seed).build();
            DlnProblem p = DlnProblem.generate(c);
            MinNormInterpolators.L1Solution s = MinNormInterpolators.minL1(p);
            double want = bruteForceL1(p);
            assertThat(s.l1Norm()).as("seed %d", seed).isCloseTo(want, offset(1e-7 * Math.max(1, want)));
            assertThat(s.residual()).isLessThan(1e-8);
            assertThat(s.gap()).isBetween(-1e-9, 1e-6);
        }
    }

    @Test
    void basisPursuitRecoversPlantedSparseVectorAndL2DoesNot() {
        // rho/alpha = 0.1 lies inside the Donoho-Tanner exact-recovery region
        DlnConfig c = DlnConfig.builder().d(200).alpha(0.5).prior(SparsePrior.bernoulliRademacher(0.05)).seed(3).build();
        DlnProblem p = DlnProblem.generate(c);
        MinNormInterpolators.L1Solution s = MinNormInterpolators.minL1(p);
        assertThat(ImplicitBias.relDist(s.beta(), p.teacher())).isLessThan(1e-8);
        assertThat(s.gap()).isLessThan(1e-6);
        double[] l2 = MinNormInterpolators.minL2(p);
        assertThat(MinNormInterpolators.residual(p, l2)).isLessThan(1e-9);
        // min-l2 interpolation of a sparse teacher: E_te ≈ (1 − α)E β*² (dmft.md §2), far from β*
        double te = 0;
        for (int i = 0; i < p.d(); i++) {
            te += Math.pow(l2[i] - p.teacher()[i], 2) / p.d();
        }
        assertThat(te).isCloseTo(0.5 * 0.05, offset(0.01));
    }

    @Test
    void minL2IsOrthogonalToTheNullSpace() {
        DlnProblem p = DlnProblem.generate(DlnConfig.builder().d(30).alpha(0.5).sigma(0.1).seed(5).build());
        double[] b = MinNormInterpolators.minL2(p);
        // minimum-norm solution lies in the row space: b = X^T nu; check against an independently perturbed solution
        double[] nullDir = new double[30];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 30; i++) {
            nullDir[i] = r.nextGaussian();
        }
        // project nullDir onto null(X) by subtracting its min-l2 component fit: v - X^+ X v
        DlnProblem q = new DlnProblem(p.n(), p.d(), p.x(), mult(p, nullDir), nullDir.clone(), new double[p.n()]);
        double[] rowPart = MinNormInterpolators.minL2(q);
        double dot = 0;
        for (int i = 0; i < 30; i++) {
            dot += b[i] * (nullDir[i] - rowPart[i]);
        }
        assertThat(dot).isCloseTo(0, offset(1e-10));
    }

    static double[] mult(DlnProblem p, double[] v) {
        double[] y = new double[p.n()];
        for (int mu = 0; mu < p.n(); mu++) {
            for (int i = 0; i < p.d(); i++) {
                y[mu] += p.x(mu, i) * v[i];
            }
        }
        return y;
    }

    @Test
    void overdeterminedIsRejected() {
        DlnProblem p = DlnProblem.generate(DlnConfig.builder().d(10).alpha(2).build());
        assertThatThrownBy(() -> MinNormInterpolators.minL1(p)).hasMessageContaining("n <= d");
    }
}
