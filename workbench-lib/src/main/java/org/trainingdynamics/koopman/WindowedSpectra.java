package org.trainingdynamics.koopman;

import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.HeatMapChart;
import org.trainingdynamics.study.Progress;
import org.trainingdynamics.trajectory.Trajectory;

/**
 * Koopman spectra over successive windows of training and their window-to-window distances (Redman et al.
 * §4.3 / Fig. 4, CNN early training: transitions show as blocks of small distance separated by large ones).
 *
 * @param starts  first checkpoint of each window
 * @param length  checkpoints per window
 * @param spectra the spectrum of each window (all runs pooled, pairs within each run and window)
 */
public record WindowedSpectra(int[] starts, int length, List<KoopmanSpectrum> spectra) {

    /** Fits {@code dmd} on windows [s, s + length) for s = 0, stride, 2·stride, … of every run. */
    public static WindowedSpectra of(Dmd dmd, Snapshots runs, int length, int stride) {
        int t = Integer.MAX_VALUE;
        for (int l : runs.lengths()) {
            t = Math.min(t, l);
        }
        if (length < 2 || length > t || stride < 1) {
            throw new IllegalArgumentException("window length must be in [2, " + t + "] and stride >= 1; got " + length
                    + ", " + stride);
        }
        List<Integer> st = new ArrayList<>();
        for (int s = 0; s + length <= t; s += stride) {
            st.add(s);
        }
        List<KoopmanSpectrum> sp = new ArrayList<>();
        try (Progress p = Progress.start("windowed spectra", st.size())) {
            for (int s : st) {
                List<Trajectory> w = new ArrayList<>();
                for (Trajectory r : runs.runs()) {
                    w.add(r.window(s, s + length, 1));
                }
                sp.add(dmd.fit(Snapshots.of(w)).spectrum());
                p.step();
            }
        }
        return new WindowedSpectra(st.stream().mapToInt(Integer::intValue).toArray(), length, List.copyOf(sp));
    }

    /** Matrix of W between the spectra of every pair of windows. */
    public double[][] distances(SpectralDistance.Ground g) {
        int n = spectra.size();
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                d[i][j] = SpectralDistance.wasserstein(spectra.get(i), spectra.get(j), g);
                d[j][i] = d[i][j];
            }
        }
        return d;
    }

    /** The paper's heat map of log10 W between windows (Euclidean ground metric). */
    public HeatMapChart heatMap(String title) {
        return KoopmanFigures.distanceHeatMap(title, distances(SpectralDistance.Ground.EUCLIDEAN), true);
    }
}
