package org.trainingdynamics.spectral;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * WeightWatcher's per-layer metrics of the empirical spectral density λ = σ² of an N × M weight matrix
 * (N ≥ M; no 1/N normalisation), as {@code analyze()} reports them (research note §4):
 * norm metrics ({@code apply_norm_metrics}), the power-law tail ({@link PowerLawFit}), the Marchenko–Pastur
 * bulk ({@code mp_fit}) and the comparison with an element-shuffled W ({@code apply_random_esd}).
 *
 * @param fit     the power-law fit, empty when the spectrum has no fittable tail (fewer than 2 eigenvalues
 *                above 1e-5, or all equal)
 * @param metrics metric name → value, in WeightWatcher's names ({@code alpha}, {@code log_norm}, …)
 */
public record EsdMetrics(Optional<PowerLawFit> fit, Map<String, Double> metrics) {

    /**
     * Computes the metrics.
     *
     * @param evals     the eigenvalues λ = σ² (any order; pooled over conv taps if so configured)
     * @param n         the larger side N of the (slice) matrix
     * @param m         the smaller side M of the (slice) matrix
     * @param randEvals eigenvalues of the element-shuffled W (same count), or null to skip the random ESD
     */
    public static EsdMetrics of(double[] evals, int n, int m, double[] randEvals) {
        if (evals.length == 0) {
            throw new IllegalArgumentException("ESD has no eigenvalues");
        }
        double[] lam = evals.clone();
        Arrays.sort(lam);
        int count = lam.length;
        double lmax = lam[count - 1];
        double norm = SpectrumMetrics.sum(lam);
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("norm", norm);
        out.put("log_norm", Math.log10(norm));
        out.put("spectral_norm", lmax);
        out.put("log_spectral_norm", Math.log10(lmax));
        out.put("stable_rank", lmax == 0 ? 0 : norm / lmax);

        // numerical rank with numpy.linalg.matrix_rank's tolerance σ_max · max(N, M) · eps
        double tol = Math.sqrt(lmax) * Math.max(n, m) * Math.ulp(1.0);
        int rank = 0;
        int weak = 0;
        for (double l : lam) {
            if (Math.sqrt(Math.max(l, 0)) > tol) {
                rank++;
            }
            if (l < 1e-6) {
                weak++;
            }
        }
        out.put("matrix_rank", (double) rank);
        out.put("rank_loss", (double) (count - rank));
        out.put("weak_rank_loss", (double) weak);
        if (norm > 0) {
            double h = 0;
            for (double l : lam) {
                double p = l / norm;
                if (p > 0) {
                    h -= p * Math.log(p);
                }
            }
            out.put("entropy", h / Math.log(rank == 1 ? 1.000001 : rank));
        }

        Optional<PowerLawFit> fit;
        try {
            fit = Optional.of(PowerLawFit.fit(lam));
        } catch (IllegalArgumentException e) {
            fit = Optional.empty();
        }
        fit.ifPresent(f -> {
            out.put("alpha", f.alpha());
            out.put("alpha_weighted", f.alpha() * Math.log10(lmax));
            double s = 0;
            for (double l : lam) {
                s += Math.pow(l, f.alpha());
            }
            out.put("log_alpha_norm", Math.log10(s));
            out.put("D", f.ksDistance());
            out.put("sigma", f.sigma());
            out.put("xmin", f.xmin());
            out.put("num_pl_spikes", (double) f.tailCount());
        });

        if (norm > 0) {
            MarchenkoPastur.BulkFit mp = MarchenkoPastur.fitBulk(lam, n, m);
            out.put("sigma_mp", mp.sigma());
            out.put("bulk_max", mp.bulkMax());
            out.put("num_spikes", (double) mp.spikes());
            out.put("mp_softrank", mp.softRank());
        }

        if (randEvals != null) {
            if (randEvals.length != count) {
                throw new IllegalArgumentException("shuffled ESD has " + randEvals.length + " eigenvalues, expected " + count);
            }
            double[] rnd = randEvals.clone();
            Arrays.sort(rnd);
            double rmax = rnd[count - 1];
            out.put("rand_distance", jensenShannonDistance(lam, rnd));
            out.put("max_rand_eval", rmax);
            out.put("ww_softrank", lmax == 0 ? 0 : rmax / lmax);
            out.put("ww_maxdist", lmax - rmax);
        }
        return new EsdMetrics(fit, out);
    }

    /**
     * Jensen–Shannon distance between two non-negative vectors, each normalised to a probability vector as
     * {@code scipy.stats.entropy} does: {@code sqrt((KL(p̂‖m̂) + KL(q̂‖m̂))/2)} with {@code m = (p+q)/2},
     * natural logarithm (WeightWatcher's {@code jensen_shannon_distance}).
     */
    public static double jensenShannonDistance(double[] p, double[] q) {
        double[] mid = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            mid[i] = (p[i] + q[i]) / 2;
        }
        double div = (kl(p, mid) + kl(q, mid)) / 2;
        return Math.sqrt(Math.max(div, 0));
    }

    private static double kl(double[] p, double[] q) {
        double sp = SpectrumMetrics.sum(p);
        double sq = SpectrumMetrics.sum(q);
        double s = 0;
        for (int i = 0; i < p.length; i++) {
            double a = p[i] / sp;
            if (a > 0) {
                s += a * Math.log(a / (q[i] / sq));
            }
        }
        return s;
    }
}
