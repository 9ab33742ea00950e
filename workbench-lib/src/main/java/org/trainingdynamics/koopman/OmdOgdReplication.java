package org.trainingdynamics.koopman;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.trainingdynamics.train.TanFunctionMaps;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Redman et al. (2024) §4.1 / Fig. 2: OMD and OGD on f(x) = Σ tan x_i are conjugate (Ghai et al. 2022), the
 * bisection method is not. 25 initial conditions on 5×5 grids (x0 ∈ [0.1, 0.9]², u0 ∈ [−2.3, −0.1]², BM brackets
 * a0 ∈ [−4/3, −1/3]², b0 ∈ [1/7, 8/7]²), 4 delays (d = 5 stacked snapshots, 10 observables), snapshot pairs
 * within each run, full-rank exact DMD; spectra compared with {@link SpectralDistance}. Published (saved
 * eigenvalues): W(OMD, OGD) = 0.0081, W(OGD, BM) = 0.7534, W(OMD, BM) = 0.7460. The iterates come from
 * {@link TanFunctionMaps} (η = 0.01, T = 100, K = [1/T, 1]²); both box projections reduce to coordinate-wise
 * clipping (the released code calls a numerical minimiser instead; clipping reproduces its saved eigenvalues).
 *
 * @param omd spectrum of online mirror descent
 * @param ogd spectrum of online gradient descent
 * @param bm  spectrum of the bisection method
 */
public record OmdOgdReplication(KoopmanSpectrum omd, KoopmanSpectrum ogd, KoopmanSpectrum bm) {

    /** Step length η of the paper. */
    static final double ETA = 1e-2;
    /** Number of iterates T (the initial point included); the box is K = [1/T, 1]². */
    static final int STEPS = 100;

    /**
     * Runs the three optimisers ({@link TanFunctionMaps}, the same maps as the trainers' {@code omd-ogd} setup)
     * from the paper's grids and fits their spectra (well under a second).
     */
    public static OmdOgdReplication run() {
        double lo = 1.0 / STEPS;
        double[][] x0 = TanFunctionMaps.grid(0.1, 0.9, 5);
        double[][] u0 = TanFunctionMaps.grid(-2.3, -0.1, 5);
        double[][] a0 = TanFunctionMaps.grid(-4.0 / 3, -1.0 / 3, 5);
        double[][] b0 = TanFunctionMaps.grid(1.0 / 7, 8.0 / 7, 5);
        List<double[][]> omd = new ArrayList<>();
        List<double[][]> ogd = new ArrayList<>();
        List<double[][]> bm = new ArrayList<>();
        for (int n = 0; n < x0.length; n++) {
            omd.add(columns(TanFunctionMaps.mirrorDescent(x0[n], ETA, STEPS, lo)));
            ogd.add(columns(TanFunctionMaps.gradientDescent(u0[n], ETA, STEPS, lo)));
            bm.add(columns(TanFunctionMaps.bisection(a0[n], b0[n], STEPS)));
        }
        Dmd dmd = Dmd.builder().rank(RankRule.full()).delays(5).build();
        return new OmdOgdReplication(fit(dmd, omd), fit(dmd, ogd), fit(dmd, bm));
    }

    /** Iterates [T][d] as a snapshot matrix [d][T] (columns = iterates). */
    private static double[][] columns(double[][] iterates) {
        double[][] out = new double[iterates[0].length][iterates.length];
        for (int t = 0; t < iterates.length; t++) {
            for (int i = 0; i < out.length; i++) {
                out[i][t] = iterates[t][i];
            }
        }
        return out;
    }

    private static KoopmanSpectrum fit(Dmd dmd, List<double[][]> runs) {
        return dmd.fit(Snapshots.ofMatrices(runs.toArray(new double[0][][]))).spectrum();
    }

    /** The three pairwise distances (Euclidean ground metric), as a table with columns pair, W. */
    public Table distances() {
        return Table.create("omd-ogd-bm-distances",
                StringColumn.create("pair", "OMD-OGD", "OGD-BM", "OMD-BM"),
                DoubleColumn.create("W", SpectralDistance.wasserstein(omd, ogd), SpectralDistance.wasserstein(ogd, bm),
                        SpectralDistance.wasserstein(omd, bm)));
    }

    /** The three spectra on the unit circle (Fig. 2 right). */
    public XYChart chart() {
        Map<String, KoopmanSpectrum> m = new LinkedHashMap<>();
        m.put("OMD", omd);
        m.put("OGD", ogd);
        m.put("BM", bm);
        return KoopmanFigures.unitCircle("Koopman eigenvalues: OMD, OGD, bisection", m);
    }
}
