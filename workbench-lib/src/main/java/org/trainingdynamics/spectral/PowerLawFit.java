package org.trainingdynamics.spectral;

import java.util.Arrays;

/**
 * A continuous power-law fit {@code p(λ) ∝ λ^{−α}} for {@code λ ≥ xmin} of an empirical spectral density,
 * by WeightWatcher's {@code WWFit} (WW_powerlaw.py, after Clauset, Shalizi &amp; Newman 2009): keep
 * {@code λ > 1e-5} (strict), sort; for every candidate {@code xmin = λ_i} except the largest, the MLE
 * {@code α_i = 1 + n_i / Σ_{j≥i} ln(λ_j/λ_i)} and the KS distance
 * {@code D_i = max |1 − (λ_j/λ_i)^{1−α_i} − (j−i)/n_i|} (left empirical CDF {@code arange(n)/n});
 * {@code xmin = argmin D}; no xmax.
 *
 * @param alpha        fitted exponent α
 * @param xmin         start of the power-law tail
 * @param ksDistance   KS distance D at the chosen xmin
 * @param sigma        standard error {@code (α − 1)/√n_tail}
 * @param tailCount    number of eigenvalues {@code ≥ xmin} ({@code num_pl_spikes})
 * @param fittedCount  number of eigenvalues above the 1e-5 threshold
 */
public record PowerLawFit(double alpha, double xmin, double ksDistance, double sigma, int tailCount, int fittedCount) {

    /** Eigenvalues at or below this are dropped before fitting (WeightWatcher's {@code EVALS_THRESH}). */
    public static final double EVALS_THRESHOLD = 1e-5;

    /** Fits the eigenvalues {@code evals} (any order). Needs at least 2 eigenvalues above the threshold. */
    public static PowerLawFit fit(double[] evals) {
        double[] x = Arrays.stream(evals).filter(v -> v > EVALS_THRESHOLD).sorted().toArray();
        int n = x.length;
        if (n < 2) {
            throw new IllegalArgumentException("power-law fit needs at least 2 eigenvalues > " + EVALS_THRESHOLD
                    + ", got " + n);
        }
        double[] logs = new double[n];
        for (int i = 0; i < n; i++) {
            logs[i] = Math.log(x[i]);
        }
        double[] suffix = new double[n + 1];
        for (int i = n - 1; i >= 0; i--) {
            suffix[i] = suffix[i + 1] + logs[i];
        }
        int best = -1;
        double bestD = Double.POSITIVE_INFINITY;
        double bestAlpha = Double.NaN;
        for (int i = 0; i < n - 1; i++) {
            double cnt = n - i;
            double alpha = 1 + cnt / (suffix[i] - cnt * logs[i]);
            if (!Double.isFinite(alpha)) {
                continue; // a tail of equal eigenvalues has no exponent
            }
            double d = 1.0; // WWFit initialises D to 1 and leaves it there when α ≤ 1
            if (alpha > 1) {
                d = 0;
                for (int j = i; j < n; j++) {
                    double theo = 1 - Math.exp((1 - alpha) * (logs[j] - logs[i]));
                    double emp = (j - i) / cnt;
                    d = Math.max(d, Math.abs(theo - emp));
                }
            }
            if (d < bestD) { // argmin: first minimum wins, as numpy's argmin
                bestD = d;
                best = i;
                bestAlpha = alpha;
            }
        }
        if (best < 0) {
            throw new IllegalArgumentException("no power-law tail can be fitted: the " + n + " eigenvalues are equal");
        }
        int tail = n - best;
        return new PowerLawFit(bestAlpha, x[best], bestD, (bestAlpha - 1) / Math.sqrt(tail), tail, n);
    }
}
