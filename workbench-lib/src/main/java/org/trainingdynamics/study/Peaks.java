package org.trainingdynamics.study;

/**
 * Peak prominence of a change score over checkpoints, for locating a phase change away from the boundaries:
 * SciPy's {@code scipy.signal.peak_prominences} definition. A peak is an interior sample x[i] with
 * x[i−1] &lt; x[i] ≥ x[i+1] (on a flat top the first sample of the plateau); its prominence is
 * x[i] − max(left base, right base), where each base is the minimum of x between i and the nearest strictly
 * higher sample on that side (or the end of the series). A score that only decays from a large value at the first
 * checkpoint (a transient at the start of training) has no peak there; an isolated spike of height h over a zero
 * background has prominence h.
 */
public final class Peaks {
    private Peaks() {
    }

    /** Prominence of every sample: 0 where x[i] is not a peak (always at both ends). */
    public static double[] prominences(double[] x) {
        if (x == null || x.length == 0) {
            throw new IllegalArgumentException("change score is empty");
        }
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i])) {
                throw new IllegalArgumentException("change score has non-finite value " + x[i] + " at index " + i);
            }
        }
        int n = x.length;
        double[] p = new double[n];
        for (int i = 1; i < n - 1; i++) {
            if (!(x[i] > x[i - 1] && x[i] >= x[i + 1])) {
                continue;
            }
            double left = x[i];
            for (int j = i - 1; j >= 0 && x[j] <= x[i]; j--) {
                left = Math.min(left, x[j]);
            }
            double right = x[i];
            for (int j = i + 1; j < n && x[j] <= x[i]; j++) {
                right = Math.min(right, x[j]);
            }
            p[i] = x[i] - Math.max(left, right);
        }
        return p;
    }

    /** Index of the most prominent peak (the first on ties), or −1 when x has no interior peak. */
    public static int mostProminent(double[] x) {
        double[] p = prominences(x);
        int best = -1;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0 && (best < 0 || p[i] > p[best])) {
                best = i;
            }
        }
        return best;
    }
}
