package org.trainingdynamics.hmm;

/**
 * Log densities of the Gaussian emissions, hmmlearn's {@code log_multivariate_normal_density}: for full and tied
 * covariances a Cholesky factor of each state's covariance (lower triangle used, as LAPACK {@code potrf}; on
 * failure retried once with {@code +1e-7 I}, then rejected), for diag and spherical the variances.
 */
final class Emissions {
    private static final double LOG_2PI = Math.log(2 * Math.PI);
    /** hmmlearn's retry jitter in {@code _log_multivariate_normal_density_full}. */
    private static final double RETRY_JITTER = 1e-7;

    private final CovarianceType type;
    private final int k;
    private final int d;
    private final double[][] means;
    /** full/tied: lower Cholesky factor row-major d*d; diag/spherical: inverse variances (d). */
    private final double[][] factor;
    private final double[][] invDiag;
    private final double[] constant;

    Emissions(CovarianceType type, double[][] means, double[][][] covars) {
        this.type = type;
        this.k = means.length;
        this.d = means[0].length;
        this.means = means;
        this.factor = new double[k][];
        this.invDiag = new double[k][];
        this.constant = new double[k];
        for (int s = 0; s < k; s++) {
            double logdet = 0;
            if (type == CovarianceType.FULL || type == CovarianceType.TIED) {
                double[] l = cholesky(covars[s], 0);
                if (l == null) {
                    l = cholesky(covars[s], RETRY_JITTER);
                }
                if (l == null) {
                    throw new NonPositiveDefiniteException(s);
                }
                factor[s] = l;
                invDiag[s] = new double[d];
                for (int i = 0; i < d; i++) {
                    logdet += 2 * Math.log(l[i * d + i]);
                    invDiag[s][i] = 1 / l[i * d + i];
                }
            } else {
                invDiag[s] = new double[d];
                for (int i = 0; i < d; i++) {
                    double v = covars[s][i][i];
                    if (!(v > 0)) {
                        throw new NonPositiveDefiniteException(s);
                    }
                    invDiag[s][i] = 1 / v;
                    logdet += Math.log(v);
                }
            }
            constant[s] = -0.5 * (d * LOG_2PI + logdet);
        }
    }

    /** Thrown when a covariance is not symmetric positive-definite (hmmlearn raises ValueError). */
    static final class NonPositiveDefiniteException extends IllegalStateException {
        final int state;

        NonPositiveDefiniteException(int state) {
            super("covariance of state " + state + " is not symmetric positive-definite (too few frames in the "
                    + "state, or constant/collinear features); use diag covariance, fewer states, a larger "
                    + "covarsPrior, or covarianceRidge > 0");
            this.state = state;
        }
    }

    /** Lower Cholesky factor of {@code a + jitter I} from its lower triangle, or null if not positive-definite. */
    static double[] cholesky(double[][] a, double jitter) {
        int n = a.length;
        double[] l = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j] + (i == j ? jitter : 0);
                for (int m = 0; m < j; m++) {
                    s -= l[i * n + m] * l[j * n + m];
                }
                if (i == j) {
                    // hmmlearn (LAPACK potrf) accepts any positive pivot; a pivot below 1e-13 of the diagonal entry
                    // is a numerically singular covariance whose density is unbounded, treated as failure here
                    if (!(s > 1e-13 * Math.abs(a[i][i] + jitter)) || !Double.isFinite(s)) {
                        return null;
                    }
                    l[i * n + i] = Math.sqrt(s);
                } else {
                    l[i * n + j] = s / l[j * n + j];
                }
            }
        }
        return l;
    }

    /**
     * Writes {@code log N(x_t; mu_s, Sigma_s)} for frames {@code from..from+len} of {@code x} (row-major, d
     * features) into {@code out[t*K + s]}.
     */
    void logDensity(double[] x, int from, int len, double[] out) {
        double[] y = new double[d];
        for (int s = 0; s < k; s++) {
            double[] mu = means[s];
            double[] inv = invDiag[s];
            double c = constant[s];
            if (factor[s] != null) {
                double[] l = factor[s];
                for (int t = 0; t < len; t++) {
                    int base = (from + t) * d;
                    double q = 0;
                    for (int i = 0; i < d; i++) {
                        double v = x[base + i] - mu[i];
                        int row = i * d;
                        for (int m = 0; m < i; m++) {
                            v -= l[row + m] * y[m];
                        }
                        v *= inv[i];
                        y[i] = v;
                        q += v * v;
                    }
                    out[t * k + s] = c - 0.5 * q;
                }
            } else {
                for (int t = 0; t < len; t++) {
                    int base = (from + t) * d;
                    double q = 0;
                    for (int i = 0; i < d; i++) {
                        double v = x[base + i] - mu[i];
                        q += v * v * inv[i];
                    }
                    out[t * k + s] = c - 0.5 * q;
                }
            }
        }
    }

    /** {@code Sigma_s^{-1} v}, for the attribution gradient. */
    double[] solve(int s, double[] v) {
        double[] out = new double[d];
        if (factor[s] == null) {
            for (int i = 0; i < d; i++) {
                out[i] = v[i] * invDiag[s][i];
            }
            return out;
        }
        double[] l = factor[s];
        double[] y = new double[d];
        for (int i = 0; i < d; i++) {
            double a = v[i];
            for (int m = 0; m < i; m++) {
                a -= l[i * d + m] * y[m];
            }
            y[i] = a / l[i * d + i];
        }
        for (int i = d - 1; i >= 0; i--) {
            double a = y[i];
            for (int m = i + 1; m < d; m++) {
                a -= l[m * d + i] * out[m];
            }
            out[i] = a / l[i * d + i];
        }
        return out;
    }

    CovarianceType type() {
        return type;
    }
}
