package org.trainingdynamics.hmm;

/**
 * Log-space forward-backward and Viterbi recursions (hmmlearn's {@code _hmmc.forward_log}, {@code backward_log},
 * {@code compute_log_xi_sum}, {@code viterbi}; Rabiner 1989 eqs. 19-27 and 30-35 in log form).
 *
 * <p>Each step factors out the maximum of the previous log-vector and sums {@code exp(. - max) A_ij} in linear
 * space, which is {@code logsumexp} with one shared shift: K exponentials per step instead of K^2. Where that sum
 * falls below the smallest normal double (a path dominated by terms that underflowed), the entry is recomputed
 * with a per-entry {@code logsumexp}, so no sequence length underflows.
 */
final class ForwardBackward {
    private final int k;
    private final double[] logStart;
    private final double[] trans;
    private final double[] logTrans;

    ForwardBackward(double[] startprob, double[][] transmat) {
        this.k = startprob.length;
        this.logStart = new double[k];
        this.trans = new double[k * k];
        this.logTrans = new double[k * k];
        for (int i = 0; i < k; i++) {
            logStart[i] = Math.log(startprob[i]);
            for (int j = 0; j < k; j++) {
                trans[i * k + j] = transmat[i][j];
                logTrans[i * k + j] = Math.log(transmat[i][j]);
            }
        }
    }

