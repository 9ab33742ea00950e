package org.trainingdynamics.koopman;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.junit.jupiter.api.Test;

/**
 * The thin SVD behind every DMD fit: the LAPACK path used for large cores and the EJML path used for small ones both
 * return a planted matrix's singular values, orthonormal factors that reconstruct it, and agree with each other; a
 * DMD whose core is large enough for LAPACK recovers planted eigenvalues.
 */
class DmdSvdTest {
    private static DMatrixRMaj orthonormal(int rows, int cols, Random rng) {
        DMatrixRMaj g = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < g.data.length; i++) {
            g.data[i] = rng.nextGaussian();
        }
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(rows, cols);
        qr.decompose(g);
        return qr.getQ(null, true);
    }

    @Test
    void lapackAndEjmlReturnPlantedSingularValuesAndReconstruct() {
        int m = 140;
        int n = 190;
        Random rng = new Random(7);
        DMatrixRMaj u0 = orthonormal(m, m, rng);
        DMatrixRMaj v0 = orthonormal(n, m, rng);
        double[] sigma = new double[m];
        DMatrixRMaj us = u0.copy();
        for (int j = 0; j < m; j++) {
            sigma[j] = Math.exp(-j / 20.0) * 3; // descending, spanning 3 to 3·e⁻⁷
            for (int i = 0; i < m; i++) {
                us.set(i, j, us.get(i, j) * sigma[j]);
            }
        }
        DMatrixRMaj a = new DMatrixRMaj(m, n);
        CommonOps_DDRM.multTransB(us, v0, a);
        Dmd.Svd lapack = Dmd.Svd.of(a, 1);
        Dmd.Svd ejml = Dmd.Svd.of(a, Integer.MAX_VALUE);
        for (Dmd.Svd sv : new Dmd.Svd[]{lapack, ejml}) {
            assertThat(sv.s()).hasSize(m);
            for (int j = 0; j < m; j++) {
                assertThat(Math.abs(sv.s()[j] - sigma[j])).isLessThan(1e-13 * sigma[0]);
            }
            assertThat(sv.u().numRows).isEqualTo(m);
            assertThat(sv.v().numRows).isEqualTo(n);
            DMatrixRMaj utu = new DMatrixRMaj(m, m);
            CommonOps_DDRM.multTransA(sv.u(), sv.u(), utu);
            DMatrixRMaj vtv = new DMatrixRMaj(m, m);
            CommonOps_DDRM.multTransA(sv.v(), sv.v(), vtv);
            DMatrixRMaj back = sv.u().copy();
            for (int j = 0; j < m; j++) {
                for (int i = 0; i < m; i++) {
                    back.set(i, j, back.get(i, j) * sv.s()[j]);
                }
            }
            DMatrixRMaj rec = new DMatrixRMaj(m, n);
            CommonOps_DDRM.multTransB(back, sv.v(), rec);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    assertThat(Math.abs(utu.get(i, j) - (i == j ? 1 : 0))).isLessThan(1e-12);
                    assertThat(Math.abs(vtv.get(i, j) - (i == j ? 1 : 0))).isLessThan(1e-12);
                }
                for (int j = 0; j < n; j++) {
                    assertThat(Math.abs(rec.get(i, j) - a.get(i, j))).isLessThan(1e-13 * sigma[0]);
                }
            }
        }
        // leading singular vectors agree between the two paths up to sign (well separated singular values)
        for (int j = 0; j < 10; j++) {
            double dot = 0;
            for (int i = 0; i < m; i++) {
                dot += lapack.u().get(i, j) * ejml.u().get(i, j);
            }
            assertThat(Math.abs(Math.abs(dot) - 1)).isLessThan(1e-10);
        }
    }

    @Test
    void dmdOnACoreLargeEnoughForLapackRecoversPlantedEigenvalues() {
        double[][] eig = {{0.99, 0.05}, {0.95, 0}, {0.8, 0.3}, {0.7, 0}, {0.5, 0.6}};
        // 600 observables × 650 snapshots: the core is 600 × 649, above Dmd.LAPACK_FROM
        double[][] z = Planted.run(600, eig, 650, 3, 0);
        assertThat(Math.min(600, 649)).isGreaterThanOrEqualTo(Dmd.LAPACK_FROM);
        DmdResult r = Dmd.exact(8).fit(z);
        assertThat(Golden.maxMatchedGap(r.spectrum(), Planted.spectrum(eig))).isLessThan(1e-8);
        assertThat(r.oneStepError()).isLessThan(1e-8);
    }
}
