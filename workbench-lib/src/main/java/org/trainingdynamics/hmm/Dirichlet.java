package org.trainingdynamics.hmm;

import java.util.SplittableRandom;

/**
 * Seeded Dirichlet draws for hmmlearn's random start/transition initialisation ({@code Dirichlet(1/K)}), from
 * Gamma variates (Marsaglia & Tsang 2000; shape below one boosted by {@code U^{1/a}}), normalised in log space so
 * that small concentrations never underflow to exact zeros.
 */
final class Dirichlet {
    private Dirichlet() {
    }

    static double[] sample(double alpha, int k, SplittableRandom rng) {
        double[] logg = new double[k];
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            logg[i] = logGamma(alpha, rng);
            m = Math.max(m, logg[i]);
        }
        double s = 0;
        double[] p = new double[k];
        for (int i = 0; i < k; i++) {
            p[i] = Math.exp(logg[i] - m);
            s += p[i];
        }
        for (int i = 0; i < k; i++) {
            p[i] /= s;
            if (p[i] == 0) {
                p[i] = Double.MIN_NORMAL; // keep every transition possible (zeros would be preserved by EM)
            }
        }
        return p;
    }

    /** log of a Gamma(a, 1) variate. */
    private static double logGamma(double a, SplittableRandom rng) {
        if (a < 1) {
            double u = rng.nextDouble();
            return logGamma(a + 1, rng) + Math.log(1 - u) / a;
        }
        double d = a - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double z = GaussianHmm.gaussian(rng);
            double v = 1 + c * z;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = rng.nextDouble();
            if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
                return Math.log(d * v);
            }
        }
    }
}
