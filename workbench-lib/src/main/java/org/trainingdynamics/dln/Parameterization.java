package org.trainingdynamics.dln;

/**
 * The DLN parameterisations of dmft.md §1, each with its exact mirror-flow reduction. Gradient flow on the two
 * parameter vectors (u, v) of {@code L = ½‖y − Xβ(u,v)‖²} keeps every coordinate on a one-dimensional curve
 * parameterised by A_i(t) = ∫₀ᵗ a_i, a = Xᵀ(y − Xβ), so that β_i = β(A_i) and dβ_i/dt = β′(A_i)·a_i:
 *
 * <ul>
 *   <li>{@link #DIFF_SQUARES} β = u⊙u − v⊙v, u(0) = v(0) = s₀: u = s₀e^{2A}, v = s₀e^{−2A},
 *       β = γ sinh 4A, β′ = 4γ cosh 4A = 4√(β² + γ²), with γ = 2s₀² (dmft.md §1, the canonical form).</li>
 *   <li>{@link #PRODUCT} β = u⊙v, u(0) = 2s₀, v(0) = 0: u = 2s₀ cosh A, v = 2s₀ sinh A, β = γ sinh 2A. The same
 *       flow as {@code DIFF_SQUARES} at half speed (w = u+v, z = u−v in the notes).</li>
 *   <li>{@link #depth(int)} β = u^D − v^D (D ≥ 3), u(0) = v(0) = s₀ (Woodworth et al. 2020, arXiv:1906.05827):
 *       u = (s₀^{2−D} − D(D−2)A)^{−1/(D−2)}, v = (s₀^{2−D} + D(D−2)A)^{−1/(D−2)},
 *       β′ = D²(u^{2D−2} + v^{2D−2}); it blows up at |A| = s₀^{2−D}/(D(D−2)) (finite-time escape).</li>
 * </ul>
 */
public final class Parameterization {
    /** β = u⊙u − v⊙v. */
    public static final Parameterization DIFF_SQUARES = new Parameterization(Kind.DIFF_SQUARES, 2);
    /** β = u⊙v. */
    public static final Parameterization PRODUCT = new Parameterization(Kind.PRODUCT, 2);

    private enum Kind { DIFF_SQUARES, PRODUCT, DEPTH }

    private final Kind kind;
    private final int depth;

    private Parameterization(Kind kind, int depth) {
        this.kind = kind;
        this.depth = depth;
    }

    /** β = u^D − v^D; D = 2 is {@link #DIFF_SQUARES}. */
    public static Parameterization depth(int d) {
        if (d < 2) {
            throw new IllegalArgumentException("parameterisation depth must be >= 2, got " + d);
        }
        return d == 2 ? DIFF_SQUARES : new Parameterization(Kind.DEPTH, d);
    }