    /** Forward log-lattice {@code alpha[t*K+j] = log p(x_0..x_t, s_t=j)}; returns {@code log p(x_0..x_{T-1})}. */
    double forward(double[] b, int len, double[] alpha) {
        double[] e = new double[k];
        for (int j = 0; j < k; j++) {
            alpha[j] = logStart[j] + b[j];
        }
        for (int t = 1; t < len; t++) {
            int prev = (t - 1) * k;
            int cur = t * k;
            double m = max(alpha, prev);
            if (m == Double.NEGATIVE_INFINITY) {
                for (int j = 0; j < k; j++) {
                    alpha[cur + j] = Double.NEGATIVE_INFINITY;
                }
                continue;
            }
            for (int i = 0; i < k; i++) {
                e[i] = Math.exp(alpha[prev + i] - m);
            }
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int i = 0; i < k; i++) {
                    s += e[i] * trans[i * k + j];
                }
                double v = s >= Double.MIN_NORMAL ? m + Math.log(s) : exactColumn(alpha, prev, j);
                alpha[cur + j] = v + b[cur + j];
            }
        }
        return logSumExp(alpha, (len - 1) * k);
    }

    /** Backward log-lattice {@code beta[t*K+i] = log p(x_{t+1}..x_{T-1} | s_t=i)}. */
    void backward(double[] b, int len, double[] beta) {
        double[] w = new double[k];
        double[] e = new double[k];
        int last = (len - 1) * k;
        for (int i = 0; i < k; i++) {
            beta[last + i] = 0;
        }
        for (int t = len - 2; t >= 0; t--) {
            int nxt = (t + 1) * k;
            int cur = t * k;
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                w[j] = b[nxt + j] + beta[nxt + j];
                m = Math.max(m, w[j]);
            }
            if (m == Double.NEGATIVE_INFINITY) {
                for (int i = 0; i < k; i++) {
                    beta[cur + i] = Double.NEGATIVE_INFINITY;
                }
                continue;
            }
            for (int j = 0; j < k; j++) {
                e[j] = Math.exp(w[j] - m);
            }
            for (int i = 0; i < k; i++) {
                double s = 0;
                int row = i * k;
                for (int j = 0; j < k; j++) {
                    s += trans[row + j] * e[j];
                }
                if (s >= Double.MIN_NORMAL) {
                    beta[cur + i] = m + Math.log(s);
                } else {
                    double mm = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < k; j++) {
                        mm = Math.max(mm, logTrans[row + j] + w[j]);
                    }
                    double acc = 0;
                    if (mm != Double.NEGATIVE_INFINITY) {
                        for (int j = 0; j < k; j++) {
                            acc += Math.exp(logTrans[row + j] + w[j] - mm);
                        }
                    }
                    beta[cur + i] = mm + Math.log(acc);
                }
            }
        }
    }

    /** State posteriors {@code gamma[t*K+i] = p(s_t=i | x)}, each frame normalised in log space. */
    void posteriors(double[] alpha, double[] beta, int len, double[] gamma) {
        for (int t = 0; t < len; t++) {
            int o = t * k;
            double m = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < k; i++) {
                m = Math.max(m, alpha[o + i] + beta[o + i]);
            }
            double s = 0;
            for (int i = 0; i < k; i++) {
                double v = Math.exp(alpha[o + i] + beta[o + i] - m);
                gamma[o + i] = v;
                s += v;
            }
            for (int i = 0; i < k; i++) {
                gamma[o + i] /= s;
            }
        }
    }

    /** Filtering posteriors {@code p(s_t=i | x_0..x_t)}: the forward lattice normalised per frame. */
    void filtering(double[] alpha, int len, double[] out) {
        for (int t = 0; t < len; t++) {
            int o = t * k;
            double m = max(alpha, o);
            double s = 0;
            for (int i = 0; i < k; i++) {
                double v = Math.exp(alpha[o + i] - m);
                out[o + i] = v;
                s += v;
            }
            for (int i = 0; i < k; i++) {
                out[o + i] /= s;
            }
        }
    }

    /**
     * Adds {@code sum_t p(s_t=i, s_{t+1}=j | x)} to {@code xi[i*K+j]} (hmmlearn's {@code compute_log_xi_sum},
     * exponentiated). Each step's joint is normalised by its own total, which equals {@code p(x)}.
     */
    void addXiSum(double[] alpha, double[] beta, double[] b, int len, double[] xi) {
        double[] u = new double[k];
        double[] v = new double[k];
        double[] w = new double[k * k];
        for (int t = 0; t < len - 1; t++) {
            int cur = t * k;
            int nxt = cur + k;
            double m1 = max(alpha, cur);
            double m2 = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                m2 = Math.max(m2, b[nxt + j] + beta[nxt + j]);
            }
            for (int i = 0; i < k; i++) {
                u[i] = Math.exp(alpha[cur + i] - m1);
                v[i] = Math.exp(b[nxt + i] + beta[nxt + i] - m2);
            }
            double total = 0;
            for (int i = 0; i < k; i++) {
                double ui = u[i];
                int row = i * k;
                for (int j = 0; j < k; j++) {
                    double z = ui * trans[row + j] * v[j];
                    w[row + j] = z;
                    total += z;
                }
            }
            double inv = 1 / total;
            for (int q = 0; q < k * k; q++) {
                xi[q] += w[q] * inv;
            }
        }
    }

    /**
     * Viterbi path (hmmlearn's {@code _hmmc.viterbi}: ties go to the lowest state index, backtracking recomputes
     * the argmax); returns the log-probability of the best path.
     */
    double viterbi(double[] b, int len, int[] path, int pathOffset) {
        double[] lat = new double[len * k];
        for (int j = 0; j < k; j++) {
            lat[j] = logStart[j] + b[j];
        }
        for (int t = 1; t < len; t++) {
            int prev = (t - 1) * k;
            for (int j = 0; j < k; j++) {
                double best = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < k; i++) {
                    double v = lat[prev + i] + logTrans[i * k + j];
                    if (v > best) {
                        best = v;
                    }
                }
                lat[t * k + j] = best + b[t * k + j];
            }
        }
        int last = (len - 1) * k;
        int arg = 0;
        for (int j = 1; j < k; j++) {
            if (lat[last + j] > lat[last + arg]) {
                arg = j;
            }
        }
        double logProb = lat[last + arg];
        path[pathOffset + len - 1] = arg;
        for (int t = len - 2; t >= 0; t--) {
            int next = path[pathOffset + t + 1];
            int a = 0;
            double best = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < k; i++) {
                double v = lat[t * k + i] + logTrans[i * k + next];
                if (v > best) {
                    best = v;
                    a = i;
                }
            }
            path[pathOffset + t] = a;
        }
        return logProb;
    }

    private double exactColumn(double[] alpha, int prev, int j) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            m = Math.max(m, alpha[prev + i] + logTrans[i * k + j]);
        }
        if (m == Double.NEGATIVE_INFINITY) {
            return m;
        }
        double s = 0;
        for (int i = 0; i < k; i++) {
            s += Math.exp(alpha[prev + i] + logTrans[i * k + j] - m);
        }
        return m + Math.log(s);
    }

    private double max(double[] a, int off) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            m = Math.max(m, a[off + i]);
        }
        return m;
    }

    double logSumExp(double[] a, int off) {
        double m = max(a, off);
        if (m == Double.NEGATIVE_INFINITY) {
            return m;
        }
        double s = 0;
        for (int i = 0; i < k; i++) {
            s += Math.exp(a[off + i] - m);
        }
        return m + Math.log(s);
    }
}
