package org.trainingdynamics.koopman;

/**
 * The optimisers of Redman et al.'s first example (§4.1, Fig. 2; from Ghai, Lu &amp; Hazan 2022, arXiv
 * 2205.15235, second example): minimise f(x) = Σ_i tan(x_i) over K = [1/T, 1]^d with d = 2, η = 0.01, T = 100.
 *
 * <ul>
 *   <li>Online mirror descent with the log barrier R(x) = −Σ log x_i:
 *       y = (∇R)⁻¹(∇R(x) − η∇f(x)) = 1/(1/x + η sec²x), then the Bregman projection onto K.</li>
 *   <li>Online gradient descent on u with x = e^u: u ← u − η e^u sec²(e^u), then the Euclidean projection onto
 *       [ln(1/T), 0]^d. The observable is u itself (not e^u), as in the released code.</li>
 *   <li>The bisection method on the sign of f (a whole-vector bracket [a, b]; z = (a+b)/2), the paper's
 *       non-conjugate control.</li>
 * </ul>
 * Both projections are onto a box and the divergences are separable and convex in each coordinate, so they
 * reduce to coordinate-wise clipping (the released code calls a numerical minimiser instead; clipping
 * reproduces its saved eigenvalues, see {@code OmdOgdReplicationTest}).
 *
 * <p>Note: these generators belong with the trainers ({@code org.trainingdynamics.train}); they live here
 * so the replication does not wait for that package, and will be deduplicated with it.
 */
public final class TanFunctionOptimizers {
    /** Step length η. */
    public static final double ETA = 1e-2;
    /** Number of iterates T (including the initial point). */
    public static final int STEPS = 100;
    /** Lower bound 1/T of the box K. */
    public static final double LOWER = 1.0 / STEPS;

    private TanFunctionOptimizers() {
    }

    /** f(x) = Σ tan(x_i). */
    public static double loss(double[] x) {
        double s = 0;
        for (double v : x) {
            s += Math.tan(v);
        }
        return s;
    }

    private static double sec2(double x) {
        double c = Math.cos(x);
        return 1.0 / (c * c);
    }

    /** OMD iterates from x0: {@code [d][T]} (columns = iterates). */
    public static double[][] mirrorDescent(double[] x0) {
        int d = x0.length;
        double[][] out = new double[d][STEPS];
        double[] x = x0.clone();
        for (int t = 0; t < STEPS; t++) {
            if (t > 0) {
                for (int i = 0; i < d; i++) {
                    double y = 1.0 / (1.0 / x[i] + ETA * sec2(x[i]));
                    x[i] = Math.min(1.0, Math.max(LOWER, y));
                }
            }
            for (int i = 0; i < d; i++) {
                out[i][t] = x[i];
            }
        }
        return out;
    }

    /** OGD iterates of u = log x from u0: {@code [d][T]}. */
    public static double[][] gradientDescent(double[] u0) {
        int d = u0.length;
        double lo = Math.log(LOWER);
        double[][] out = new double[d][STEPS];
        double[] u = u0.clone();
        for (int t = 0; t < STEPS; t++) {
            if (t > 0) {
                for (int i = 0; i < d; i++) {
                    double e = Math.exp(u[i]);
                    double v = u[i] - ETA * e * sec2(e);
                    u[i] = Math.min(0.0, Math.max(lo, v));
                }
            }
            for (int i = 0; i < d; i++) {
                out[i][t] = u[i];
            }
        }
        return out;
    }

    /**
     * Bisection iterates z_t = (a_t + b_t)/2 from the bracket (a0, b0) with f(a0) &lt; 0 &lt; f(b0): {@code [d][T]};
     * if f(z) is exactly 0 the remaining iterates are 0, as in the released code.
     */
    public static double[][] bisection(double[] a0, double[] b0) {
        int d = a0.length;
        if (!(loss(a0) < 0) || !(loss(b0) > 0)) {
            throw new IllegalArgumentException("bisection needs f(a0) < 0 < f(b0); got " + loss(a0) + ", " + loss(b0));
        }
        double[][] out = new double[d][STEPS];
        double[] a = a0.clone();
        double[] b = b0.clone();
        double[] z = new double[d];
        for (int i = 0; i < d; i++) {
            z[i] = (a[i] + b[i]) / 2;
            out[i][0] = z[i];
        }
        for (int t = 1; t < STEPS; t++) {
            double f = loss(z);
            if (f < 0) {
                a = z.clone();
            } else if (f > 0) {
                b = z.clone();
            } else {
                return out;
            }
            for (int i = 0; i < d; i++) {
                z[i] = (a[i] + b[i]) / 2;
                out[i][t] = z[i];
            }
        }
        return out;
    }

    /**
     * The paper's 5×5 grid of 2-d initial conditions over [lo, hi]² ({@code np.meshgrid} order: the first
     * coordinate varies fastest): {@code [25][2]}.
     */
    public static double[][] grid(double lo, double hi, int res) {
        double[][] out = new double[res * res][2];
        for (int n = 0; n < res * res; n++) {
            out[n][0] = lin(lo, hi, res, n % res);
            out[n][1] = lin(lo, hi, res, n / res);
        }
        return out;
    }

    private static double lin(double lo, double hi, int n, int i) {
        // numpy.linspace: lo + i*step, with the last point exactly hi
        if (i == n - 1) {
            return hi;
        }
        double step = (hi - lo) / (n - 1);
        return lo + i * step;
    }
}
