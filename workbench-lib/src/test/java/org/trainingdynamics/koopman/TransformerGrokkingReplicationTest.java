package org.trainingdynamics.koopman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.train.CopyFolders;
import org.trainingdynamics.trajectory.DType;
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
        List<List<Trajectory>> g = new ArrayList<>();
        List<List<Trajectory>> c = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            g.add(List.of(Trajectories.fromMatrix("mlp.W_out", Planted.run(30, grok(s), 40, s, 0))));
            c.add(List.of(Trajectories.fromMatrix("mlp.W_out", Planted.run(30, constrained(s), 40, 50 + s, 0))));
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

    /**
     * Copies pooled: each condition's three copies start from different initial states of the same planted
     * system; the pooled fit recovers its spectrum, and pairs never cross copies (a fit across the jump from one
     * copy's end to the next one's start would not). The copies are found in copy-<c> folders as the trainer
     * writes them.
     */
    @Test
    void poolsEachConditionsCopiesIntoOneFit(@TempDir Path dir) {
        int n = 3;
        int copies = 3;
        List<Path> gDirs = new ArrayList<>();
        List<Path> cDirs = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            for (int k = 0; k < copies; k++) {
                Trajectories.write(Trajectories.fromMatrix("mlp.W_out", Planted.run(30, grok(s), 12, 100 * s + k, 0)),
                        CopyFolders.of(dir.resolve("g/seed-" + s), k, copies), DType.FLOAT64);
                Trajectories.write(Trajectories.fromMatrix("mlp.W_out", Planted.run(30, constrained(s), 12, 100 * s + 50 + k, 0)),
                        CopyFolders.of(dir.resolve("c/seed-" + s), k, copies), DType.FLOAT64);
            }
            gDirs.add(dir.resolve("g/seed-" + s));
            cDirs.add(dir.resolve("c/seed-" + s));
        }
        TransformerGrokkingReplication.Result r = TransformerGrokkingReplication.run(
                new TransformerGrokkingReplication.Config(3, 2, 3, "mlp.W_out"), gDirs, cDirs);
        for (int s = 0; s < n; s++) {
            assertThat(FcnWidthReplicationTest.bruteForce(r.grokking().get(s), Planted.spectrum(grok(s)))).isLessThan(1e-7);
            assertThat(FcnWidthReplicationTest.bruteForce(r.constrained().get(s), Planted.spectrum(constrained(s))))
                    .isLessThan(1e-7);
        }
        // the same copies concatenated into one trajectory each: the pairs across the joins spoil the fit
        List<List<Trajectory>> joined = new ArrayList<>();
        List<List<Trajectory>> joinedC = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            double[][] rows = new double[30][36];
            double[][] rowsC = new double[30][36];
            for (int k = 0; k < copies; k++) {
                double[][] a = Planted.run(30, grok(s), 12, 100 * s + k, 0);
                double[][] b = Planted.run(30, constrained(s), 12, 100 * s + 50 + k, 0);
                for (int i = 0; i < 30; i++) {
                    System.arraycopy(a[i], 0, rows[i], 12 * k, 12);
                    System.arraycopy(b[i], 0, rowsC[i], 12 * k, 12);
                }
            }
            joined.add(List.of(Trajectories.fromMatrix("mlp.W_out", rows)));
            joinedC.add(List.of(Trajectories.fromMatrix("mlp.W_out", rowsC)));
        }
        TransformerGrokkingReplication.Result j = TransformerGrokkingReplication.analyse(
                new TransformerGrokkingReplication.Config(3, 2, 3, "mlp.W_out"), joined, joinedC);
        assertThat(FcnWidthReplicationTest.bruteForce(j.grokking().get(0), Planted.spectrum(grok(0)))).isGreaterThan(1e-3);
    }

    @Test
    void rejectsUnpairedRuns() {
        List<List<Trajectory>> one = List.of(List.of(Trajectories.fromMatrix("mlp.W_out", Planted.run(30, grok(0), 40, 0, 0))));
        assertThatThrownBy(() -> TransformerGrokkingReplication.analyse(TransformerGrokkingReplication.Config.paper(),
                one, List.of())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same number");
        List<List<Trajectory>> two = List.of(one.get(0), List.of());
        assertThatThrownBy(() -> TransformerGrokkingReplication.analyse(TransformerGrokkingReplication.Config.paper(),
                two, two)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one run");
    }
}
