package org.trainingdynamics.koopman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.trajectory.DType;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;

/**
 * Tall-skinny DMD from a stored trajectory: the streamed Gram and TSQR cores give the planted eigenvalues, agree
 * with the in-memory QR path, keep pairs within runs, and the on-demand modes reconstruct the data in full space.
 */
class StreamingDmdTest {
    private static final double[][] EIG = {{0.97, 0.12}, {0.9, 0}, {0.6, 0.5}, {0.5, 0}};

    private static List<Trajectory> stored(Path dir, int runs, int n, int t) {
        List<Trajectory> out = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            out.add(Trajectories.write(Trajectories.fromMatrix("w", Planted.run(n, EIG, t, 100 + r, 0)),
                    dir.resolve("run" + r), DType.FLOAT64));
        }
        return out;
    }

    @Test
    void streamedGramAndTsqrRecoverPlantedEigenvaluesAcrossRuns(@TempDir Path dir) {
        List<Trajectory> runs = stored(dir, 4, 3000, 30);
        KoopmanSpectrum truth = Planted.spectrum(EIG);
        for (Accumulation a : Accumulation.values()) {
            DmdResult r = Dmd.builder().rank(6).accumulation(a).blockRows(700).build().fit(Snapshots.of(runs));
            assertThat(Golden.maxMatchedGap(r.spectrum(), truth)).as(a.toString()).isLessThan(1e-8);
            assertThat(r.reconstructionError().getAsDouble()).as(a + " reconstruction").isLessThan(1e-8);
            assertThat(r.oneStepError()).isLessThan(1e-8);
            for (double res : r.residuals()) {
                assertThat(res).isLessThan(1e-6);
            }
        }
        // pairs across run boundaries would destroy the exact fit: concatenating the runs into one run must not
        double[][] cat = new double[3000][90];
        for (int r = 0; r < 3; r++) {
            for (int i = 0; i < 3000; i++) {
                for (int t = 0; t < 30; t++) {
                    cat[i][30 * r + t] = runs.get(r).values("w", t)[i];
                }
            }
        }
        DmdResult bad = Dmd.exact(6).fit(cat);
        assertThat(Golden.maxMatchedGap(bad.spectrum(), truth)).isGreaterThan(1e-3);
    }

    @Test
    void delayEmbeddingFromShiftedGramBlocksMatchesDirect(@TempDir Path dir) {
        List<Trajectory> runs = stored(dir, 2, 2500, 40);
        // observe only 2 coordinates per snapshot through a selection: use a function observable; delays recover rank
        Dmd gram = Dmd.builder().rank(6).delays(4).accumulation(Accumulation.GRAM).build();
        Dmd direct = Dmd.builder().rank(6).delays(4).accumulation(Accumulation.DIRECT).build();
        DmdResult g = gram.fit(Snapshots.of(runs));
        DmdResult d = direct.fit(Snapshots.of(runs));
        assertThat(Golden.maxMatchedGap(g.spectrum(), d.spectrum())).isLessThan(1e-9);
        assertThat(Golden.maxMatchedGap(g.spectrum(), Planted.spectrum(EIG))).isLessThan(1e-8);
        // scalar observable of a 6-dimensional linear system: Hankel depth 8 recovers all six eigenvalues
        Snapshots scalar = Observables.function(runs, (run, t) -> new double[]{run.values("w", t)[7]});
        DmdResult h = Dmd.builder().rank(6).delays(8).build().fit(scalar);
        assertThat(Golden.maxMatchedGap(h.spectrum(), Planted.spectrum(EIG))).isLessThan(1e-6);
    }

    @Test
    void modesOnDemandReconstructTheDataInFullSpace(@TempDir Path dir) {
        List<Trajectory> runs = stored(dir, 1, 1200, 25);
        DmdResult r = Dmd.builder().rank(6).accumulation(Accumulation.GRAM).blockRows(500).build().fit(runs.get(0));
        double[][][] phi = r.modes();
        assertThat(phi[0]).hasNumberOfRows(1200);
        double err = 0;
        double tot = 0;
        for (int t = 0; t < 25; t++) {
            double[] z = runs.get(0).values("w", t);
            for (int i = 0; i < 1200; i++) {
                double rec = 0;
                for (int j = 0; j < 6; j++) {
                    // Re(φ_ij λ_j^t b_j)
                    double lr = 1;
                    double li = 0;
                    for (int s = 0; s < t; s++) {
                        double nr = lr * r.eigRe()[j] - li * r.eigIm()[j];
                        li = lr * r.eigIm()[j] + li * r.eigRe()[j];
                        lr = nr;
                    }
                    double br = r.amplitudeRe()[0][j];
                    double bi = r.amplitudeIm()[0][j];
                    double cr = lr * br - li * bi;
                    double ci = lr * bi + li * br;
                    rec += phi[0][i][j] * cr - phi[1][i][j] * ci;
                }
                err += (rec - z[i]) * (rec - z[i]);
                tot += z[i] * z[i];
            }
        }
        assertThat(Math.sqrt(err / tot)).isLessThan(1e-8);
    }

    @Test
    void autoSwitchesToTsqrWhenTheGramWouldLoseDigits(@TempDir Path dir) {
        // two eigen-directions with amplitudes 1e6 apart: σ_r/σ_1 ~ 1e-7 < 1e-5 → TSQR
        int n = 6000;
        int t = 12;
        double[][] z = new double[n][t];
        java.util.Random rnd = new java.util.Random(3);
        double[] p1 = new double[n];
        double[] p2 = new double[n];
        for (int i = 0; i < n; i++) {
            p1[i] = rnd.nextGaussian();
            p2[i] = rnd.nextGaussian();
        }
        for (int s = 0; s < t; s++) {
            for (int i = 0; i < n; i++) {
                z[i][s] = 1e3 * Math.pow(0.95, s) * p1[i] + 1e-4 * Math.pow(0.5, s) * p2[i];
            }
        }
        Trajectory run = Trajectories.write(Trajectories.fromMatrix("w", z), dir.resolve("ill"), DType.FLOAT64);
        DmdResult r = Dmd.builder().rank(2).accumulation(Accumulation.AUTO).directLimit(0).build().fit(run);
        assertThat(r.accumulation()).isEqualTo(Accumulation.TSQR);
        assertThat(Golden.maxMatchedGap(r.spectrum(), Planted.spectrum(new double[][]{{0.95, 0}, {0.5, 0}})))
                .isLessThan(1e-6);
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        double[][] nan = {{1, 2, Double.NaN}, {0, 1, 2}};
        assertThatThrownBy(() -> Dmd.exact(1).fit(nan)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-finite").hasMessageContaining("[0, 2]");
        assertThatThrownBy(() -> Dmd.builder().delays(5).build().fit(new double[][]{{1, 2, 3, 4, 5}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too short");
        assertThatThrownBy(() -> RankRule.fixed(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RankRule.energy(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Snapshots.ofMatrices(new double[][]{{1, 2}}, new double[][]{{1, 2}, {3, 4}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same observables");
        assertThatThrownBy(() -> Dmd.exact(2).fit(new double[][]{{0, 0, 0}, {0, 0, 0}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zero");
    }

    @Test
    void explicitPairsGiveTheSameOperatorAsTheRun() {
        double[][] z = Planted.run(50, EIG, 20, 7, 0);
        double[][] x = new double[50][19];
        double[][] y = new double[50][19];
        for (int i = 0; i < 50; i++) {
            System.arraycopy(z[i], 0, x[i], 0, 19);
            System.arraycopy(z[i], 1, y[i], 0, 19);
        }
        DmdResult p = Dmd.exact(6).fitPairs(x, y);
        assertThat(p.reconstructionError()).isEmpty();
        assertThat(Golden.maxMatchedGap(p.spectrum(), Dmd.exact(6).fit(z).spectrum())).isLessThan(1e-10);
    }
}
