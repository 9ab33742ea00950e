package org.trainingdynamics.koopman;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.viz.Figures;

/** CNN early-phase analysis (§4.3) on a planted regime switch: windows within a regime agree, across do not. */
class WindowedSpectraTest {
    @Test
    void regimeSwitchShowsInTheWindowDistances(@TempDir Path dir) {
        double[][] first = Planted.run(300, new double[][]{{0.95, 0.1}, {0.8, 0}}, 60, 1, 0);
        double[][] second = Planted.run(300, new double[][]{{0.7, 0.4}, {0.99, 0}}, 60, 2, 0);
        double[][] z = new double[300][120];
        for (int i = 0; i < 300; i++) {
            System.arraycopy(first[i], 0, z[i], 0, 60);
            System.arraycopy(second[i], 0, z[i], 60, 60);
        }
        Snapshots s = Snapshots.ofMatrices(z);
        WindowedSpectra w = WindowedSpectra.of(Dmd.exact(3), s, 20, 20);
        assertThat(w.starts()).containsExactly(0, 20, 40, 60, 80, 100);
        double[][] d = w.distances(SpectralDistance.Ground.EUCLIDEAN);
        // windows 0-2 are regime 1, 3-5 regime 2 (exact linear dynamics: within-regime distance ~ 0)
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 6; j++) {
                boolean same = (i < 3) == (j < 3);
                if (same) {
                    assertThat(d[i][j]).isLessThan(1e-8);
                } else {
                    assertThat(d[i][j]).isGreaterThan(0.05);
                }
            }
        }
        assertThat(Figures.save(w.heatMap("window distances"), dir.resolve("heat"))).exists();
        assertThat(Figures.save(KoopmanFigures.unitCircle("w0", java.util.Map.of("w0", w.spectra().get(0))),
                dir.resolve("circle"))).exists();
    }
}
