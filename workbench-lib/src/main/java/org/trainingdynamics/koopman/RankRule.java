package org.trainingdynamics.koopman;

import java.util.Arrays;

/**
 * How many singular directions of the snapshot matrix X (n × m) an SVD-based DMD keeps, with PyDMD's
 * semantics ({@code svd_rank}: int = fixed, float in (0,1) = energy, 0 = optimal hard threshold, -1 = full).
 */
public sealed interface RankRule {

    /** The rank for singular values {@code sigma} (descending, all {@code min(rows, cols)} of them) of a rows×cols X. */
    int rank(double[] sigma, long rows, long cols);

    /** A fixed rank k (capped at the number of singular values), PyDMD {@code svd_rank=k}. */
    static RankRule fixed(int k) {
        return new Fixed(k);
    }

    /**
     * The smallest rank holding a fraction {@code f} of the energy Σσ², PyDMD {@code svd_rank=f}:
     * {@code searchsorted(cumsum(σ²)/Σσ², f) + 1}.
     */
    static RankRule energy(double f) {
        return new Energy(f);
    }

    /**
     * Gavish–Donoho optimal hard threshold for unknown noise (IEEE Trans. Inf. Theory 2014, eq. 5 with the
     * polynomial approximation of ω(β)): keep σ &gt; ω(β)·median(σ), ω(β) = 0.56β³ − 0.95β² + 1.82β + 1.43,
     * β = min(n,m)/max(n,m); at least 1 (PyDMD {@code svd_rank=0}).
     */
    static RankRule optimalThreshold() {
        return new OptimalThreshold();
    }

    /** Every singular direction (PyDMD {@code svd_rank=-1}). */
    static RankRule full() {
        return new Full();
    }

    /** Fixed rank. */
    record Fixed(int k) implements RankRule {
        public Fixed {
            if (k < 1) {
                throw new IllegalArgumentException("rank must be >= 1, got " + k);
            }
        }

        @Override
        public int rank(double[] sigma, long rows, long cols) {
            return Math.min(k, sigma.length);
        }
    }

    /** Energy fraction. */
    record Energy(double fraction) implements RankRule {
        public Energy {
            if (!(fraction > 0 && fraction < 1)) {
                throw new IllegalArgumentException("energy fraction must be in (0, 1), got " + fraction);
            }
        }

        @Override
        public int rank(double[] sigma, long rows, long cols) {
            double total = 0;
            for (double s : sigma) {
                total += s * s;
            }
            double cum = 0;
            for (int i = 0; i < sigma.length; i++) {
                cum += sigma[i] * sigma[i] / total;
                if (cum >= fraction) {
                    return i + 1;
                }
            }
            return sigma.length;
        }
    }

    /** Optimal hard threshold (unknown noise level). */
    record OptimalThreshold() implements RankRule {
        @Override
        public int rank(double[] sigma, long rows, long cols) {
            double beta = (double) Math.min(rows, cols) / Math.max(rows, cols);
            double omega = 0.56 * beta * beta * beta - 0.95 * beta * beta + 1.82 * beta + 1.43;
            double[] s = sigma.clone();
            Arrays.sort(s);
            int n = s.length;
            double median = n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
            double tau = omega * median;
            int k = 0;
            for (double v : sigma) {
                if (v > tau) {
                    k++;
                }
            }
            return Math.max(k, 1);
        }
    }

    /** Full rank. */
    record Full() implements RankRule {
        @Override
        public int rank(double[] sigma, long rows, long cols) {
            return sigma.length;
        }
    }
}
