package org.trainingdynamics.hmm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * hmmlearn 0.3.3's {@code _AbstractHMM.fit} for {@code GaussianHMM} with {@code implementation="log"}: E-step over
 * all sequences (log-space forward-backward, sufficient statistics summed in sequence order), MAP M-step with the
 * Dirichlet and normal-inverse-Wishart priors exactly as hmmlearn writes them, and the stop rule on the E-step
 * log-likelihood gain. Deviations, each only where hmmlearn would produce NaN or fail: a state with zero total
 * posterior keeps its previous mean, covariance and transition row; a full/tied covariance update that is not
 * positive-definite keeps the previous covariance; {@code covarianceRidge} (default 0) adds to covariance
 * diagonals.
 */
final class ExpectationMaximization {
    private final HmmConfig cfg;

    ExpectationMaximization(HmmConfig cfg) {
        this.cfg = cfg;
    }

    /** Sufficient statistics of one or more sequences. */
    static final class Stats {
        final int k;
        final int d;
        double logProb;
        final double[] start;
        final double[] trans;
        final double[] post;
        final double[][] obs;
        final double[][] obs2;
        final double[][] obsObs;

        Stats(int k, int d, boolean full) {
            this.k = k;
            this.d = d;
            start = new double[k];
            trans = new double[k * k];
            post = new double[k];
            obs = new double[k][d];
            obs2 = full ? null : new double[k][d];
            obsObs = full ? new double[k][d * d] : null;
        }

        void add(Stats o) {
            logProb += o.logProb;
            for (int i = 0; i < k; i++) {
                start[i] += o.start[i];
                post[i] += o.post[i];
                for (int j = 0; j < d; j++) {
                    obs[i][j] += o.obs[i][j];
                }
                if (obs2 != null) {
                    for (int j = 0; j < d; j++) {
                        obs2[i][j] += o.obs2[i][j];
                    }
                } else {
                    for (int j = 0; j < d * d; j++) {
                        obsObs[i][j] += o.obsObs[i][j];
                    }
                }
            }
            for (int i = 0; i < k * k; i++) {
                trans[i] += o.trans[i];
            }
        }
    }

    /** Runs EM from {@code init} for at most {@code cfg.iterations()} iterations. */
    Result run(Sequences x, HmmParameters init, boolean showProgress) {
        CovarianceType type = cfg.covarianceType();
        HmmParameters p = init;
        List<Double> history = new ArrayList<>();
        List<Double> objective = new ArrayList<>();
        boolean converged = false;
        int it = 0;
        try (org.trainingdynamics.study.Progress progress = showProgress
                ? org.trainingdynamics.study.Progress.start("HMM EM", cfg.iterations())
                : org.trainingdynamics.study.Progress.silent()) {
            for (it = 0; it < cfg.iterations(); it++) {
                GaussianHmm model = GaussianHmm.unchecked(type, p);
                Stats st = eStep(model, x);
                objective.add(st.logProb + logPrior(p));
                p = mStep(p, st, x);
                history.add(st.logProb);
                progress.step();
                int n = history.size();
                if (n >= 2 && history.get(n - 1) - history.get(n - 2) < cfg.tol()) {
                    converged = true;
                    it++;
                    break;
                }
            }
        }
        double[] h = history.stream().mapToDouble(Double::doubleValue).toArray();
        double[] o = objective.stream().mapToDouble(Double::doubleValue).toArray();
        return new Result(GaussianHmm.unchecked(type, p), h, o, it, converged);
    }

    record Result(GaussianHmm model, double[] history, double[] objective, int iterations, boolean converged) {
    }

