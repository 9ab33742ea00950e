package org.trainingdynamics.koopman;

import java.util.OptionalDouble;
import org.knowm.xchart.XYChart;
import org.trainingdynamics.study.Progress;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

/**
 * The result of a {@link Dmd} fit: the Koopman eigenvalue estimates and everything needed to judge them.
 * Eigenpairs are ordered by |λ| descending throughout.
 *
 * @param spectrum             discrete-time eigenvalues λ_j (per snapshot interval)
 * @param eigRe                real parts of λ_j, same order as every per-eigenpair array here
 * @param eigIm                imaginary parts of λ_j
 * @param dt                   time between snapshots, for {@link #continuousTime()}
 * @param rank                 the rank r used
 * @param singularValues       singular values of X (of its core: the first min(N, m) are exact)
 * @param amplitudeRe          real parts of the amplitudes b (per run: [run][j]) fitted to each run's first snapshot
 * @param amplitudeIm          imaginary parts of the amplitudes
 * @param reconstructionError  ‖Z − Ẑ‖_F/‖Z‖_F of the free-running reconstruction Ẑ_t = Φ Λ^t b of every run
 *                             (PyDMD's {@code reconstructed_data}; delay embeddings use its "first" rule); empty
 *                             for explicit pairs
 * @param oneStepError         ‖Y − U Ã Uᵀ X‖_F / ‖Y‖_F, one-step prediction through the rank-r model
 * @param residuals            ResDMD residual of each eigenpair as a Koopman eigenfunction (small = trustworthy)
 * @param variant              the DMD variant
 * @param delays               delay-embedding depth d
 * @param accumulation         how the snapshot core was computed (DIRECT, GRAM or TSQR)
 * @param conditionPoor        true when a Gram core kept σ_r &lt; 1e-5 σ_1 or could not supply the requested rank
 *                             (AUTO then refits with TSQR)
 * @param modeSource           what {@link #modes()} needs (the snapshots and mode coefficients)
 */
public record DmdResult(KoopmanSpectrum spectrum, double[] eigRe, double[] eigIm, double dt, int rank,
                        double[] singularValues, double[][] amplitudeRe, double[][] amplitudeIm,
                        OptionalDouble reconstructionError, double oneStepError, double[] residuals,
                        Dmd.Variant variant, int delays, Accumulation accumulation, boolean conditionPoor,
                        ModeSource modeSource) {

    /** Continuous-time eigenvalues ω = log(λ)/Δt. */
    public KoopmanSpectrum continuousTime() {
        return spectrum.continuousTime(dt);
    }

    /** |b_j| of the first run's amplitudes. */
    public double[] amplitudeModulus() {
        double[] out = new double[rank];
        for (int j = 0; j < rank; j++) {
            out[j] = Math.hypot(amplitudeRe[0][j], amplitudeIm[0][j]);
        }
        return out;
    }

    /**
     * The DMD modes Φ = Y V Σ⁻¹ W in observable space ({@code [0]} real, {@code [1]} imaginary; N·d × r),
     * computed on demand by one more streamed pass over the snapshots.
     */
    public double[][][] modes() {
        return modeSource.modes(rank);
    }

    /** One row per eigenpair: λ (re, im, modulus), ω = log λ/Δt, |b|, residual. */
    public Table toTable() {
        KoopmanSpectrum ct = spectrum.continuousTime(dt);
        double[] mod = new double[rank];
        for (int j = 0; j < rank; j++) {
            mod[j] = Math.hypot(eigRe[j], eigIm[j]);
        }
        return Table.create("dmd-eigenpairs", DoubleColumn.create("re", eigRe), DoubleColumn.create("im", eigIm),
                DoubleColumn.create("modulus", mod), DoubleColumn.create("growth_rate", ct.re()),
                DoubleColumn.create("frequency", ct.im()), DoubleColumn.create("amplitude", amplitudeModulus()),
                DoubleColumn.create("residual", residuals));
    }

    /** The eigenvalues on the complex plane with the unit circle. */
    public XYChart eigenvalueChart(String title) {
        return KoopmanFigures.unitCircle(title, java.util.Map.of("DMD", spectrum));
    }

    /** Where the full-dimensional modes come from: Φ block i = Σ_j Z[:, yOrig_j + i] K[j, :]. */
    public record ModeSource(Snapshots snapshots, int[] yOrig, double[][] kRe, double[][] kIm, int delays) {
        double[][][] modes(int r) {
            long n = snapshots.rows() * delays;
            if (n * r > Integer.MAX_VALUE / 2) {
                throw new IllegalArgumentException(n + " x " + r + " modes do not fit in memory arrays");
            }
            int rows = Math.toIntExact(snapshots.rows());
            int m = snapshots.columns();
            double[][][] out = new double[2][(int) n][r];
            int row0 = 0;
            try (Progress p = Progress.start("DMD modes", rows)) {
                for (double[] b : snapshots.blocks(4096)) {
                    int br = b.length / m;
                    for (int i = 0; i < delays; i++) {
                        for (int rr = 0; rr < br; rr++) {
                            double[] oRe = out[0][i * rows + row0 + rr];
                            double[] oIm = out[1][i * rows + row0 + rr];
                            for (int j = 0; j < yOrig.length; j++) {
                                double z = b[rr * m + yOrig[j] + i];
                                for (int c = 0; c < r; c++) {
                                    oRe[c] += z * kRe[j][c];
                                    oIm[c] += z * kIm[j][c];
                                }
                            }
                        }
                    }
                    row0 += br;
                    p.step(br);
                }
            }
            return out;
        }
    }
}
