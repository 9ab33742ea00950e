package org.trainingdynamics.dln;

/**
 * Configuration of the discrete-time DMFT solve (dmft.md §3) for gradient descent with step h on the mirror coordinate
 * (exact for GD with step h; h → 0 is gradient flow), with the notes' defaults: α = 0.5, P* = Bernoulli(0.1)×Rademacher,
 * σ = 0, s₀ = 0.1, β = u⊙u − v⊙v, h = 0.05, K = 201 grid points (t_k = kh, T = 10), N = 4000 samples, damping θ = 0.5,
 * at most 60 iterations with frozen samples, stop when max|ΔC_Δ| ≤ 10⁻³·max C_Δ(t,t), then 4 averaging passes.
 *
 * @param alpha            n/d
 * @param prior            teacher prior (stratified sampling)
 * @param sigma            label-noise standard deviation
 * @param s0               initialisation scale
 * @param parameterization network form (fixes β(A))
 * @param step             grid step h
 * @param gridPoints       K (times t_0 … t_{K−1})
 * @param samples          N Monte-Carlo samples of the effective process per pass
 * @param damping          θ in X ← θX + (1−θ)X_new
 * @param maxIterations    cap on damped fixed-point iterations
 * @param tolerance      stop when max|C_Δ,new − C_Δ| ≤ tolerance × max_k C_Δ(k,k)
 * @param averagingPasses  passes with the converged kernels held fixed and fresh samples; outputs are their mean
 * @param bundle           samples per response bundle (two float32 stores, memory ≈ 2·K²·bundle·4 bytes); 0 chooses
 *                         ≈ 128 MB
 * @param seed             seed (deterministic per seed)
 */
