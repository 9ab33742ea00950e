package org.trainingdynamics.koopman;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A calibrated test of whether two training conditions have the same Koopman spectrum — the operational
 * consequence of topological conjugacy (Redman et al. 2024, §3: conjugate ⇒ equal eigenvalues; different
 * eigenvalues ⇒ not conjugate).
 *
 * <p>The paper's "randomized shuffle control" swaps matched eigenvalues between the two sets; the original
 * matching stays feasible with the same cost, so W_shuffle ≤ W_true always and the reported fraction only counts
 * ties (research/koopman.md §1.4). Here instead, each condition contributes several independent runs (seeds),
 * one spectrum per run:
 * <ul>
 *   <li>statistic: W̄_AB, the mean spectral distance over all cross-condition pairs of runs;</li>
 *   <li>null: the within-condition distances between independent runs (the paper's appendix histogram), reported
 *       as mean, sd and 95th percentile, with the ratio W̄_AB / W̄_within;</li>
 *   <li>p-value: a permutation test on run labels — pool the runs, relabel them at random (all relabelings when
 *       there are few), recompute W̄ across the new labels; p = P(W̄_perm ≥ W̄_obs);</li>
 *   <li>decision: NOT_CONJUGATE if p &lt; α; CONSISTENT_WITH_CONJUGACY otherwise; INCONCLUSIVE when the smallest
 *       attainable p exceeds α (too few runs).</li>
 * </ul>
 * Optional bootstrap intervals on each condition's eigenvalues come from {@link EigenvalueBootstrap}.
 */
public final class ConjugacyTest {
    /** Outcome of the test. */
    public enum Decision { NOT_CONJUGATE, CONSISTENT_WITH_CONJUGACY, INCONCLUSIVE }

    private final int permutations;
    private final double alpha;
    private final long seed;
    private final SpectralDistance.Ground ground;
    private final int bootstrap;

    private ConjugacyTest(Builder b) {
        this.permutations = b.permutations;
        this.alpha = b.alpha;
        this.seed = b.seed;
        this.ground = b.ground;
        this.bootstrap = b.bootstrap;
    }

    /** Defaults: 9,999 permutations (or all relabelings if fewer), α = 0.05, seed 1, Euclidean ground metric. */
    public static Builder builder() {
        return new Builder();
    }

    /** Tests runs of condition A against runs of condition B, one spectrum per run. */
    public ConjugacyResult test(List<KoopmanSpectrum> a, List<KoopmanSpectrum> b) {
        return test(a, b, Optional.empty(), Optional.empty());
    }

    /**
     * Fits one spectrum per run with {@code dmd} (each element of {@code a}/{@code b} is one run: one or more
     * trajectories), tests them, and — when bootstrap replicates were requested — attaches bootstrap intervals on
     * each condition's eigenvalues (resampling that condition's trajectories, all runs pooled).
     */
    public ConjugacyResult compare(Dmd dmd, List<Snapshots> a, List<Snapshots> b) {
        List<KoopmanSpectrum> sa = new ArrayList<>();
        List<KoopmanSpectrum> sb = new ArrayList<>();
        for (Snapshots s : a) {
            sa.add(dmd.fit(s).spectrum());
        }
        for (Snapshots s : b) {
            sb.add(dmd.fit(s).spectrum());
        }
        Optional<BootstrapIntervals> ba = Optional.empty();
        Optional<BootstrapIntervals> bb = Optional.empty();
        if (bootstrap > 0) {
            ba = Optional.of(EigenvalueBootstrap.intervals(dmd, pool(a), bootstrap, seed, 0.95));
            bb = Optional.of(EigenvalueBootstrap.intervals(dmd, pool(b), bootstrap, seed + 1, 0.95));
        }
        return test(sa, sb, ba, bb);
    }

    private static Snapshots pool(List<Snapshots> l) {
        List<org.trainingdynamics.trajectory.Trajectory> runs = new ArrayList<>();
        for (Snapshots s : l) {
            runs.addAll(s.runs());
        }
        return Snapshots.of(runs);
    }

    private ConjugacyResult test(List<KoopmanSpectrum> a, List<KoopmanSpectrum> b, Optional<BootstrapIntervals> ba,
                                 Optional<BootstrapIntervals> bb) {
        int na = a.size();
        int nb = b.size();
        if (na < 1 || nb < 1) {
            throw new IllegalArgumentException("each condition needs at least one run; got " + na + " and " + nb);
        }
        int n = na + nb;
        List<KoopmanSpectrum> all = new ArrayList<>(a);
        all.addAll(b);
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                d[i][j] = SpectralDistance.wasserstein(all.get(i), all.get(j), ground);
                d[j][i] = d[i][j];
            }
        }
        boolean[] labelA = new boolean[n];
        for (int i = 0; i < na; i++) {
            labelA[i] = true;
        }
        double obs = crossMean(d, labelA);
        double[] cross = new double[na * nb];
        for (int i = 0; i < na; i++) {
            for (int j = 0; j < nb; j++) {
                cross[i * nb + j] = d[i][na + j];
            }
        }
        double[] withinA = within(d, 0, na);
        double[] withinB = within(d, na, n);
        double[] within = concat(withinA, withinB);
        double total = binomial(n, na);
        int count = 0;
        int done = 0;
        boolean exact = total <= permutations;
        double tol = 1e-12 * Math.max(obs, 1e-300);
        if (exact) {
            int[] comb = new int[na];
            for (int i = 0; i < na; i++) {
                comb[i] = i;
            }
            while (true) {
                boolean[] lab = new boolean[n];
                for (int c : comb) {
                    lab[c] = true;
                }
                if (crossMean(d, lab) >= obs - tol) {
                    count++;
                }
                done++;
                int i = na - 1;
                while (i >= 0 && comb[i] == n - na + i) {
                    i--;
                }
                if (i < 0) {
                    break;
                }
                comb[i]++;
                for (int j = i + 1; j < na; j++) {
                    comb[j] = comb[j - 1] + 1;
                }
            }
        } else {
            SplittableRandom rnd = new SplittableRandom(seed);
            int[] idx = new int[n];
            for (int p = 0; p < permutations; p++) {
                for (int i = 0; i < n; i++) {
                    idx[i] = i;
                }
                for (int i = n - 1; i > 0; i--) {
                    int j = rnd.nextInt(i + 1);
                    int t = idx[i];
                    idx[i] = idx[j];
                    idx[j] = t;
                }
                boolean[] lab = new boolean[n];
                for (int i = 0; i < na; i++) {
                    lab[idx[i]] = true;
                }
                if (crossMean(d, lab) >= obs - tol) {
                    count++;
                }
                done++;
            }
        }
        double p = exact ? (double) count / done : (count + 1.0) / (done + 1.0);
        // labels A and B may be swapped without changing the statistic when na == nb
        double minP = exact ? (na == nb ? 2.0 / total : 1.0 / total) : 1.0 / (done + 1.0);
        Decision decision;
        if (minP > alpha) {
            decision = Decision.INCONCLUSIVE;
        } else {
            decision = p < alpha ? Decision.NOT_CONJUGATE : Decision.CONSISTENT_WITH_CONJUGACY;
        }
        List<String> assumptions = List.of(
                "runs within a condition are independent draws (different seeds) and exchangeable under H0",
                "both conditions use the same observables, delay depth, rank rule and DMD variant",
                "ground metric: " + ground + " (1-Wasserstein between uniform eigenvalue measures)",
                "H0: equal distributions of spectra across conditions; p < alpha rejects conjugacy; "
                        + "p >= alpha is consistent with, not proof of, conjugacy",
                "a finite-rank DMD spectrum approximates the Koopman spectrum on the span of the observables only",
                exact ? "p-value exact over all " + (long) total + " relabelings"
                        : "p-value from " + done + " random relabelings, (1 + #{W_perm >= W_obs}) / (1 + P)");
        return new ConjugacyResult(obs, cross, withinA, withinB, SeedPairedDistances.mean(within.length > 0 ? within : new double[]{Double.NaN}),
                within.length > 1 ? sampleSd(within) : 0, within.length > 0 ? quantile(within, 0.95) : 0, p, minP, done, exact,
                alpha, decision, assumptions, ground, a, b, ba, bb);
    }

    private static double crossMean(double[][] d, boolean[] lab) {
        double s = 0;
        int c = 0;
        for (int i = 0; i < lab.length; i++) {
            if (!lab[i]) {
                continue;
            }
            for (int j = 0; j < lab.length; j++) {
                if (!lab[j]) {
                    s += d[i][j];
                    c++;
                }
            }
        }
        return s / c;
    }

    private static double[] within(double[][] d, int from, int to) {
        List<Double> l = new ArrayList<>();
        for (int i = from; i < to; i++) {
            for (int j = i + 1; j < to; j++) {
                l.add(d[i][j]);
            }
        }
        return l.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double[] concat(double[] x, double[] y) {
        double[] o = java.util.Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, o, x.length, y.length);
        return o;
    }

    static double binomial(int n, int k) {
        double r = 1;
        for (int i = 1; i <= k; i++) {
            r = r * (n - k + i) / i;
        }
        return Math.round(r);
    }

    static double sampleSd(double[] v) {
        double m = SeedPairedDistances.mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }

    /** Linear-interpolated quantile (NumPy's default). */
    static double quantile(double[] v, double q) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, s.length - 1);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }

    /** Builder. */
    public static final class Builder {
        private int permutations = 9999;
        private double alpha = 0.05;
        private long seed = 1;
        private SpectralDistance.Ground ground = SpectralDistance.Ground.EUCLIDEAN;
        private int bootstrap = 0;

        /** Random relabelings when enumerating all is more expensive (default 9,999). */
        public Builder permutations(int p) {
            if (p < 1) {
                throw new IllegalArgumentException("permutations must be >= 1, got " + p);
            }
            this.permutations = p;
            return this;
        }

        /** Significance level (default 0.05). */
        public Builder alpha(double a) {
            if (!(a > 0 && a < 1)) {
                throw new IllegalArgumentException("alpha must be in (0, 1), got " + a);
            }
            this.alpha = a;
            return this;
        }

        /** Seed of the permutation and bootstrap streams. */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** Ground metric (default Euclidean, the paper's). */
        public Builder ground(SpectralDistance.Ground g) {
            this.ground = java.util.Objects.requireNonNull(g, "ground");
            return this;
        }

        /** Bootstrap replicates for eigenvalue intervals in {@link #compare} (default 0 = none). */
        public Builder bootstrap(int reps) {
            if (reps < 0) {
                throw new IllegalArgumentException("bootstrap replicates must be >= 0, got " + reps);
            }
            this.bootstrap = reps;
            return this;
        }

        /** The test. */
        public ConjugacyTest build() {
            return new ConjugacyTest(this);
        }
    }
}
