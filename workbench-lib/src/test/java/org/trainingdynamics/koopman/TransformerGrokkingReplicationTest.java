package org.trainingdynamics.koopman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;
import org.trainingdynamics.viz.Figures;

/**
 * §2d pipeline on planted runs (no training): per seed a "grokking" and a "constrained" run with known spectra;
 * the per-seed pooled PCA and the delay embedding must recover them, and the distances and the cross/within
 * ratio must equal brute-force matchings of the planted eigenvalues.
 */
class TransformerGrokkingReplicationTest {
    static double[][] grok(int s) {
        return new double[][]{{1.03 + 0.002 * s, 0}, {0.9, 0.05}};
    }

    static double[][] constrained(int s) {
        return new double[][]{{1.01, 0}, {0.8 + 0.002 * s, 0.02}};
    }

    @Test
    void recoversPlantedSpectraAndTheCrossToWithinRatio(@TempDir Path dir) {
        int n = 4;
        List<Trajectory> g = new ArrayList<>();
        List<Trajectory> c = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            g.add(Trajectories.fromMatrix("mlp.W_out", Planted.run(30, grok(s), 40, s, 0)));
            c.add(Trajectories.fromMatrix("mlp.W_out", Planted.run(30, constrained(s), 40, 50 + s, 0)));
        }
        TransformerGrokkingReplication.Result r = TransformerGrokkingReplication.analyse(
                new TransformerGrokkingReplication.Config(3, 2, 3, "mlp.W_out"), g, c);
        double cross = 0;
        double within = 0;
        int nw = 0;
        for (int s = 0; s < n; s++) {
            KoopmanSpectrum gs = Planted.spectrum(grok(s));
            KoopmanSpectrum cs = Planted.spectrum(constrained(s));
            assertThat(FcnWidthReplicationTest.bruteForce(r.grokking().get(s), gs)).isLessThan(1e-7);
            assertThat(FcnWidthReplicationTest.bruteForce(r.constrained().get(s), cs)).isLessThan(1e-7);
            assertThat(r.pairedCross()[s]).isCloseTo(FcnWidthReplicationTest.bruteForce(gs, cs), within(1e-7));
            for (int t = 0; t < n; t++) {
                cross += FcnWidthReplicationTest.bruteForce(gs, Planted.spectrum(constrained(t)));
                if (t > s) {
                    within += FcnWidthReplicationTest.bruteForce(gs, Planted.spectrum(grok(t)));
                    within += FcnWidthReplicationTest.bruteForce(cs, Planted.spectrum(constrained(t)));
                    nw += 2;
                }
            }
        }
        assertThat(r.test().distance()).isCloseTo(cross / (n * n), within(1e-7));
        assertThat(r.crossToWithinRatio()).isCloseTo((cross / (n * n)) / (within / nw), within(1e-4));
        assertThat(r.crossToWithinRatio()).isGreaterThan(10);
        assertThat(r.test().decision()).isEqualTo(ConjugacyTest.Decision.NOT_CONJUGATE);
        assertThat(TransformerGrokkingReplication.Result.meanMaxModulus(r.grokking()))
                .isCloseTo(1.03 + 0.002 * 1.5, within(1e-7));
        assertThat(r.toTable().rowCount()).isEqualTo(6);
        assertThat(Figures.save(r.chart(), dir.resolve("tf"))).exists();
    }

    @Test
    void rejectsUnpairedRuns() {
        List<Trajectory> one = List.of(Trajectories.fromMatrix("mlp.W_out", Planted.run(30, grok(0), 40, 0, 0)));
        assertThatThrownBy(() -> TransformerGrokkingReplication.analyse(TransformerGrokkingReplication.Config.paper(),
                one, List.of())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same number");
    }
}
