package org.trainingdynamics.hmm;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * A fitted (or given) Gaussian hidden Markov model, immutable: hmmlearn 0.3.3's {@code GaussianHMM} with its
 * inference methods. Hu et al. 2023 (arXiv 2308.09543, §2.2) model the z-scored training metrics of each run
 * as emissions of such a model; states are the latent phases of training.
 *
 * <ul>
 *   <li>{@link #score} — {@code log p(X)} summed over sequences (forward algorithm in log space);</li>
 *   <li>{@link #viterbi} — most likely state path per sequence (hmmlearn's {@code decode}/{@code predict});</li>
 *   <li>{@link #posteriors} — smoothing posteriors {@code p(s_t | x_{0..T-1})} ({@code predict_proba});</li>
 *   <li>{@link #filteringPosteriors} — {@code p(s_t | x_{0..t})} (forward lattice normalised);</li>
 *   <li>{@link #aic}, {@link #bic} — {@code -2 log L + 2p} and {@code -2 log L + p ln N}, with hmmlearn's
 *       free-parameter count {@link #freeParameters} and N the number of frames;</li>
 *   <li>{@link #sample} — draws a state path and observations.</li>
 * </ul>
 * Fit models with {@link HmmConfig}.
 */
public final class GaussianHmm {
    private final CovarianceType type;
    private final HmmParameters params;
    private final Emissions emissions;
    private final ForwardBackward fb;

    private GaussianHmm(CovarianceType type, HmmParameters params) {
        this.type = type;
        this.params = params;
        this.emissions = new Emissions(type, params.rawMeans(), params.rawCovars());
        this.fb = new ForwardBackward(params.rawStart(), params.rawTrans());
    }

    /**
     * A model with the given parameters. Covariances are given in full per-state form; diag and spherical
     * models use their diagonals. Throws if a covariance is not positive-definite.
     */
    public static GaussianHmm of(CovarianceType type, HmmParameters params) {
        try {
            return new GaussianHmm(type, params);
        } catch (Emissions.NonPositiveDefiniteException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Package-private: may throw {@link Emissions.NonPositiveDefiniteException} (EM reports it). */
    static GaussianHmm unchecked(CovarianceType type, HmmParameters params) {
        return new GaussianHmm(type, params);
    }

    /** Covariance structure. */
    public CovarianceType covarianceType() {
        return type;
    }

    /** The parameters (copies). */
    public HmmParameters parameters() {
        return params;
    }

    /** Number of states K. */
    public int states() {
        return params.states();
    }

    /** Number of features d. */
    public int features() {
        return params.features();
    }

    /** Start probabilities. */
    public double[] startprob() {
        return params.startprob();
    }

    /** Transition matrix (rows: from). */
    public double[][] transmat() {
        return params.transmat();
    }

    /** Emission means [K][d]. */
    public double[][] means() {
        return params.means();
    }

    /** Emission covariances, full per-state form [K][d][d]. */
    public double[][][] covars() {
        return params.covars();
    }

    /** The same model with states relabelled: new state {@code i} is old state {@code perm[i]}. */
    public GaussianHmm permute(int[] perm) {
        return new GaussianHmm(type, params.permute(perm));
    }

    /**
     * hmmlearn's number of free scalars: {@code (K-1) + K(K-1) + Kd + {K, Kd, Kd(d+1)/2, d(d+1)/2}} for
     * spherical, diag, full, tied — counting every parameter whatever was fitted.
     */
    public int freeParameters() {
        int k = states();
        int d = features();
        return (k - 1) + k * (k - 1) + k * d + type.freeCovarianceScalars(k, d);
    }

    /** Total log-likelihood of all sequences, hmmlearn's {@code score(X, lengths)}. */
    public double score(Sequences x) {
        double[] per = scorePerSequence(x);
        double s = 0;
        for (double v : per) {
            s += v;
        }
        return s;
    }

    /** Log-likelihood of each sequence. */
    public double[] scorePerSequence(Sequences x) {
        checkFeatures(x);
        return IntStream.range(0, x.count()).parallel().mapToDouble(s -> {
            int len = x.length(s);
            double[] b = frameLogProb(x, s);
            return fb.forward(b, len, new double[len * states()]);
        }).toArray();
    }

    /** Akaike information criterion {@code -2 log L + 2p} on these sequences. */
    public double aic(Sequences x) {
        return -2 * score(x) + 2.0 * freeParameters();
    }

    /** Bayesian information criterion {@code -2 log L + p ln N}, N = total number of frames (hmmlearn). */
    public double bic(Sequences x) {
        return -2 * score(x) + freeParameters() * Math.log(x.frames());
    }

    /** Viterbi decoding of every sequence: concatenated path and the summed best-path log-probability. */
    public Decoding viterbi(Sequences x) {
        checkFeatures(x);
        int[] path = new int[x.frames()];
        double[] lp = IntStream.range(0, x.count()).parallel().mapToDouble(s ->
                fb.viterbi(frameLogProb(x, s), x.length(s), path, x.offset(s))).toArray();
        double sum = 0;
        for (double v : lp) {
            sum += v;
        }
        return new Decoding(path, x.lengths(), sum);
    }

    /** Smoothing posteriors {@code p(s_t = i | whole sequence)}, [N][K]. */
    public double[][] posteriors(Sequences x) {
        return lattice(x, true);
    }

    /** Filtering posteriors {@code p(s_t = i | x_0..x_t)}, [N][K]. */
    public double[][] filteringPosteriors(Sequences x) {
        return lattice(x, false);
    }

    private double[][] lattice(Sequences x, boolean smooth) {
        checkFeatures(x);
        int k = states();
        double[][] out = new double[x.frames()][];
        IntStream.range(0, x.count()).parallel().forEach(s -> {
            int len = x.length(s);
            double[] b = frameLogProb(x, s);
            double[] alpha = new double[len * k];
            fb.forward(b, len, alpha);
            double[] g = new double[len * k];
            if (smooth) {
                double[] beta = new double[len * k];
                fb.backward(b, len, beta);
                fb.posteriors(alpha, beta, len, g);
            } else {
                fb.filtering(alpha, len, g);
            }
            for (int t = 0; t < len; t++) {
                double[] row = new double[k];
                System.arraycopy(g, t * k, row, 0, k);
                out[x.offset(s) + t] = row;
            }
        });
        return out;
    }

    /** Per-frame emission log-densities [N][K]. */
    public double[][] frameLogLikelihood(Sequences x) {
        checkFeatures(x);
        int k = states();
        double[] b = new double[x.frames() * k];
        emissions.logDensity(x.raw(), 0, x.frames(), b);
        double[][] out = new double[x.frames()][k];
        for (int t = 0; t < x.frames(); t++) {
            System.arraycopy(b, t * k, out[t], 0, k);
        }
        return out;
    }

    /** {@code Sigma_s^{-1} v} (used by the transition attribution). */
    double[] precisionTimes(int s, double[] v) {
        return emissions.solve(s, v);
    }

    /**
     * Draws one sequence of {@code n} frames: {@code s_0 ~ startprob}, {@code s_t ~ transmat[s_{t-1}]},
     * {@code x_t ~ N(mu_{s_t}, Sigma_{s_t})}, seeded.
     */
    public Sample sample(int n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("sample size must be >= 1, got " + n);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int k = states();
        int d = features();
        double[] start = params.rawStart();
        double[][] tm = params.rawTrans();
        double[][] mu = params.rawMeans();
        double[][][] cv = params.rawCovars();
        double[][] chol = new double[k][];
        for (int s = 0; s < k; s++) {
            double[][] c = cv[s];
            if (type == CovarianceType.DIAG || type == CovarianceType.SPHERICAL) {
                double[][] diag = new double[d][d];
                for (int i = 0; i < d; i++) {
                    diag[i][i] = c[i][i];
                }
                c = diag;
            }
            chol[s] = Emissions.cholesky(c, 0);
            if (chol[s] == null) {
                chol[s] = Emissions.cholesky(c, 1e-7);
            }
        }
        int[] states = new int[n];
        double[][] x = new double[n][d];
        double[] z = new double[d];
        int cur = draw(start, rng);
        for (int t = 0; t < n; t++) {
            if (t > 0) {
                cur = draw(tm[cur], rng);
            }
            states[t] = cur;
            for (int i = 0; i < d; i++) {
                z[i] = gaussian(rng);
            }
            double[] l = chol[cur];
            for (int i = 0; i < d; i++) {
                double v = mu[cur][i];
                for (int m = 0; m <= i; m++) {
                    v += l[i * d + m] * z[m];
                }
                x[t][i] = v;
            }
        }
        return new Sample(x, states);
    }

    static int draw(double[] p, SplittableRandom rng) {
        double u = rng.nextDouble();
        double c = 0;
        for (int i = 0; i < p.length; i++) {
            c += p[i];
            if (u < c) {
                return i;
            }
        }
        for (int i = p.length - 1; i >= 0; i--) {
            if (p[i] > 0) {
                return i;
            }
        }
        return p.length - 1;
    }

    static double gaussian(SplittableRandom rng) {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Per-sequence emission log-densities, flat [T*K]. */
    double[] frameLogProb(Sequences x, int s) {
        int len = x.length(s);
        double[] b = new double[len * states()];
        emissions.logDensity(x.raw(), x.offset(s), len, b);
        return b;
    }

    Emissions emissions() {
        return emissions;
    }

    ForwardBackward kernels() {
        return fb;
    }

    private void checkFeatures(Sequences x) {
        if (x.features() != features()) {
            throw new IllegalArgumentException("data have " + x.features() + " features, the model " + features());
        }
    }

    /** Parameters as a table: one row per state with start probability, transitions and means. */
    public Table toTable() {
        int k = states();
        int d = features();
        Table t = Table.create("hmm-" + type.label() + "-" + k);
        IntColumn state = IntColumn.create("state");
        DoubleColumn start = DoubleColumn.create("startprob");
        DoubleColumn[] trans = new DoubleColumn[k];
        DoubleColumn[] mean = new DoubleColumn[d];
        for (int j = 0; j < k; j++) {
            trans[j] = DoubleColumn.create("to_" + j);
        }
        for (int j = 0; j < d; j++) {
            mean[j] = DoubleColumn.create("mean_" + j);
        }
        for (int s = 0; s < k; s++) {
            state.append(s);
            start.append(params.rawStart()[s]);
            for (int j = 0; j < k; j++) {
                trans[j].append(params.rawTrans()[s][j]);
            }
            for (int j = 0; j < d; j++) {
                mean[j].append(params.rawMeans()[s][j]);
            }
        }
        t.addColumns(state, start);
        t.addColumns(trans);
        t.addColumns(mean);
        String[] cov = new String[k];
        java.util.Arrays.fill(cov, type.label());
        t.addColumns(StringColumn.create("covariance", cov));
        return t;
    }

    /** A decoded state path for concatenated sequences. */
    public record Decoding(int[] path, int[] lengths, double logProb) {
        /** The path of sequence {@code s}. */
        public int[] sequence(int s) {
            int off = 0;
            for (int i = 0; i < s; i++) {
                off += lengths[i];
            }
            int[] out = new int[lengths[s]];
            System.arraycopy(path, off, out, 0, lengths[s]);
            return out;
        }
    }

    /** Sampled observations [n][d] and their hidden states. */
    public record Sample(double[][] observations, int[] states) {
    }
}
