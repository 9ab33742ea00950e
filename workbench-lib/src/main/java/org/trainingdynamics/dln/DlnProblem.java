package org.trainingdynamics.dln;

import java.util.Random;

/**
 * One sparse-regression instance of dmft.md §1: X ∈ ℝ^{n×d} (row-major) with iid N(0, 1/d) entries, a fixed-count
 * teacher β* ~ P*, and labels y = Xβ* + ε, ε ~ N(0, σ²). Deterministic in the seed.
 *
 * @param n     samples
 * @param d     dimension
 * @param x     design, row-major n×d
 * @param y     labels
 * @param teacher β*
 * @param noise ε
 */
public record DlnProblem(int n, int d, double[] x, double[] y, double[] teacher, double[] noise) {

    /** Validates shapes and finiteness. */
    public DlnProblem {
        if (n < 1 || d < 1) {
            throw new IllegalArgumentException("DLN problem: n and d must be positive, got n=" + n + " d=" + d);
        }
        if (x.length != (long) n * d || y.length != n || teacher.length != d || noise.length != n) {
            throw new IllegalArgumentException("DLN problem: shapes x=" + x.length + " y=" + y.length + " teacher="
                    + teacher.length + " noise=" + noise.length + " do not fit n=" + n + " d=" + d);
        }
        check("x", x);
        check("y", y);
        check("teacher", teacher);
        check("noise", noise);
    }

    private static void check(String name, double[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new IllegalArgumentException("DLN problem: " + name + "[" + i + "] is " + v[i]);
            }
        }
    }

    /** Draws the instance of a config (teacher first, then X, then noise, from one {@link Random}(seed)). */
    public static DlnProblem generate(DlnConfig c) {
        Random rng = new Random(c.seed());
        int n = c.n();
        int d = c.d();
        double[] teacher = c.prior().sampleFixedCount(d, rng);
        double[] x = new double[n * d];
        double s = 1 / Math.sqrt(d);
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextGaussian() * s;
        }
        double[] noise = new double[n];
        double[] y = new double[n];
        for (int mu = 0; mu < n; mu++) {
            noise[mu] = c.sigma() * rng.nextGaussian();
            double acc = 0;
            for (int i = 0; i < d; i++) {
                acc += x[mu * d + i] * teacher[i];
            }
            y[mu] = acc + noise[mu];
        }
        return new DlnProblem(n, d, x, y, teacher, noise);
    }

    /** Design entry X_{μi}. */
    public double x(int mu, int i) {
        return x[mu * d + i];
    }
}
