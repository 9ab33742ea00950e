package org.trainingdynamics.dln;

/**
 * Configuration of a finite-d DLN gradient-flow run (dmft.md §1), with the notes' defaults: d = 1000, α = n/d = 0.5,
 * P* = Bernoulli(0.1)×Rademacher, σ = 0, s₀ = 0.1 (γ = 2s₀² = 0.02), β = u⊙u − v⊙v, step h = 0.05, horizon T = 10,
 * 101 checkpoints, seed 1.
 *
 * <p>Time is the gradient-flow time of L = ½‖y − Xβ‖² (a sum over samples) with X_{μi} ~ N(0, 1/d), so t = O(1)
 * as d → ∞. The flow is integrated by {@code round(T/h)} gradient-descent steps of size h, either on the mirror
 * coordinate A ({@link Integrator#MIRROR}: the exact reduction of dmft.md §1, the same discretisation as the
 * discrete-time DMFT) or on the parameters (u, v) themselves ({@link Integrator#PARAMETERS}). Both converge to the
 * gradient flow as h → 0; stability needs h·β′_max·(1+√α)² &lt; 2, and ≲ 0.3 for a faithful flow (dmft.md §3).
 *
 * @param d                 dimension
 * @param alpha             n/d
 * @param prior             teacher prior (fixed-count sampling)
 * @param sigma             label-noise standard deviation
 * @param s0                initialisation scale
 * @param parameterization  network form
 * @param integrator        what gradient descent acts on
 * @param step              step size h
 * @param horizon           final time T
 * @param checkpoints       number of recorded checkpoints (uniform in time, including t = 0 and t = T)
 * @param seed              seed of data, teacher and noise (deterministic per seed)
 * @param supportThreshold  |β_i| above which coordinate i counts as active (support recovery)
 * @param recordParameters  whether the trajectory also holds u and v (else only β)
 */
public record DlnConfig(int d, double alpha, SparsePrior prior, double sigma, double s0,
                        Parameterization parameterization, Integrator integrator, double step, double horizon,
                        int checkpoints, long seed, double supportThreshold, boolean recordParameters) {

    /** What small-step gradient descent is applied to. */
    public enum Integrator {
        /** GD on A: A ← A + h·Xᵀ(y − Xβ(A)) (exact reduction; the discrete-time DMFT's scheme). */
        MIRROR,
        /** GD on (u, v): u ← u + h·∂β/∂u·a, v ← v + h·∂β/∂v·a. */
        PARAMETERS
    }

    /** Validates. */
    public DlnConfig {
        if (d < 2) {
            throw new IllegalArgumentException("DLN config: d must be >= 2, got " + d);
        }
        if (!(alpha > 0) || !Double.isFinite(alpha) || Math.round(alpha * d) < 1) {
            throw new IllegalArgumentException("DLN config: alpha must be positive with n = round(alpha*d) >= 1, got "
                    + alpha);
        }
        if (prior == null || parameterization == null || integrator == null) {
            throw new IllegalArgumentException("DLN config: prior, parameterization and integrator are required");
        }
        if (!(sigma >= 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("DLN config: sigma must be finite and >= 0, got " + sigma);
        }
        if (!(s0 > 0) || !Double.isFinite(s0)) {
            throw new IllegalArgumentException("DLN config: s0 must be positive, got " + s0);
        }
        if (!(step > 0) || !Double.isFinite(step) || !(horizon > 0) || !Double.isFinite(horizon)) {
            throw new IllegalArgumentException("DLN config: step and horizon must be positive, got h=" + step
                    + " T=" + horizon);
        }
        if (horizon / step > 5e7) {
            throw new IllegalArgumentException("DLN config: T/h = " + horizon / step + " steps is too many");
        }
        if (checkpoints < 2) {
            throw new IllegalArgumentException("DLN config: need >= 2 checkpoints, got " + checkpoints);
        }
        if (!(supportThreshold > 0)) {
            throw new IllegalArgumentException("DLN config: supportThreshold must be positive, got " + supportThreshold);
        }
    }

    /** Builder with the notes' defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder initialised from this config. */
    public Builder toBuilder() {
        return new Builder().d(d).alpha(alpha).prior(prior).sigma(sigma).s0(s0).parameterization(parameterization)
                .integrator(integrator).step(step).horizon(horizon).checkpoints(checkpoints).seed(seed)
                .supportThreshold(supportThreshold).recordParameters(recordParameters);
    }

    /** Number of samples n = round(αd). */
    public int n() {
        return (int) Math.round(alpha * d);
    }

    /** Number of GD steps round(T/h). */
    public int steps() {
        return Math.max(1, (int) Math.round(horizon / step));
    }

    /** γ = 2s₀². */
    public double gamma() {
        return Parameterization.gamma(s0);
    }

    /** The GD step index of checkpoint j. */
    public int checkpointStep(int j) {
        return (int) Math.round((double) j * steps() / (checkpoints - 1));
    }

    /** Builder for {@link DlnConfig}. */
    public static final class Builder {
        private int d = 1000;
        private double alpha = 0.5;
        private SparsePrior prior = SparsePrior.bernoulliRademacher(0.1);
        private double sigma = 0;
        private double s0 = 0.1;
        private Parameterization parameterization = Parameterization.DIFF_SQUARES;
        private Integrator integrator = Integrator.MIRROR;
        private double step = 0.05;
        private double horizon = 10;
        private int checkpoints = 101;
        private long seed = 1;
        private double supportThreshold = 0.1;
        private boolean recordParameters;

        /** Dimension d. */
        public Builder d(int v) {
            d = v;
            return this;
        }

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

        /** Label-noise standard deviation σ. */
        public Builder sigma(double v) {
            sigma = v;
            return this;
        }

        /** Initialisation scale s₀ (γ = 2s₀²). */
        public Builder s0(double v) {
            s0 = v;
            return this;
        }

        /** Sets s₀ from γ = 2s₀². */
        public Builder gamma(double g) {
            if (!(g > 0)) {
                throw new IllegalArgumentException("DLN config: gamma must be positive, got " + g);
            }
            s0 = Math.sqrt(g / 2);
            return this;
        }

        /** Network form. */
        public Builder parameterization(Parameterization v) {
            parameterization = v;
            return this;
        }

        /** What GD acts on. */
        public Builder integrator(Integrator v) {
            integrator = v;
            return this;
        }

        /** Step size h. */
        public Builder step(double v) {
            step = v;
            return this;
        }

        /** Horizon T. */
        public Builder horizon(double v) {
            horizon = v;
            return this;
        }

        /** Number of checkpoints. */
        public Builder checkpoints(int v) {
            checkpoints = v;
            return this;
        }

        /** Seed. */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** Support threshold. */
        public Builder supportThreshold(double v) {
            supportThreshold = v;
            return this;
        }

        /** Whether u and v are recorded. */
        public Builder recordParameters(boolean v) {
            recordParameters = v;
            return this;
        }

        /** Builds and validates. */
        public DlnConfig build() {
            return new DlnConfig(d, alpha, prior, sigma, s0, parameterization, integrator, step, horizon, checkpoints,
                    seed, supportThreshold, recordParameters);
        }
    }
}
