package org.trainingdynamics.train;

/**
 * The three iterative maps on f(x) = Σ tan(x_i) over the box K = [lo, 1]^d of Ghai, Lu &amp; Hazan 2022 (arXiv
 * 2205.15235, second example) as used by Redman et al. 2024 (arXiv 2302.09160, §4.1, Fig. 2), matching the official
 * {@code online_mirror_online_gradient_descent_main.py} step for step — the single implementation behind the
 * {@code omd-ogd} setup ({@link OnlineConvexSetup}) and the Koopman replication
 * ({@code org.trainingdynamics.koopman.OmdOgdReplication}):
 * <ul>
 *   <li>OMD with the log-barrier mirror map R(x) = −Σ log x_i, ∇R(x) = −1/x:
 *       y = (∇R)⁻¹(∇R(x) − η∇f(x)) = −1/(−1/x − η sec²x), then the Bregman projection onto K, which for this
 *       separable barrier on a box is coordinate-wise clipping to [lo, 1];</li>
 *   <li>OGD on u with x = eᵘ: u ← u − η eᵘ sec²(eᵘ), then Euclidean projection (clipping) onto [ln lo, 0]^d;</li>
 *   <li>the bisection method: z = (a+b)/2; if f(z) &lt; 0 then a = z, if f(z) &gt; 0 then b = z (all coordinates
 *       together, on the sign of the summed loss); if f(z) = 0 exactly the official code returns, leaving the
 *       remaining iterates 0.</li>
 * </ul>
 * sec² is computed as 1 + tan², the derivative JAX uses in the official code. Initial conditions are g×g grids
 * laid out as NumPy's {@code reshape(meshgrid(l, l), [2, g²])}.
 */
public final class TanFunctionMaps {
    private TanFunctionMaps() {
    }

    /** f(x) = Σ tan(x_i). */
    public static double loss(double[] x) {
        double s = 0;
        for (double v : x) {
            s += Math.tan(v);
        }
        return s;
    }

    /** sec²(x) = 1 + tan²(x), the derivative of tan. */
    static double sec2(double x) {
        double t = Math.tan(x);
        return 1 + t * t;
    }

    /** One OMD step from x (log-barrier mirror map, then projection onto [lo, 1]). */
    public static double[] omdStep(double[] x, double eta, double lo) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double v = -1.0 / (-1.0 / x[i] - eta * sec2(x[i]));
            y[i] = Math.min(1.0, Math.max(lo, v));
        }
        return y;
    }

    /** One OGD step on u with x = exp(u), then projection onto [ln lo, 0]. */
    public static double[] ogdStep(double[] u, double eta, double lo) {
        double[] v = new double[u.length];
        double ulo = Math.log(lo);
        for (int i = 0; i < u.length; i++) {
            double e = Math.exp(u[i]);
            double w = u[i] - eta * (e * sec2(e));
            v[i] = Math.min(0.0, Math.max(ulo, w));
        }
        return v;
    }

    /** OMD iterates x_0 … x_{T−1} from x0 (the initial point included): {@code [T][d]}. */
    public static double[][] mirrorDescent(double[] x0, double eta, int steps, double lo) {
        return iterate(x0, steps, x -> omdStep(x, eta, lo));
    }

    /** OGD iterates u_0 … u_{T−1} of u = ln x from u0: {@code [T][d]}. */
    public static double[][] gradientDescent(double[] u0, double eta, int steps, double lo) {
        return iterate(u0, steps, u -> ogdStep(u, eta, lo));
    }

    private static double[][] iterate(double[] start, int steps, java.util.function.UnaryOperator<double[]> map) {
        double[][] out = new double[checkSteps(steps)][];
        out[0] = start.clone();
        for (int t = 1; t < steps; t++) {
            out[t] = map.apply(out[t - 1]);
        }
        return out;
    }

    /**
     * Bisection iterates z_0 … z_{T−1}, z_t = (a_t + b_t)/2, from the bracket (a0, b0), which needs
     * f(a0) &lt; 0 &lt; f(b0): {@code [T][d]}; once f(z) = 0 exactly the remaining iterates are 0.
     */
    public static double[][] bisection(double[] a0, double[] b0, int steps) {
        if (!(loss(a0) < 0) || !(loss(b0) > 0)) {
            throw new IllegalArgumentException("bisection needs a bracket with f(a0) < 0 < f(b0); got f(a0) = "
                    + loss(a0) + ", f(b0) = " + loss(b0));
        }
        int d = a0.length;
        double[][] out = new double[checkSteps(steps)][d];
        double[] a = a0.clone();
        double[] b = b0.clone();
        out[0] = mid(a, b);
        for (int t = 1; t < steps; t++) {
            double[] z = out[t - 1];
            double fz = loss(z);
            if (fz < 0) {
                a = z.clone();
            } else if (fz > 0) {
                b = z.clone();
            } else {
                break;
            }
            out[t] = mid(a, b);
        }
        return out;
    }

    private static double[] mid(double[] a, double[] b) {
        double[] z = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            z[i] = (a[i] + b[i]) / 2;
        }
        return z;
    }

    private static int checkSteps(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("number of iterates must be >= 1, got " + steps);
        }
        return steps;
    }

    /** NumPy's {@code linspace(start, stop, n)}: start + i·step, last element exactly stop. */
    static double[] linspace(double start, double stop, int n) {
        double[] out = new double[n];
        double step = (stop - start) / (n - 1);
        for (int i = 0; i < n; i++) {
            out[i] = i * step + start;
        }
        out[n - 1] = stop;
        return out;
    }

    /**
     * The g×g grid of 2-d initial conditions over [lo, hi]², laid out as NumPy's
     * {@code reshape(meshgrid(l, l), [2, g²])} (condition n is (l[n mod g], l[n div g])): {@code [g²][2]}.
     */
    public static double[][] grid(double lo, double hi, int g) {
        if (g < 2) {
            throw new IllegalArgumentException("grid size must be >= 2, got " + g);
        }
        double[] l = linspace(lo, hi, g);
        double[][] out = new double[g * g][];
        for (int n = 0; n < g * g; n++) {
            out[n] = new double[]{l[n % g], l[n / g]};
        }
        return out;
    }
}