public record DmftConfig(double alpha, SparsePrior prior, double sigma, double s0, Parameterization parameterization,
                         double step, int gridPoints, int samples, double damping, int maxIterations,
                         double tolerance, int averagingPasses, int bundle, long seed) {

    /** Validates. */
    public DmftConfig {
        if (!(alpha > 0) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("DMFT config: alpha must be positive, got " + alpha);
        }
        if (prior == null || parameterization == null) {
            throw new IllegalArgumentException("DMFT config: prior and parameterization are required");
        }
        if (!(sigma >= 0) || !Double.isFinite(sigma) || !(s0 > 0) || !Double.isFinite(s0)) {
            throw new IllegalArgumentException("DMFT config: need sigma >= 0 and s0 > 0, got sigma=" + sigma
                    + " s0=" + s0);
        }
        if (!(step > 0) || !Double.isFinite(step)) {
            throw new IllegalArgumentException("DMFT config: step must be positive, got " + step);
        }
        if (gridPoints < 2 || gridPoints > 5000) {
            throw new IllegalArgumentException("DMFT config: grid points must be in [2, 5000], got " + gridPoints);
        }
        if (samples < 10) {
            throw new IllegalArgumentException("DMFT config: need >= 10 samples, got " + samples);
        }
        if (!(damping >= 0 && damping < 1)) {
            throw new IllegalArgumentException("DMFT config: damping must be in [0, 1), got " + damping);
        }
        if (maxIterations < 1 || averagingPasses < 1) {
            throw new IllegalArgumentException("DMFT config: need >= 1 iteration and >= 1 averaging pass");
        }
        if (!(tolerance > 0)) {
            throw new IllegalArgumentException("DMFT config: tolerance must be positive, got " + tolerance);
        }
        if (bundle < 0) {
            throw new IllegalArgumentException("DMFT config: bundle must be >= 0 (0 = automatic), got " + bundle);
        }
    }

    /** Builder with the notes' defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** γ = 2s₀². */
    public double gamma() {
        return Parameterization.gamma(s0);
    }

    /** Final grid time t_{K−1} = (K−1)h. */
    public double horizon() {
        return (gridPoints - 1) * step;
    }

    /** The bundle size actually used. */
    public int effectiveBundle() {
        int b = bundle > 0 ? bundle : (int) Math.max(16, 128e6 / (8.0 * gridPoints * gridPoints));
        // the per-bundle stores are indexed by int: K²·bundle < 2³¹
        b = (int) Math.min(b, (Integer.MAX_VALUE - 1L) / ((long) gridPoints * gridPoints));
        return Math.max(1, Math.min(b, samples));
    }

    /** A builder initialised from this config. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.alpha = alpha;
        b.prior = prior;
        b.sigma = sigma;
        b.s0 = s0;
        b.parameterization = parameterization;
        b.step = step;
        b.gridPoints = gridPoints;
        b.samples = samples;
        b.damping = damping;
        b.maxIterations = maxIterations;
        b.tolerance = tolerance;
        b.averagingPasses = averagingPasses;
        b.bundle = bundle;
        b.seed = seed;
        return b;
    }

    /** The finite-d simulation matching this solve (same α, prior, σ, s₀, parameterisation, h and horizon). */
    public DlnConfig.Builder simulation(int d) {
        return DlnConfig.builder().d(d).alpha(alpha).prior(prior).sigma(sigma).s0(s0).parameterization(parameterization)
                .integrator(DlnConfig.Integrator.MIRROR).step(step).horizon(horizon()).checkpoints(gridPoints);
    }

    /** Builder for {@link DmftConfig}. */
    public static final class Builder {
        private double alpha = 0.5;
        private SparsePrior prior = SparsePrior.bernoulliRademacher(0.1);
        private double sigma = 0;
        private double s0 = 0.1;
        private Parameterization parameterization = Parameterization.DIFF_SQUARES;
        private double step = 0.05;
        private int gridPoints = 201;
        private int samples = 4000;
        private double damping = 0.5;
        private int maxIterations = 60;
        private double tolerance = 1e-3;
        private int averagingPasses = 4;
        private int bundle;
        private long seed = 1;

        /** α = n/d. */
        public Builder alpha(double v) {
            alpha = v;
            return this;
        }

        /** Teacher prior. */
        public Builder prior(SparsePrior v) {
            prior = v;
            return this;
        }

        /** σ. */
        public Builder sigma(double v) {
            sigma = v;
            return this;
        }

        /** s₀. */
        public Builder s0(double v) {
            s0 = v;
            return this;
        }

        /** Sets s₀ from γ = 2s₀². */
        public Builder gamma(double g) {
            if (!(g > 0)) {
                throw new IllegalArgumentException("DMFT config: gamma must be positive, got " + g);
            }
            s0 = Math.sqrt(g / 2);
            return this;
        }

        /** Network form. */
        public Builder parameterization(Parameterization v) {
            parameterization = v;
            return this;
        }

        /** Step h. */
        public Builder step(double v) {
            step = v;
            return this;
        }

        /** K. */
        public Builder gridPoints(int v) {
            gridPoints = v;
            return this;
        }

        /** Sets K so that (K−1)h = T (call after {@link #step}). */
        public Builder horizon(double t) {
            gridPoints = (int) Math.round(t / step) + 1;
            return this;
        }

        /** N. */
        public Builder samples(int v) {
            samples = v;
            return this;
        }

        /** θ. */
        public Builder damping(double v) {
            damping = v;
            return this;
        }

        /** Iteration cap. */
        public Builder maxIterations(int v) {
            maxIterations = v;
            return this;
        }

        /** Relative stopping tolerance on max|ΔC_Δ|. */
        public Builder tolerance(double v) {
            tolerance = v;
            return this;
        }

        /** Averaging passes. */
        public Builder averagingPasses(int v) {
            averagingPasses = v;
            return this;
        }

        /** Response bundle size (0 = automatic). */
        public Builder bundle(int v) {
            bundle = v;
            return this;
        }

        /** Seed. */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** Builds and validates. */
        public DmftConfig build() {
            return new DmftConfig(alpha, prior, sigma, s0, parameterization, step, gridPoints, samples, damping,
                    maxIterations, tolerance, averagingPasses, bundle, seed);
        }
    }
}
