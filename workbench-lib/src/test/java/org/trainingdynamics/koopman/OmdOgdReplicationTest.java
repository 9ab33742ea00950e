package org.trainingdynamics.koopman;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.trainingdynamics.train.TanFunctionMaps;

/** Redman et al. §4.1: the saved OMD / OGD / BM eigenvalues (shared/golden/koopman) and their distances. */
class OmdOgdReplicationTest {
    private static KoopmanSpectrum saved(String name) {
        List<KoopmanSpectrum> l = KoopmanSpectrum.read(Golden.dir("koopman").resolve(name));
        assertThat(l).hasSize(1);
        return l.get(0);
    }

    @Test
    void reproducesSavedEigenvaluesAndDistances() {
        OmdOgdReplication r = OmdOgdReplication.run();
        double omd = Golden.maxMatchedGap(r.omd(), saved("mirror_descent_eigs.npy"));
        double ogd = Golden.maxMatchedGap(r.ogd(), saved("gradient_descent_eigs.npy"));
        double bm = Golden.maxMatchedGap(r.bm(), saved("bisection_method_eigs.npy"));
        System.out.printf("max gap to saved eigenvalues: OMD %.2e OGD %.2e BM %.2e%n", omd, ogd, bm);
        System.out.println(r.distances().print());
        assertThat(omd).isLessThanOrEqualTo(1e-8);
        assertThat(ogd).isLessThanOrEqualTo(1e-8);
        assertThat(bm).isLessThanOrEqualTo(1e-4);
        double wOmdOgd = SpectralDistance.wasserstein(r.omd(), r.ogd());
        double wOgdBm = SpectralDistance.wasserstein(r.ogd(), r.bm());
        double wOmdBm = SpectralDistance.wasserstein(r.omd(), r.bm());
        assertThat(wOmdOgd).isCloseTo(0.0081, org.assertj.core.data.Offset.offset(5e-5));
        assertThat(wOgdBm).isCloseTo(0.7534, org.assertj.core.data.Offset.offset(5e-5));
        assertThat(wOmdBm).isCloseTo(0.7460, org.assertj.core.data.Offset.offset(5e-5));
    }

    @Test
    void bisectionHalvesTheBracket() {
        double[][] z = TanFunctionMaps.bisection(new double[]{-1, -1}, new double[]{1, 1}, 100);
        // f is odd; z0 = 0 gives f = 0 exactly, so the released code stops (remaining iterates 0)
        assertThat(z[0][0]).isEqualTo(0.0);
        assertThat(z[99]).containsExactly(0.0, 0.0);
        double[][] z2 = TanFunctionMaps.bisection(new double[]{-1, -1}, new double[]{0.5, 0.5}, 100);
        // bracket width halves every step: |z_{t+1} - z_t| = width / 2^{t+2}
        assertThat(Math.abs(z2[2][0] - z2[1][0])).isCloseTo(1.5 / 8, org.assertj.core.data.Offset.offset(1e-15));
    }
}