    /** Parses "diff-squares", "product" or "depth-D". */
    public static Parameterization parse(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("diff-squares") || t.equals("u2-v2")) {
            return DIFF_SQUARES;
        }
        if (t.equals("product") || t.equals("uv")) {
            return PRODUCT;
        }
        if (t.startsWith("depth-")) {
            try {
                return depth(Integer.parseInt(t.substring(6)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("parameterisation '" + s + "': depth must be an integer");
            }
        }
        throw new IllegalArgumentException("unknown parameterisation '" + s + "' (diff-squares, product, depth-D)");
    }

    /** The network depth (2 for the two depth-2 forms). */
    public int depth() {
        return depth;
    }

    /** γ = 2s₀², the scale of β′ at β = 0 for the depth-2 forms (dmft.md §1). */
    public static double gamma(double s0) {
        return 2 * s0 * s0;
    }

    /** β(A). */
    public double beta(double a, double s0) {
        switch (kind) {
            case DIFF_SQUARES:
                return gamma(s0) * Math.sinh(4 * a);
            case PRODUCT:
                return gamma(s0) * Math.sinh(2 * a);
            default:
                return Math.pow(u(a, s0), depth) - Math.pow(v(a, s0), depth);
        }
    }

    /** β′(A) = dβ/dA, the per-coordinate rate κ of dβ/dt = κ·a. */
    public double dbeta(double a, double s0) {
        switch (kind) {
            case DIFF_SQUARES:
                return 4 * gamma(s0) * Math.cosh(4 * a);
            case PRODUCT:
                return 2 * gamma(s0) * Math.cosh(2 * a);
            default:
                return (double) depth * depth * (Math.pow(u(a, s0), 2 * depth - 2) + Math.pow(v(a, s0), 2 * depth - 2));
        }
    }

    /**
     * β(A) and β′(A) for {@code len} mirror coordinates at once (the DMFT effective process). For the depth-2 forms
     * sinh and cosh come from one {@code Math.exp} (a power series for |x| &lt; 0.1, where e^x − e^{−x} cancels), so the
     * values equal {@link #beta} and {@link #dbeta} to about 1e-15 relative; other depths call those.
     */
    void betaAndSlope(double[] a, int len, double s0, double[] beta, double[] slope) {
        if (kind == Kind.DEPTH) {
            for (int j = 0; j < len; j++) {
                beta[j] = beta(a[j], s0);
                slope[j] = dbeta(a[j], s0);
            }
            return;
        }
        double g = gamma(s0);
        double c = kind == Kind.DIFF_SQUARES ? 4 : 2;
        for (int j = 0; j < len; j++) {
            double x = c * a[j];
            double sh;
            double ch;
            if (Math.abs(x) < 0.1) {
                // Taylor series through x¹¹ and x¹⁰: truncation below 1e-20 relative for |x| < 0.1
                double x2 = x * x;
                sh = x * (1 + x2 / 6 * (1 + x2 / 20 * (1 + x2 / 42 * (1 + x2 / 72 * (1 + x2 / 110)))));
                ch = 1 + x2 / 2 * (1 + x2 / 12 * (1 + x2 / 30 * (1 + x2 / 56 * (1 + x2 / 90))));
            } else {
                double e = Math.exp(x);
                double ie = 1 / e;
                sh = 0.5 * (e - ie);
                ch = 0.5 * (e + ie);
            }
            beta[j] = g * sh;
            slope[j] = c * g * ch;
        }
    }

    /** The mirror coordinate A with β(A) = β (inverse link; β is increasing in A). */
    public double mirrorOf(double beta, double s0) {
        switch (kind) {
            case DIFF_SQUARES:
                return asinh(beta / gamma(s0)) / 4;
            case PRODUCT:
                return asinh(beta / gamma(s0)) / 2;
            default:
                double lim = maxAbsA(s0);
                double lo = -lim;
                double hi = lim;
                for (int i = 0; i < 200; i++) {
                    double mid = 0.5 * (lo + hi);
                    if (beta(mid, s0) < beta) {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                return 0.5 * (lo + hi);
        }
    }

    /** β′ as a function of β: κ(β) = β′(A(β)) (4√(β²+γ²) for diff-squares). */
    public double rateAt(double beta, double s0) {
        if (kind == Kind.DIFF_SQUARES) {
            double g = gamma(s0);
            return 4 * Math.sqrt(beta * beta + g * g);
        }
        return dbeta(mirrorOf(beta, s0), s0);
    }

    private static double asinh(double x) {
        double ax = Math.abs(x);
        double r = ax > 1e8 ? Math.log(2 * ax) : Math.log(ax + Math.sqrt(ax * ax + 1));
        return Math.copySign(r, x);
    }

    /** The largest |A| for which the parameters stay finite (infinite for the depth-2 forms). */
    public double maxAbsA(double s0) {
        return kind == Kind.DEPTH ? Math.pow(s0, 2 - depth) / (depth * (depth - 2.0)) : Double.POSITIVE_INFINITY;
    }

    /** First parameter u at mirror coordinate A. */
    public double u(double a, double s0) {
        switch (kind) {
            case DIFF_SQUARES:
                return s0 * Math.exp(2 * a);
            case PRODUCT:
                return 2 * s0 * Math.cosh(a);
            default:
                return Math.pow(Math.pow(s0, 2 - depth) - depth * (depth - 2.0) * a, -1.0 / (depth - 2));
        }
    }

    /** Second parameter v at mirror coordinate A. */
    public double v(double a, double s0) {
        switch (kind) {
            case DIFF_SQUARES:
                return s0 * Math.exp(-2 * a);
            case PRODUCT:
                return 2 * s0 * Math.sinh(a);
            default:
                return Math.pow(Math.pow(s0, 2 - depth) + depth * (depth - 2.0) * a, -1.0 / (depth - 2));
        }
    }

    /** u(0). */
    public double u0(double s0) {
        return u(0, s0);
    }

    /** v(0). */
    public double v0(double s0) {
        return v(0, s0);
    }

    /** β from the parameters (u, v). */
    public double betaOf(double u, double v) {
        switch (kind) {
            case DIFF_SQUARES:
                return u * u - v * v;
            case PRODUCT:
                return u * v;
            default:
                return Math.pow(u, depth) - Math.pow(v, depth);
        }
    }

    /** ∂β/∂u (the gradient-flow velocity of u is ∂β/∂u·a). */
    public double dBetaDu(double u, double v) {
        switch (kind) {
            case DIFF_SQUARES:
                return 2 * u;
            case PRODUCT:
                return v;
            default:
                return depth * Math.pow(u, depth - 1);
        }
    }

    /** ∂β/∂v. */
    public double dBetaDv(double u, double v) {
        switch (kind) {
            case DIFF_SQUARES:
                return -2 * v;
            case PRODUCT:
                return u;
            default:
                return -depth * Math.pow(v, depth - 1);
        }
    }

    @Override
    public String toString() {
        switch (kind) {
            case DIFF_SQUARES:
                return "diff-squares";
            case PRODUCT:
                return "product";
            default:
                return "depth-" + depth;
        }
    }
}
