package org.trainingdynamics.koopman;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

/**
 * Redman et al. §4.2 table from the paper's saved FCN eigenvalues (shared/golden/koopman): recomputed here and
 * checked (a) against the published/recomputed 2-digit table of research/koopman.md §2b and (b) to 1e-12
 * against SciPy's linear_sum_assignment run on the same files.
 */
class FcnDistanceTableTest {
    private static List<KoopmanSpectrum> load(int h) {
        List<KoopmanSpectrum> l = KoopmanSpectrum.read(Golden.dir("koopman").resolve("Koopman_eigenvalues_FCN_MNIST_h_" + h + ".npy"));
        assertThat(l).hasSize(25);
        return l;
    }

    @Test
    void reproducesTheFcnTable() {
        Map<String, List<KoopmanSpectrum>> m = new LinkedHashMap<>();
        m.put("h5", load(5));
        m.put("h10", load(10));
        m.put("h40", load(40));
        SeedPairedDistances d = SeedPairedDistances.of(m);
        Table t = d.summary();
        System.out.println(t.print());
        double[] w510 = d.perSeed("h5", "h10");
        double[] w540 = d.perSeed("h5", "h40");
        double[] w1040 = d.perSeed("h10", "h40");
        double[] between = d.betweenSeeds("h40");
        assertThat(between).hasSize(300);
        // the 2-significant-digit table of research/koopman.md §2b
        assertThat(SeedPairedDistances.mean(w510)).isCloseTo(0.0065, Offset.offset(5e-5));
        assertThat(SeedPairedDistances.populationSd(w510)).isCloseTo(0.0017, Offset.offset(5e-5));
        assertThat(SeedPairedDistances.mean(w540)).isCloseTo(0.0070, Offset.offset(5e-5));
        assertThat(SeedPairedDistances.populationSd(w540)).isCloseTo(0.0017, Offset.offset(5e-5));
        assertThat(SeedPairedDistances.mean(w1040)).isCloseTo(0.0047, Offset.offset(5e-5));
        assertThat(SeedPairedDistances.populationSd(w1040)).isCloseTo(0.0012, Offset.offset(5e-5));
        assertThat(SeedPairedDistances.mean(between)).isCloseTo(0.0043, Offset.offset(5e-5));
        assertThat(SeedPairedDistances.populationSd(between)).isCloseTo(0.0016, Offset.offset(5e-5));
        int wins = 0;
        for (int s = 0; s < 25; s++) {
            if (w540[s] > w1040[s]) {
                wins++;
            }
        }
        assertThat(wins).isEqualTo(20);
        // exact: SciPy on the same files
        String dir = Golden.dir("koopman").toString();
        String out = PythonCheck.run("""
                import numpy as np
                from scipy.optimize import linear_sum_assignment
                from scipy.spatial.distance import cdist
                d='%s/'
                E=[np.load(d+'Koopman_eigenvalues_FCN_MNIST_h_%%d.npy'%%h) for h in (5,10,40)]
                def w(a,b):
                    C=cdist(np.c_[a.real,a.imag],np.c_[b.real,b.imag]); r,c=linear_sum_assignment(C); return C[r,c].mean()
                for i,j in ((0,1),(0,2),(1,2)):
                    print(' '.join(repr(float(w(E[i][s],E[j][s]))) for s in range(25)))
                """.formatted(dir));
        String[] lines = out.trim().split("\n");
        double[][] mine = {w510, w540, w1040};
        for (int p = 0; p < 3; p++) {
            String[] v = lines[p].trim().split(" ");
            for (int s = 0; s < 25; s++) {
                assertThat(mine[p][s]).isCloseTo(Double.parseDouble(v[s]), Offset.offset(1e-12));
            }
        }
    }
}
