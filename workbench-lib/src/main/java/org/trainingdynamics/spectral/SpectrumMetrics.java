package org.trainingdynamics.spectral;

import java.util.Arrays;

/**
 * Scalar summaries of one matrix's singular values σ₁ ≥ … ≥ σ_r (Yunis et al. 2024, §1 of the research note;
 * {@code evaluate_run.py}), computed on σ exactly as given (the released code's in-place {@code +1e-10} on σ
 * is not copied). An all-zero spectrum has every rank and the Gini defined as 0.
 */
public final class SpectrumMetrics {

    private SpectrumMetrics() {
    }

    /**
     * Normalised effective rank (Roy &amp; Vetterli 2007): {@code exp(−Σ p_i ln p_i) / r} with
     * {@code p_i = σ_i / Σσ_j}; in (0, 1].
     */
    public static double effectiveRank(double[] s) {
        double sum = sum(s);
        if (sum == 0) {
            return 0;
        }
        double h = 0;
        for (double x : s) {
            if (x > 0) {
                double p = x / sum;
                h -= p * Math.log(p);
            }
        }
        return Math.exp(h) / s.length;
    }

    /** Count rank: {@code min{k : Σ_{i≤k} p_i > 0.9} / r} with {@code p_i = σ_i / Σσ_j} (on σ, not σ²). */
    public static double countRank(double[] s) {
        double sum = sum(s);
        if (sum == 0) {
            return 0;
        }
        double acc = 0;
        for (int i = 0; i < s.length; i++) {
            acc += s[i] / sum;
            if (acc > 0.9) {
                return (i + 1) / (double) s.length;
            }
        }
        return 1;
    }

    /** Normalised stable (ratio) rank: {@code (Σσ_i² / σ₁²) / r}. */
    public static double stableRank(double[] s) {
        double max = max(s);
        if (max == 0) {
            return 0;
        }
        double f = 0;
        for (double x : s) {
            f += x * x;
        }
        return f / (max * max) / s.length;
    }

    /** Gini coefficient of σ: {@code Σ_iΣ_j |σ_i − σ_j| / (2 r² mean σ)}. */
    public static double gini(double[] s) {
        double sum = sum(s);
        if (sum == 0) {
            return 0;
        }
        double[] a = s.clone();
        Arrays.sort(a);
        int r = a.length;
        double acc = 0;
        for (int i = 0; i < r; i++) {
            acc += (2.0 * i - r + 1) * a[i];
        }
        // Σ_iΣ_j|a_i − a_j| = 2 Σ_i (2i − r + 1) a_(i);  2 r² mean = 2 r sum
        return 2 * acc / (2.0 * r * sum);
    }

    /** Spectral norm σ₁. */
    public static double spectralNorm(double[] s) {
        return max(s);
    }

    /** Frobenius norm {@code sqrt(Σσ_i²)}. */
    public static double frobeniusNorm(double[] s) {
        double f = 0;
        for (double x : s) {
            f += x * x;
        }
        return Math.sqrt(f);
    }

    /** Nuclear norm {@code Σσ_i}. */
    public static double nuclearNorm(double[] s) {
        return sum(s);
    }

    static double sum(double[] s) {
        double t = 0;
        for (double x : s) {
            t += x;
        }
        return t;
    }

    static double max(double[] s) {
        double m = 0;
        for (double x : s) {
            m = Math.max(m, x);
        }
        return m;
    }
}
