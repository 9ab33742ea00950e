package org.trainingdynamics.dln;

import java.util.function.DoubleUnaryOperator;

/**
 * Closed form of the kernel (lazy, large-initialisation) limit γ → ∞ of dmft.md §1–2: β′ ≡ κ₀ = β′(0) (4γ for
 * β = u⊙u − v⊙v), so gradient descent with step h is linear regression GD with rate η = hκ₀, Δ_k = (I − ηXᵀX)^k Δ₀ + …,
 * and in the proportional limit the losses are integrals over the Marchenko–Pastur law ν_α of XXᵀ (ratio α = n/d):
 *
 * <pre>
 *   E_te(k) = E[β*²]·[(1−α)₊ + α∫(1−ηλ)^{2k} dν] + σ²·α∫(1 − (1−ηλ)^k)²/λ dν
 *   E_tr(k) = E[β*²]·∫λ(1−ηλ)^{2k} dν + σ²·[(1 − 1/α)₊ + ∫(1−ηλ)^{2k} dν]
 * </pre>
 *
 * with ν the absolutely continuous part, density √((λ₊−λ)(λ−λ₋))/(2παλ) on [(1−√α)², (1+√α)²]. The gradient-flow
 * versions ({@code flow = true}) replace (1−ηλ)^k by e^{−κ₀λt}. Integrals use the substitution λ = 1+α+2√α cos θ and
 * a 4000-point midpoint rule (spectrally accurate for these smooth integrands).
 */
public final class LinearRegimeTheory {
    private static final int NODES = 4000;

    private final double alpha;
    private final double m2;
    private final double sigma;
    private final double kappa0;

    /**
     * @param alpha  n/d
     * @param m2     E[β*²]
     * @param sigma  label-noise s.d.
     * @param kappa0 the constant per-coordinate rate β′ (4γ for diff-squares)
     */
    public LinearRegimeTheory(double alpha, double m2, double sigma, double kappa0) {
        if (!(alpha > 0) || !(m2 >= 0) || !(sigma >= 0) || !(kappa0 > 0)) {
            throw new IllegalArgumentException("linear theory: need alpha > 0, m2 >= 0, sigma >= 0, kappa0 > 0");
        }
        this.alpha = alpha;
        this.m2 = m2;
        this.sigma = sigma;
        this.kappa0 = kappa0;
    }

    /** The theory for a DMFT configuration, with κ₀ = β′(A = 0). */
    public static LinearRegimeTheory of(DmftConfig c) {
        return new LinearRegimeTheory(c.alpha(), c.prior().secondMoment(), c.sigma(),
                c.parameterization().dbeta(0, c.s0()));
    }

    /** ∫ f dν over the continuous MP part. */
    double integrate(DoubleUnaryOperator f) {
        double c = 1 + alpha;
        double r = 2 * Math.sqrt(alpha);
        double s = 0;
        for (int j = 0; j < NODES; j++) {
            double th = Math.PI * (j + 0.5) / NODES;
            double lam = c + r * Math.cos(th);
            double sin = Math.sin(th);
            if (lam <= 0) {
                continue;
            }
            s += f.applyAsDouble(lam) * r * r * sin * sin / (2 * Math.PI * alpha * lam);
        }
        return s * Math.PI / NODES;
    }

    /** Decay factor of mode λ after time t: (1 − hκ₀λ)^{t/h} for GD, e^{−κ₀λt} for the flow. */
    private double decay(double lam, double t, double h, boolean flow) {
        if (flow) {
            return Math.exp(-kappa0 * lam * t);
        }
        return Math.pow(1 - h * kappa0 * lam, Math.round(t / h));
    }

    /** Test loss E_te at time t (GD with step h, or the flow). */
    public double testLoss(double t, double h, boolean flow) {
        double bulk = integrate(l -> Math.pow(decay(l, t, h, flow), 2));
        double noise = integrate(l -> Math.pow(1 - decay(l, t, h, flow), 2) / l);
        return m2 * (Math.max(0, 1 - alpha) + alpha * bulk) + sigma * sigma * alpha * noise;
    }

    /** Train loss E_tr at time t. */
    public double trainLoss(double t, double h, boolean flow) {
        double sig = integrate(l -> l * Math.pow(decay(l, t, h, flow), 2));
        double noise = integrate(l -> Math.pow(decay(l, t, h, flow), 2));
        return m2 * sig + sigma * sigma * (Math.max(0, 1 - 1 / alpha) + noise);
    }
}
