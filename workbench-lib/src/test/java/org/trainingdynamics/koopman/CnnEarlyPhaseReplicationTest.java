package org.trainingdynamics.koopman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.trajectory.InMemoryTrajectory;
import org.trainingdynamics.trajectory.Trajectory;
import org.trainingdynamics.viz.Figures;

/**
 * §2c pipeline on planted runs (no Fashion-MNIST): a regime switch halfway through a densely checkpointed early
 * phase, followed by an irregular epoch-end checkpoint that must be left out; each window must recover its
 * regime's planted eigenvalues through the pooled PCA and the delay embedding.
 */
class CnnEarlyPhaseReplicationTest {
    static final double[][] REGIME_A = {{0.95, 0.1}, {0.8, 0}};
    static final double[][] REGIME_B = {{0.7, 0.4}, {0.99, 0}};

    static Trajectory run(int seed) {
        double[][] a = Planted.run(40, REGIME_A, 60, seed, 0);
        double[][] b = Planted.run(40, REGIME_B, 60, 100 + seed, 0);
        InMemoryTrajectory.Builder t = InMemoryTrajectory.builder().tensor("w", 40);
        for (int c = 0; c < 120; c++) {
            double[] col = new double[40];
            for (int i = 0; i < 40; i++) {
                col[i] = c < 60 ? a[i][c] : b[i][c - 60];
            }
            t.checkpoint(2L * c, c / 469.0, Map.of("w", col));
        }
        Random rnd = new Random(seed);
        double[] last = new double[40];
        for (int i = 0; i < 40; i++) {
            last[i] = 100 * rnd.nextGaussian();
        }
        return t.checkpoint(469, 1, Map.of("w", last)).build();
    }

    @Test
    void windowsRecoverEachRegimesPlantedSpectrum(@TempDir Path dir) {
        List<Trajectory> runs = new ArrayList<>();
        for (int s = 1; s <= 3; s++) {
            runs.add(run(s));
        }
        CnnEarlyPhaseReplication.Result r = CnnEarlyPhaseReplication.analyse(
                new CnnEarlyPhaseReplication.Config(3, 2, 3, 20, 20), runs);
        assertThat(r.startSteps()).containsExactly(0, 40, 80, 120, 160, 200);
        assertThat(r.every()).isEqualTo(2);
        KoopmanSpectrum a = Planted.spectrum(REGIME_A);
        KoopmanSpectrum b = Planted.spectrum(REGIME_B);
        for (int w = 0; w < 6; w++) {
            KoopmanSpectrum got = r.windows().spectra().get(w);
            assertThat(FcnWidthReplicationTest.bruteForce(got, w < 3 ? a : b)).isLessThan(1e-7);
        }
        double[] adj = r.adjacentDistances();
        assertThat(adj).hasSize(5);
        assertThat(adj[2]).isCloseTo(FcnWidthReplicationTest.bruteForce(a, b), org.assertj.core.api.Assertions.within(1e-7));
        assertThat(adj[0]).isLessThan(1e-7);
        assertThat(adj[4]).isLessThan(1e-7);
        assertThat(r.toTable().rowCount()).isEqualTo(6);
        assertThat(r.toTable().intColumn("to_step").getInt(0)).isEqualTo(38);
        assertThat(Figures.save(r.chart(), dir.resolve("heat"))).exists();
    }

    @Test
    void rejectsTooShortEarlyPhaseAndMixedSchedules() {
        List<Trajectory> runs = List.of(run(1));
        assertThatThrownBy(() -> CnnEarlyPhaseReplication.analyse(new CnnEarlyPhaseReplication.Config(3, 2, 3, 200, 20), runs))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("120 checkpoints");
        assertThatThrownBy(() -> new CnnEarlyPhaseReplication.Config(3, 5, 3, 5, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length > delays");
        assertThat(CnnEarlyPhaseReplication.denseLength(new long[]{0, 2, 4, 7, 9})).isEqualTo(3);
    }
}
