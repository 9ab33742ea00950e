package org.trainingdynamics.hmm;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds constant features and features that are (numerically) linear combinations of earlier ones, which make
 * full and tied covariances singular. Collinearity is detected by a Cholesky factorisation of the correlation
 * matrix of the non-constant features: a pivot below {@code 1e-10} marks a dependent feature.
 */
final class Degeneracy {
    private static final double PIVOT = 1e-10;

    private Degeneracy() {
    }

    /** Constant features and dependent features (each listed once). */
    record Report(List<Integer> constant, List<Integer> dependent) {
        boolean degenerate() {
            return !constant.isEmpty() || !dependent.isEmpty();
        }

        @Override
        public String toString() {
            return "constant features " + constant + ", features linearly dependent on earlier ones " + dependent;
        }
    }

    static Report analyse(Sequences x) {
        double[][] c = ExpectationMaximization.covariance(x);
        int d = c.length;
        double scale = 0;
        for (int a = 0; a < d; a++) {
            scale = Math.max(scale, Math.abs(c[a][a]));
        }
        List<Integer> constant = new ArrayList<>();
        List<Integer> live = new ArrayList<>();
        for (int a = 0; a < d; a++) {
            if (c[a][a] <= 1e-14 * scale || scale == 0) {
                constant.add(a);
            } else {
                live.add(a);
            }
        }
        int m = live.size();
        double[][] r = new double[m][m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                int a = live.get(i);
                int b = live.get(j);
                r[i][j] = c[a][b] / Math.sqrt(c[a][a] * c[b][b]);
            }
        }
        // Cholesky with dependent columns skipped
        List<Integer> dependent = new ArrayList<>();
        double[][] l = new double[m][m];
        boolean[] dead = new boolean[m];
        for (int i = 0; i < m; i++) {
            double s = r[i][i];
            for (int k = 0; k < i; k++) {
                if (!dead[k]) {
                    s -= l[i][k] * l[i][k];
                }
            }
            if (s < PIVOT) {
                dead[i] = true;
                dependent.add(live.get(i));
                continue;
            }
            l[i][i] = Math.sqrt(s);
            for (int j = i + 1; j < m; j++) {
                double t = r[j][i];
                for (int k = 0; k < i; k++) {
                    if (!dead[k]) {
                        t -= l[j][k] * l[i][k];
                    }
                }
                l[j][i] = t / l[i][i];
            }
        }
        return new Report(constant, dependent);
    }

    /** A sentence for error messages, or "" if the data are not degenerate. */
    static String describe(Sequences x) {
        Report r = analyse(x);
        return r.degenerate() ? "; the data have " + r + " (drop them, use diag covariance, or set covarianceRidge > 0)" : "";
    }
}
