package org.trainingdynamics.koopman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.trajectory.DType;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.viz.Figures;

/**
 * §2b pipeline on planted linear dynamics (no Fashion-MNIST): per width and seed, copies with a known spectrum;
 * the replication must recover it through the delay embedding and give per-seed distances equal to a brute-force
 * matching of the planted eigenvalues.
 */
class FcnWidthReplicationTest {
    static final int[] WIDTHS = {1, 2, 4};
    static final int SEEDS = 4;
    static final int COPIES = 2;
    static final FcnWidthReplication.Config CONFIG = new FcnWidthReplication.Config(3, 4, "fc2.weight");

    /** Narrow width oscillates; the two wider ones share one spectrum per seed that drifts across seeds. */
    static double[][] planted(int h, int seed) {
        if (h == 1) {
            return new double[][]{{0.9, 0.05 + 0.01 * seed}, {0.8, 0}};
        }
        return new double[][]{{0.95 - 0.01 * seed, 0}, {0.85, 0}, {0.7, 0}};
    }

    static double[][] copy(int h, int seed, int c) {
        return Planted.run(10 * h, planted(h, seed), 40, 100L * seed + c, 0);
    }

    /** W between equal-size sets by trying every permutation (independent of Kuhn–Munkres). */
    static double bruteForce(KoopmanSpectrum a, KoopmanSpectrum b) {
        int n = a.size();
        double best = Double.POSITIVE_INFINITY;
        for (int[] p : permutations(n)) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += Math.hypot(a.re()[i] - b.re()[p[i]], a.im()[i] - b.im()[p[i]]);
            }
            best = Math.min(best, s / n);
        }
        return best;
    }

    static List<int[]> permutations(int n) {
        List<int[]> out = new ArrayList<>();
        permute(new int[n], new boolean[n], 0, out);
        return out;
    }

    static void permute(int[] p, boolean[] used, int i, List<int[]> out) {
        if (i == p.length) {
            out.add(p.clone());
            return;
        }
        for (int v = 0; v < p.length; v++) {
            if (!used[v]) {
                used[v] = true;
                p[i] = v;
                permute(p, used, i + 1, out);
                used[v] = false;
            }
        }
    }

    @Test
    void recoversPlantedSpectraAndDistances(@TempDir Path dir) {
        SortedMap<Integer, List<Snapshots>> in = new TreeMap<>();
        for (int h : WIDTHS) {
            List<Snapshots> l = new ArrayList<>();
            for (int s = 1; s <= SEEDS; s++) {
                double[][][] runs = new double[COPIES][][];
                for (int c = 0; c < COPIES; c++) {
                    runs[c] = copy(h, s, c);
                }
                l.add(Snapshots.ofMatrices(runs));
            }
            in.put(h, l);
        }
        FcnWidthReplication.Result r = FcnWidthReplication.analyse(CONFIG, in, new long[]{1, 2, 3, 4});
        for (int s = 1; s <= SEEDS; s++) {
            KoopmanSpectrum narrow = Planted.spectrum(planted(1, s));
            KoopmanSpectrum wide = Planted.spectrum(planted(4, s));
            assertThat(bruteForce(r.spectra().get(1).get(s - 1), narrow)).isLessThan(1e-8);
            assertThat(bruteForce(r.spectra().get(4).get(s - 1), wide)).isLessThan(1e-8);
            assertThat(r.perSeed(1, 4)[s - 1]).isCloseTo(bruteForce(narrow, wide), within(1e-8));
            assertThat(r.perSeed(2, 4)[s - 1]).isLessThan(1e-8);
        }
        // between seeds of h = 4: only the first eigenvalue moves, by 0.01·|s − t|, so W = 0.01·|s − t| / 3
        double[] b = r.betweenSeeds(4);
        assertThat(b).hasSize(6);
        assertThat(b[0]).isCloseTo(0.01 / 3, within(1e-8));
        assertThat(r.seedsMiddleCloserToWide()).isEqualTo(SEEDS);
        assertThat(r.seedsMiddleWithinWideSpread()).isEqualTo(SEEDS);
        assertThat(r.signTestP()).isCloseTo(1.0 / 16, within(1e-12));
        assertThat(r.meanMaxImag(1)).isCloseTo(0.05 + 0.01 * 2.5, within(1e-8));
        assertThat(r.meanMaxImag(4)).isLessThan(1e-8);
        assertThat(r.toTable().rowCount()).isEqualTo(3 + 3);
        assertThat(r.perSeedTable().columnCount()).isEqualTo(4);
        assertThat(r.report()).contains("in 4 of 4 seeds");
        assertThat(Figures.save(r.chart(), dir.resolve("fcn"))).exists();
    }

    @Test
    void readsTheTrainerLayoutFromDisk(@TempDir Path dir) {
        SortedMap<Integer, List<Snapshots>> in = new TreeMap<>();
        Map<Integer, Path> dirs = new TreeMap<>();
        for (int h : WIDTHS) {
            List<Snapshots> l = new ArrayList<>();
            for (int s = 1; s <= 2; s++) {
                double[][][] runs = new double[COPIES][][];
                for (int c = 0; c < COPIES; c++) {
                    runs[c] = copy(h, s, c);
                    Trajectories.write(Trajectories.fromMatrix("fc2.weight", runs[c]),
                            dir.resolve("h" + h).resolve("seed-" + s).resolve("copy-" + c), DType.FLOAT64);
                }
                l.add(Snapshots.ofMatrices(runs));
            }
            in.put(h, l);
            dirs.put(h, dir.resolve("h" + h));
        }
        FcnWidthReplication.Result fromDisk = FcnWidthReplication.run(CONFIG, dirs);
        FcnWidthReplication.Result inMemory = FcnWidthReplication.analyse(CONFIG, in, new long[]{1, 2});
        assertThat(fromDisk.seeds()).containsExactly(1, 2);
        for (int h : WIDTHS) {
            for (int s = 0; s < 2; s++) {
                assertThat(bruteForce(fromDisk.spectra().get(h).get(s), inMemory.spectra().get(h).get(s)))
                        .isLessThan(1e-10);
            }
        }
        assertThatThrownBy(() -> FcnWidthReplication.run(CONFIG, Map.of(1, dirs.get(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two widths");
        assertThatThrownBy(() -> new FcnWidthReplication.Config(0, 320, "fc2.weight"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rank");
    }
}
