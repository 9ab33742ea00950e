package org.trainingdynamics.train.data;

import org.nd4j.linalg.factory.Nd4j;
import org.trainingdynamics.train.Rng;

/**
 * Gaussian teacher–student regression data generated from a seed: inputs with i.i.d. Gaussian entries and
 * targets from a planted teacher plus Gaussian label noise. Two teachers: a sparse linear one (the
 * diagonal-linear-network setting of the DMFT notes: X_{μi} ~ N(0, 1/d), β*_i ~ Bernoulli(ρ)·N(0, 1),
 * y = Xβ* + σε) and a one-hidden-layer ReLU network f*(x) = Σ_j a_j ReLU(w_j·x)/√m with w_j ~ N(0, I/d),
 * a_j ~ N(0, 1).
 */
public final class TeacherStudent {
    private TeacherStudent() {
    }

    /**
     * Data with its planted teacher.
     *
     * @param data    inputs [n, d] and targets [n, 1]
     * @param teacher the teacher's parameters (β* for the linear teacher; w row-major then a for the ReLU one)
     */
    public record Planted(Dataset data, double[] teacher) {
    }

    /** Sparse linear teacher: n examples in d dimensions, density ρ, noise σ. */
    public static Planted sparseLinear(int n, int d, double rho, double sigma, Rng rng) {
        check(n, d, sigma);
        if (!(rho >= 0 && rho <= 1)) {
            throw new IllegalArgumentException("sparsity rho must be in [0, 1], got " + rho);
        }
        Rng tr = rng.fork("teacher");
        double[] beta = new double[d];
        for (int i = 0; i < d; i++) {
            beta[i] = tr.uniform() < rho ? tr.normal() : 0.0;
        }
        Rng xr = rng.fork("inputs");
        float[] x = new float[n * d];
        float[] y = new float[n];
        double s = 1 / Math.sqrt(d);
        for (int m = 0; m < n; m++) {
            double v = 0;
            for (int i = 0; i < d; i++) {
                double xi = s * xr.normal();
                x[m * d + i] = (float) xi;
                v += xi * beta[i];
            }
            y[m] = (float) (v + sigma * xr.normal());
        }
        return new Planted(new Dataset("sparse-linear teacher (n=" + n + ", d=" + d + ")",
                Nd4j.create(x, new long[]{n, d}, 'c'), null, null, y, 0), beta);
    }

    /** One-hidden-layer ReLU teacher of width m: n examples with x ~ N(0, I_d), noise σ. */
    public static Planted reluNetwork(int n, int d, int m, double sigma, Rng rng) {
        check(n, d, sigma);
        if (m < 1) {
            throw new IllegalArgumentException("teacher width must be >= 1, got " + m);
        }
        Rng tr = rng.fork("teacher");
        double[] teacher = new double[m * d + m];
        for (int i = 0; i < m * d; i++) {
            teacher[i] = tr.normal() / Math.sqrt(d);
        }
        for (int j = 0; j < m; j++) {
            teacher[m * d + j] = tr.normal();
        }
        Rng xr = rng.fork("inputs");
        float[] x = new float[n * d];
        float[] y = new float[n];
        double[] xi = new double[d];
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < d; i++) {
                xi[i] = xr.normal();
                x[k * d + i] = (float) xi[i];
            }
            double f = 0;
            for (int j = 0; j < m; j++) {
                double h = 0;
                for (int i = 0; i < d; i++) {
                    h += teacher[j * d + i] * xi[i];
                }
                f += teacher[m * d + j] * Math.max(0, h);
            }
            y[k] = (float) (f / Math.sqrt(m) + sigma * xr.normal());
        }
        return new Planted(new Dataset("relu teacher (n=" + n + ", d=" + d + ", m=" + m + ")",
                Nd4j.create(x, new long[]{n, d}, 'c'), null, null, y, 0), teacher);
    }

    private static void check(int n, int d, double sigma) {
        if (n < 1 || d < 1) {
            throw new IllegalArgumentException("need n >= 1 examples and d >= 1 dimensions, got n=" + n + ", d=" + d);
        }
        if (!(sigma >= 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("noise sigma must be >= 0, got " + sigma);
        }
    }
}