    /**
     * The log prior (up to a constant) whose MAP M-step is exactly hmmlearn's update, so that EM never decreases
     * {@code log-likelihood + logPrior}. hmmlearn's M-step maximises, per state, the expected complete-data
     * log-likelihood plus
     * <ul>
     * <li>{@code (startprob_prior - 1) Σ log π_i} and {@code (transmat_prior - 1) Σ log A_ij} over the entries not
     * held at zero (zero with the default priors of 1);</li>
     * <li>{@code -½ tr(Σ⁻¹ Ψ) - (w/2)(μ-μ₀)ᵀΣ⁻¹(μ-μ₀) - (a/2) log|Σ|} with Ψ = covars_prior · 11ᵀ for full and tied
     * (hmmlearn adds the scalar to every entry), Ψ = covars_prior · I for diag and spherical, w = means_weight,
     * μ₀ = means_prior, and a = max(covars_weight - d, 0) (full, tied) or max(covars_weight - 1, 0) for each of the
     * d variances (diag, spherical): setting the derivative in Σ to zero gives hmmlearn's
     * {@code (Ψ + S + w (μ-μ₀)(μ-μ₀)ᵀ) / (a + Σγ)}; tied counts the term once.</li>
     * </ul>
     * So the log-likelihood alone may fall between iterations by up to the change of this term (visible when a
     * state holds few frames, where covars_prior / Σγ is not small). The guarantee needs priors ≥ 1 on the
     * probabilities (below 1 hmmlearn clips at 0, which is no longer a MAP step), {@code covarianceRidge} = 0, and
     * no full/tied covariance so close to singular that the density needs hmmlearn's {@code +1e-7 I} retry (a state
     * collapsed onto about d frames or fewer, the singularity of Gaussian likelihoods, where the E-step no longer
     * sees the covariance the M-step chose). A state whose update is skipped for lack of mass keeps its old
     * values, which does not decrease the objective.
     */
    double logPrior(HmmParameters p) {
        int k = p.states();
        int d = p.features();
        double lp = 0;
        double sp = cfg.startprobPrior() - 1;
        double tp = cfg.transmatPrior() - 1;
        for (int i = 0; i < k; i++) {
            if (sp != 0 && p.rawStart()[i] > 0) {
                lp += sp * Math.log(p.rawStart()[i]);
            }
            for (int j = 0; j < k && tp != 0; j++) {
                if (p.rawTrans()[i][j] > 0) {
                    lp += tp * Math.log(p.rawTrans()[i][j]);
                }
            }
        }
        double c = cfg.covarsPrior();
        double w = cfg.meansWeight();
        double mu0 = cfg.meansPrior();
        CovarianceType type = cfg.covarianceType();
        double[] md = new double[d];
        if (type == CovarianceType.DIAG || type == CovarianceType.SPHERICAL) {
            double a = Math.max(cfg.covarsWeight() - 1, 0);
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < d; j++) {
                    double v = p.rawCovars()[i][j][j];
                    double m = p.rawMeans()[i][j] - mu0;
                    lp -= 0.5 * ((c + w * m * m) / v + a * Math.log(v));
                }
            }
            return lp;
        }
        double a = Math.max(cfg.covarsWeight() - d, 0);
        double[] ones = new double[d];
        Arrays.fill(ones, 1);
        int covs = type == CovarianceType.TIED ? 1 : k;
        for (int i = 0; i < covs; i++) {
            double[] l = Emissions.cholesky(p.rawCovars()[i], 0);
            if (l == null) {
                l = Emissions.cholesky(p.rawCovars()[i], 1e-7);
            }
            if (l == null) {
                return Double.NaN;
            }
            double logdet = 0;
            for (int j = 0; j < d; j++) {
                logdet += 2 * Math.log(l[j * d + j]);
            }
            double quad = c * inverseQuadratic(l, ones);
            for (int s = type == CovarianceType.TIED ? 0 : i; s < (type == CovarianceType.TIED ? k : i + 1); s++) {
                for (int j = 0; j < d; j++) {
                    md[j] = p.rawMeans()[s][j] - mu0;
                }
                quad += w == 0 ? 0 : w * inverseQuadratic(l, md);
            }
            lp -= 0.5 * (quad + a * logdet);
        }
        return lp;
    }

    /** {@code vᵀ(LLᵀ)⁻¹v} by forward substitution with the lower factor {@code l} (row-major d×d). */
    private static double inverseQuadratic(double[] l, double[] v) {
        int d = v.length;
        double[] y = new double[d];
        double q = 0;
        for (int i = 0; i < d; i++) {
            double s = v[i];
            for (int j = 0; j < i; j++) {
                s -= l[i * d + j] * y[j];
            }
            y[i] = s / l[i * d + i];
            q += y[i] * y[i];
        }
        return q;
    }

    /** The E-step: statistics summed over sequences in order. */
    Stats eStep(GaussianHmm model, Sequences x) {
        int k = model.states();
        int d = model.features();
        boolean full = cfg.covarianceType() == CovarianceType.FULL || cfg.covarianceType() == CovarianceType.TIED;
        Stats[] per = new Stats[x.count()];
        IntStream.range(0, x.count()).parallel().forEach(s -> per[s] = sequenceStats(model, x, s, full));
        Stats total = new Stats(k, d, full);
        for (Stats s : per) {
            total.add(s);
        }
        if (full) {
            for (int i = 0; i < k; i++) {
                double[] m = total.obsObs[i];
                for (int a = 0; a < d; a++) {
                    for (int b = a + 1; b < d; b++) {
                        m[a * d + b] = m[b * d + a];
                    }
                }
            }
        }
        return total;
    }

    static Stats sequenceStats(GaussianHmm model, Sequences x, int s, boolean full) {
        int k = model.states();
        int d = model.features();
        int len = x.length(s);
        ForwardBackward fb = model.kernels();
        double[] b = model.frameLogProb(x, s);
        double[] alpha = new double[len * k];
        double[] beta = new double[len * k];
        double[] gamma = new double[len * k];
        Stats st = new Stats(k, d, full);
        st.logProb = fb.forward(b, len, alpha);
        fb.backward(b, len, beta);
        fb.posteriors(alpha, beta, len, gamma);
        fb.addXiSum(alpha, beta, b, len, st.trans);
        System.arraycopy(gamma, 0, st.start, 0, k);
        double[] raw = x.raw();
        int off = x.offset(s) * d;
        for (int t = 0; t < len; t++) {
            int xo = off + t * d;
            for (int i = 0; i < k; i++) {
                double g = gamma[t * k + i];
                st.post[i] += g;
                double[] o = st.obs[i];
                for (int j = 0; j < d; j++) {
                    o[j] += g * raw[xo + j];
                }
                if (!full) {
                    double[] o2 = st.obs2[i];
                    for (int j = 0; j < d; j++) {
                        double v = raw[xo + j];
                        o2[j] += g * v * v;
                    }
                } else {
                    double[] oo = st.obsObs[i];
                    for (int a = 0; a < d; a++) {
                        double ga = g * raw[xo + a];
                        int row = a * d;
                        for (int c = 0; c <= a; c++) {
                            oo[row + c] += ga * raw[xo + c];
                        }
                    }
                }
            }
        }
        return st;
    }

    /** hmmlearn's {@code _BaseHMM._do_mstep} and {@code GaussianHMM._do_mstep}. */
    HmmParameters mStep(HmmParameters old, Stats st, Sequences x) {
        int k = old.states();
        int d = old.features();
        String params = cfg.params();
        double[] start = old.rawStart().clone();
        double[][] trans = HmmParameters.deepCopy(old.rawTrans());
        double[][] means = HmmParameters.deepCopy(old.rawMeans());
        double[][][] covars = old.covars();
        if (params.indexOf('s') >= 0) {
            double[] ns = new double[k];
            double sum = 0;
            for (int i = 0; i < k; i++) {
                double v = Math.max(cfg.startprobPrior() - 1 + st.start[i], 0);
                ns[i] = old.rawStart()[i] == 0 ? 0 : v;
                sum += ns[i];
            }
            if (sum > 0 && Double.isFinite(sum)) {
                for (int i = 0; i < k; i++) {
                    start[i] = ns[i] / sum;
                }
            }
        }
        if (params.indexOf('t') >= 0) {
            for (int i = 0; i < k; i++) {
                double[] row = new double[k];
                double sum = 0;
                for (int j = 0; j < k; j++) {
                    double v = Math.max(cfg.transmatPrior() - 1 + st.trans[i * k + j], 0);
                    row[j] = old.rawTrans()[i][j] == 0 ? 0 : v;
                    sum += row[j];
                }
                if (sum > 0 && Double.isFinite(sum)) { // else: a never-left state keeps its row (hmmlearn: zero row)
                    for (int j = 0; j < k; j++) {
                        trans[i][j] = row[j] / sum;
                    }
                }
            }
        }
        double mw = cfg.meansWeight();
        double mp = cfg.meansPrior();
        boolean[] keep = new boolean[k];
        if (params.indexOf('m') >= 0) {
            for (int i = 0; i < k; i++) {
                double denom = mw + st.post[i];
                double[] nm = new double[d];
                boolean ok = denom > 0;
                for (int j = 0; j < d && ok; j++) {
                    nm[j] = (mw * mp + st.obs[i][j]) / denom;
                    ok = Double.isFinite(nm[j]);
                }
                if (ok) {
                    means[i] = nm;
                } else {
                    keep[i] = true;
                }
            }
        }
        if (params.indexOf('c') >= 0) {
            double prior = cfg.covarsPrior();
            double cw = cfg.covarsWeight();
            CovarianceType type = cfg.covarianceType();
            if (type == CovarianceType.DIAG || type == CovarianceType.SPHERICAL) {
                for (int i = 0; i < k; i++) {
                    if (keep[i]) {
                        continue;
                    }
                    double cd = Math.max(Math.max(cw - 1, 0) + st.post[i], 1e-5);
                    double[] v = new double[d];
                    double avg = 0;
                    for (int j = 0; j < d; j++) {
                        double mu = means[i][j];
                        double md = mu - mp;
                        double cn = mw * md * md + st.obs2[i][j] - 2 * mu * st.obs[i][j] + mu * mu * st.post[i];
                        v[j] = (prior + cn) / cd;
                        avg += v[j];
                    }
                    avg /= d;
                    double[][] c = new double[d][d];
                    for (int j = 0; j < d; j++) {
                        c[j][j] = (type == CovarianceType.SPHERICAL ? avg : v[j]) + cfg.covarianceRidge();
                    }
                    if (allFinite(c)) {
                        covars[i] = c;
                    }
                }
            } else {
                double cvw = Math.max(cw - d, 0);
                double[][][] cn = new double[k][d][d];
                for (int i = 0; i < k; i++) {
                    double[] mu = means[i];
                    double g = st.post[i];
                    for (int a = 0; a < d; a++) {
                        double mda = mu[a] - mp;
                        for (int b = 0; b < d; b++) {
                            double mdb = mu[b] - mp;
                            // obsmean = outer(obs, mu); c_n = w*outer(md,md) + obs*obs.T - obsmean - obsmean.T + outer(mu,mu)*post
                            cn[i][a][b] = mw * mda * mdb + st.obsObs[i][a * d + b] - st.obs[i][a] * mu[b]
                                    - mu[a] * st.obs[i][b] + mu[a] * mu[b] * g;
                        }
                    }
                }
                if (type == CovarianceType.TIED) {
                    double total = 0;
                    for (int i = 0; i < k; i++) {
                        total += st.post[i];
                    }
                    double[][] c = new double[d][d];
                    for (int a = 0; a < d; a++) {
                        for (int b = 0; b < d; b++) {
                            double s = 0;
                            for (int i = 0; i < k; i++) {
                                s += cn[i][a][b];
                            }
                            c[a][b] = (prior + s) / (cvw + total) + (a == b ? cfg.covarianceRidge() : 0);
                        }
                    }
                    if (usable(c)) {
                        for (int i = 0; i < k; i++) {
                            covars[i] = HmmParameters.deepCopy(c);
                        }
                    }
                } else {
                    for (int i = 0; i < k; i++) {
                        if (keep[i]) {
                            continue;
                        }
                        double[][] c = new double[d][d];
                        for (int a = 0; a < d; a++) {
                            for (int b = 0; b < d; b++) {
                                c[a][b] = (prior + cn[i][a][b]) / (cvw + st.post[i]) + (a == b ? cfg.covarianceRidge() : 0);
                            }
                        }
                        if (usable(c)) {
                            covars[i] = c;
                        }
                    }
                }
            }
        }
        return new HmmParameters(start, trans, means, covars);
    }

    /**
     * A full covariance is kept only if finite and positive-definite (as the density will factor it, with
     * hmmlearn's 1e-7 retry); otherwise the state keeps its previous covariance. hmmlearn would raise "'covars'
     * must be symmetric, positive-definite" in the next E-step; this happens when a state's posterior mass
     * vanishes, because covars_prior / sum(gamma) then dominates every entry (a rank-one matrix).
     */
    private static boolean usable(double[][] c) {
        return allFinite(c) && (Emissions.cholesky(c, 0) != null || Emissions.cholesky(c, 1e-7) != null);
    }

    private static boolean allFinite(double[][] c) {
        for (double[] r : c) {
            for (double v : r) {
                if (!Double.isFinite(v)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** hmmlearn's {@code GaussianHMM._init}: Dirichlet(1/K) start and rows, k-means means, np.cov + min_covar. */
    static HmmParameters initialise(HmmConfig cfg, Sequences x, HmmParameters given, java.util.SplittableRandom rng) {
        int k = cfg.states();
        int d = x.features();
        String ip = given == null ? "stmc" : cfg.initParams();
        double[] start = given == null ? null : given.rawStart();
        double[][] trans = given == null ? null : given.rawTrans();
        double[][] means = given == null ? null : given.rawMeans();
        double[][][] covars = given == null ? null : given.rawCovars();
        double alpha = 1.0 / k;
        if (ip.indexOf('s') >= 0) {
            start = cfg.dirichletInit() ? Dirichlet.sample(alpha, k, rng) : uniform(k);
        }
        if (ip.indexOf('t') >= 0) {
            trans = new double[k][];
            for (int i = 0; i < k; i++) {
                trans[i] = cfg.dirichletInit() ? Dirichlet.sample(alpha, k, rng) : uniform(k);
            }
        }
        if (ip.indexOf('m') >= 0) {
            means = KMeans.fit(x.raw(), x.frames(), d, k, cfg.kmeansInits(), rng);
        }
        if (ip.indexOf('c') >= 0) {
            double[][] cv = covariance(x);
            for (int a = 0; a < d; a++) {
                cv[a][a] += cfg.minCovar() + cfg.covarianceRidge();
            }
            covars = new double[k][][];
            for (int i = 0; i < k; i++) {
                double[][] c = new double[d][d];
                switch (cfg.covarianceType()) {
                    case FULL, TIED -> c = HmmParameters.deepCopy(cv);
                    case DIAG -> {
                        for (int a = 0; a < d; a++) {
                            c[a][a] = cv[a][a];
                        }
                    }
                    case SPHERICAL -> {
                        double m = 0; // hmmlearn: tied_cv.mean(), the mean of ALL entries
                        for (double[] r : cv) {
                            for (double v : r) {
                                m += v;
                            }
                        }
                        m /= (double) d * d;
                        for (int a = 0; a < d; a++) {
                            c[a][a] = m;
                        }
                    }
                    default -> throw new IllegalStateException();
                }
                covars[i] = c;
            }
        }
        return new HmmParameters(start, trans, means, covars);
    }

    private static double[] uniform(int k) {
        double[] u = new double[k];
        Arrays.fill(u, 1.0 / k);
        return u;
    }

    /** {@code np.cov(X.T)}: the unbiased sample covariance of all frames. */
    static double[][] covariance(Sequences x) {
        int n = x.frames();
        int d = x.features();
        double[] raw = x.raw();
        double[] mean = new double[d];
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < d; j++) {
                mean[j] += raw[t * d + j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double[][] c = new double[d][d];
        for (int t = 0; t < n; t++) {
            for (int a = 0; a < d; a++) {
                double za = raw[t * d + a] - mean[a];
                for (int b = 0; b <= a; b++) {
                    c[a][b] += za * (raw[t * d + b] - mean[b]);
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = 0; b <= a; b++) {
                c[a][b] /= Math.max(n - 1, 1);
                c[b][a] = c[a][b];
            }
        }
        return c;
    }
}
