package org.trainingdynamics.hmm;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How to fit a {@link GaussianHmm} by EM: hmmlearn 0.3.3's {@code GaussianHMM} arguments with the paper's choices
 * as defaults (Hu et al. 2023, {@code model_selection.py}: full covariance, 32 iterations, tol 1e-2, every other
 * argument at hmmlearn's default), plus seeded restarts.
 *
 * <p>{@code params} names the parameters EM updates and {@code initParams} those initialised from the data
 * ({@code s} start, {@code t} transitions, {@code m} means, {@code c} covariances). Without {@link
 * Builder#init given parameters} everything is initialised: start and transition rows ~ Dirichlet(1/K)
 * (hmmlearn &ge; 0.2.8), means by k-means++ with {@code kmeansInits} runs, covariances {@code cov(X) + minCovar I}
 * ({@code minCovar} is used only there). With given parameters, {@code initParams} defaults to {@code ""}.
 *
 * <p>Each of {@code restarts} runs is initialised from its own seeded stream; the fit with the highest final
 * training log-likelihood is kept.
 */
public final class HmmConfig {
    private final int states;
    private final CovarianceType covarianceType;
    private final int iterations;
    private final double tol;
    private final double minCovar;
    private final double covarsPrior;
    private final double covarsWeight;
    private final double meansPrior;
    private final double meansWeight;
    private final double startprobPrior;
    private final double transmatPrior;
    private final String params;
    private final String initParams;
    private final HmmParameters init;
    private final int restarts;
    private final long seed;
    private final int kmeansInits;
    private final double covarianceRidge;
    private final boolean dirichletInit;

    private HmmConfig(Builder b) {
        this.states = b.states;
        this.covarianceType = b.covarianceType;
        this.iterations = b.iterations;
        this.tol = b.tol;
        this.minCovar = b.minCovar;
        this.covarsPrior = b.covarsPrior;
        this.covarsWeight = b.covarsWeight;
        this.meansPrior = b.meansPrior;
        this.meansWeight = b.meansWeight;
        this.startprobPrior = b.startprobPrior;
        this.transmatPrior = b.transmatPrior;
        this.params = b.params;
        this.initParams = b.initParams != null ? b.initParams : (b.init != null ? "" : "stmc");
        this.init = b.init;
        this.restarts = b.restarts;
        this.seed = b.seed;
        this.kmeansInits = b.kmeansInits;
        this.covarianceRidge = b.covarianceRidge;
        this.dirichletInit = b.dirichletInit;
    }

    /** A builder with the paper's defaults; {@code states} must be set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.states = states;
        b.covarianceType = covarianceType;
        b.iterations = iterations;
        b.tol = tol;
        b.minCovar = minCovar;
        b.covarsPrior = covarsPrior;
        b.covarsWeight = covarsWeight;
        b.meansPrior = meansPrior;
        b.meansWeight = meansWeight;
        b.startprobPrior = startprobPrior;
        b.transmatPrior = transmatPrior;
        b.params = params;
        b.initParams = initParams;
        b.init = init;
        b.restarts = restarts;
        b.seed = seed;
        b.kmeansInits = kmeansInits;
        b.covarianceRidge = covarianceRidge;
        b.dirichletInit = dirichletInit;
        return b;
    }

    /**
     * Fits by EM with {@code restarts} seeded initialisations and returns the best. Throws {@link
     * IllegalArgumentException} for data that cannot be fitted (more states than frames, wrong feature count) and
     * {@link IllegalStateException} naming the degenerate features when a full/tied covariance becomes singular.
     * Full and tied fits first check the data: constant features, or features that are linear combinations of
     * others, are rejected up front (unless {@code covarianceRidge > 0}) because every state's covariance would be
     * singular.
     */
    public HmmFit fit(Sequences x) {
        return fit(x, true);
    }

    /** Fits with or without a progress display (nested fits, e.g. in model selection, report nothing). */
    HmmFit fit(Sequences x, boolean showProgress) {
        if (states > x.frames()) {
            throw new IllegalArgumentException(states + " states but only " + x.frames() + " frames");
        }
        if (init != null && (init.states() != states || init.features() != x.features())) {
            throw new IllegalArgumentException("initial parameters have " + init.states() + " states and "
                    + init.features() + " features; config has " + states + " states, data " + x.features() + " features");
        }
        if (init != null && initParams.indexOf('c') < 0) {
            GaussianHmm.of(covarianceType, init); // throws IllegalArgumentException for a non-positive-definite covariance
        }
        if ((covarianceType == CovarianceType.FULL || covarianceType == CovarianceType.TIED) && covarianceRidge == 0) {
            Degeneracy.Report deg = Degeneracy.analyse(x);
            if (deg.degenerate()) {
                throw new IllegalArgumentException("the data have " + deg + ": " + covarianceType.label()
                        + " covariances would be singular; drop those features, use diag covariance, or set "
                        + "covarianceRidge > 0");
            }
        }
        boolean random = init == null || !initParams.isEmpty();
        int runs = random ? restarts : 1;
        SplittableRandom root = new SplittableRandom(seed);
        ExpectationMaximization em = new ExpectationMaximization(this);
        double[] scores = new double[runs];
        ExpectationMaximization.Result best = null;
        int bestIdx = -1;
        List<String> failures = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            SplittableRandom rng = root.split();
            try {
                HmmParameters p0 = ExpectationMaximization.initialise(this, x, init, rng);
                ExpectationMaximization.Result res = em.run(x, p0, showProgress);
                scores[r] = res.model().score(x);
                if (best == null || scores[r] > scores[bestIdx]) {
                    best = res;
                    bestIdx = r;
                }
            } catch (Emissions.NonPositiveDefiniteException e) {
                scores[r] = Double.NaN;
                failures.add("restart " + r + ": " + e.getMessage());
            }
        }
        if (best == null) {
            throw new IllegalStateException("every restart failed: " + failures.get(0) + Degeneracy.describe(x));
        }
        return new HmmFit(best.model(), best.history(), best.objective(), best.iterations(), best.converged(), scores,
                bestIdx);
    }

    /** Number of states K. */
    public int states() {
        return states;
    }

    /** Covariance structure. */
    public CovarianceType covarianceType() {
        return covarianceType;
    }

    /** Maximum number of EM iterations ({@code n_iter}). */
    public int iterations() {
        return iterations;
    }

    /** Stop when the E-step log-likelihood gains less than this. */
    public double tol() {
        return tol;
    }

    /** Added to the diagonal of the initial covariances only. */
    public double minCovar() {
        return minCovar;
    }

    /** hmmlearn's {@code covars_prior}; added to every entry of full/tied covariance numerators. */
    public double covarsPrior() {
        return covarsPrior;
    }

    /** hmmlearn's {@code covars_weight}. */
    public double covarsWeight() {
        return covarsWeight;
    }

    /** hmmlearn's {@code means_prior}. */
    public double meansPrior() {
        return meansPrior;
    }

    /** hmmlearn's {@code means_weight}. */
    public double meansWeight() {
        return meansWeight;
    }

    /** Dirichlet concentration of the start-probability prior. */
    public double startprobPrior() {
        return startprobPrior;
    }

    /** Dirichlet concentration of each transition row's prior. */
    public double transmatPrior() {
        return transmatPrior;
    }

    /** Parameters updated by EM. */
    public String params() {
        return params;
    }

    /** Parameters initialised from the data. */
    public String initParams() {
        return initParams;
    }

    /** Number of seeded restarts. */
    public int restarts() {
        return restarts;
    }

    /** Seed of the restarts' random streams. */
    public long seed() {
        return seed;
    }

    /** k-means runs per initialisation. */
    public int kmeansInits() {
        return kmeansInits;
    }

    /** Extra diagonal added to every covariance at initialisation and after every M-step (0 = hmmlearn). */
    public double covarianceRidge() {
        return covarianceRidge;
    }

    /** Dirichlet(1/K) start/transition initialisation (hmmlearn) rather than uniform. */
    public boolean dirichletInit() {
        return dirichletInit;
    }

    /** Builder with the paper's defaults. */
    public static final class Builder {
        private int states = -1;
        private CovarianceType covarianceType = CovarianceType.FULL;
        private int iterations = 32;
        private double tol = 1e-2;
        private double minCovar = 1e-3;
        private double covarsPrior = 1e-2;
        private double covarsWeight = 1;
        private double meansPrior = 0;
        private double meansWeight = 0;
        private double startprobPrior = 1;
        private double transmatPrior = 1;
        private String params = "stmc";
        private String initParams;
        private HmmParameters init;
        private int restarts = 1;
        private long seed = 0;
        private int kmeansInits = 10;
        private double covarianceRidge = 0;
        private boolean dirichletInit = true;

        private Builder() {
        }

        /** Number of hidden states K (required, &ge; 1). */
        public Builder states(int k) {
            this.states = k;
            return this;
        }

        /** Covariance structure (default full, as the paper). */
        public Builder covariance(CovarianceType t) {
            this.covarianceType = t;
            return this;
        }

        /** Maximum EM iterations (default 32, the paper's README). */
        public Builder iterations(int n) {
            this.iterations = n;
            return this;
        }

        /** Convergence threshold on the log-likelihood gain (default 1e-2; -infinity: always run every iteration). */
        public Builder tol(double t) {
            this.tol = t;
            return this;
        }

        /** Diagonal added to the initial covariances (default 1e-3). */
        public Builder minCovar(double v) {
            this.minCovar = v;
            return this;
        }

        /** hmmlearn's {@code covars_prior} (default 1e-2). */
        public Builder covarsPrior(double v) {
            this.covarsPrior = v;
            return this;
        }

        /** hmmlearn's {@code covars_weight} (default 1). */
        public Builder covarsWeight(double v) {
            this.covarsWeight = v;
            return this;
        }

        /** hmmlearn's {@code means_prior} and {@code means_weight} (defaults 0, 0). */
        public Builder meansPrior(double prior, double weight) {
            this.meansPrior = prior;
            this.meansWeight = weight;
            return this;
        }

        /** Dirichlet priors of start and transition probabilities (defaults 1, 1: maximum likelihood). */
        public Builder probabilityPriors(double startprob, double transmat) {
            this.startprobPrior = startprob;
            this.transmatPrior = transmat;
            return this;
        }

        /** Parameters EM updates, a subset of {@code "stmc"} (default all). */
        public Builder params(String p) {
            this.params = p;
            return this;
        }

        /** Parameters initialised from data, a subset of {@code "stmc"}. */
        public Builder initParams(String p) {
            this.initParams = p;
            return this;
        }

        /** Given initial parameters (then {@code initParams} defaults to {@code ""}). */
        public Builder init(HmmParameters p) {
            this.init = p;
            return this;
        }

        /** Seeded restarts, best kept (default 1). */
        public Builder restarts(int r) {
            this.restarts = r;
            return this;
        }

        /** Seed (default 0). */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** k-means runs per initialisation (default 10, hmmlearn's {@code n_init}). */
        public Builder kmeansInits(int n) {
            this.kmeansInits = n;
            return this;
        }

        /**
         * Extra diagonal for every covariance (default 0, hmmlearn's behaviour). A documented regularisation for
         * constant or collinear features, which otherwise make full/tied covariances singular.
         */
        public Builder covarianceRidge(double r) {
            this.covarianceRidge = r;
            return this;
        }

        /** Dirichlet(1/K) (default, hmmlearn) or uniform initial start/transition probabilities. */
        public Builder dirichletInit(boolean b) {
            this.dirichletInit = b;
            return this;
        }

        /** Validates and builds. */
        public HmmConfig build() {
            if (states < 1) {
                throw new IllegalArgumentException("states must be >= 1, got " + states);
            }
            if (covarianceType == null) {
                throw new IllegalArgumentException("covariance type is required");
            }
            if (iterations < 1) {
                throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
            }
            if (Double.isNaN(tol)) {
                throw new IllegalArgumentException("tol is NaN");
            }
            if (restarts < 1) {
                throw new IllegalArgumentException("restarts must be >= 1, got " + restarts);
            }
            if (kmeansInits < 1) {
                throw new IllegalArgumentException("kmeansInits must be >= 1, got " + kmeansInits);
            }
            for (double v : new double[]{minCovar, covarsPrior, covarianceRidge, meansWeight}) {
                if (!(v >= 0) || !Double.isFinite(v)) {
                    throw new IllegalArgumentException("minCovar, covarsPrior, covarianceRidge and meansWeight must be "
                            + "finite and >= 0");
                }
            }
            if (!(startprobPrior > 0) || !(transmatPrior > 0) || !Double.isFinite(covarsWeight)) {
                throw new IllegalArgumentException("priors must be positive and finite");
            }
            checkLetters("params", params);
            if (initParams != null) {
                checkLetters("initParams", initParams);
                if (init == null && !initParams.equals("stmc") && !initParams.isEmpty()) {
                    // hmmlearn initialises missing attributes anyway; we require them given
                    throw new IllegalArgumentException("initParams '" + initParams + "' leaves parameters "
                            + "uninitialised: give init(...) too");
                }
                if (init == null && initParams.isEmpty()) {
                    throw new IllegalArgumentException("initParams is empty but no initial parameters were given");
                }
            }
            return new HmmConfig(this);
        }

        private static void checkLetters(String what, String s) {
            if (s == null || !s.chars().allMatch(c -> "stmc".indexOf(c) >= 0)) {
                throw new IllegalArgumentException(what + " must be letters from \"stmc\", got '" + s + "'");
            }
        }
    }
}
