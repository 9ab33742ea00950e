package org.trainingdynamics.hmm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Which features drive each state transition (Hu et al. 2023 §3; {@code 05_analyze_state_transitions.ipynb}): for
 * every decoded transition {@code i -> j} at frame t, the gradient of the filtering log-posterior
 * {@code log p(s_t = j | z_{0..t})} with respect to the observation {@code z_t},
 * <pre>  g = Sigma_j^{-1} (mu_j - z_t) - sum_k p_k Sigma_k^{-1} (mu_k - z_t),   p_k = p(s_t = k | z_{0..t}),</pre>
 * averaged over all occurrences; features are ranked by |mean g|. The released notebook sums the second term to a
 * scalar ({@code np.sum} without an axis); this is the vector form. The mean difference {@code mu_j - mu_i} is
 * reported alongside.
 */
public final class TransitionAttribution {
    private TransitionAttribution() {
    }

    /** Attributes every transition in the Viterbi paths of {@code x} under {@code model}. */
    public static Result of(GaussianHmm model, Sequences x, List<String> featureNames) {
        int d = model.features();
        if (featureNames.size() != d) {
            throw new IllegalArgumentException(featureNames.size() + " feature names for " + d + " features");
        }
        int k = model.states();
        double[][] filt = model.filteringPosteriors(x);
        int[] path = model.viterbi(x).path();
        double[][] mu = model.means();
        Map<Long, double[]> sums = new LinkedHashMap<>();
        Map<Long, Integer> counts = new LinkedHashMap<>();
        for (int s = 0; s < x.count(); s++) {
            int off = x.offset(s);
            for (int t = 1; t < x.length(s); t++) {
                int i = path[off + t - 1];
                int j = path[off + t];
                if (i == j) {
                    continue;
                }
                double[] g = gradient(model, mu, x, off + t, j, filt[off + t]);
                long key = (long) i * k + j;
                double[] acc = sums.computeIfAbsent(key, q -> new double[d]);
                for (int a = 0; a < d; a++) {
                    acc[a] += g[a];
                }
                counts.merge(key, 1, Integer::sum);
            }
        }
        List<Transition> out = new ArrayList<>();
        for (Map.Entry<Long, double[]> e : sums.entrySet()) {
            int i = (int) (e.getKey() / k);
            int j = (int) (e.getKey() % k);
            int n = counts.get(e.getKey());
            double[] mean = e.getValue().clone();
            double[] diff = new double[d];
            for (int a = 0; a < d; a++) {
                mean[a] /= n;
                diff[a] = mu[j][a] - mu[i][a];
            }
            out.add(new Transition(i, j, n, mean, diff));
        }
        out.sort(Comparator.comparingInt(Transition::from).thenComparingInt(Transition::to));
        return new Result(out, List.copyOf(featureNames));
    }

    /** The gradient of {@code log p(s_t = j | z_{0..t})} with respect to {@code z_t}. */
    static double[] gradient(GaussianHmm model, double[][] mu, Sequences x, int frame, int j, double[] p) {
        int d = model.features();
        double[] z = new double[d];
        for (int a = 0; a < d; a++) {
            z[a] = x.get(frame, a);
        }
        double[] g = model.precisionTimes(j, diff(mu[j], z));
        for (int s = 0; s < model.states(); s++) {
            if (p[s] == 0) {
                continue;
            }
            double[] h = model.precisionTimes(s, diff(mu[s], z));
            for (int a = 0; a < d; a++) {
                g[a] -= p[s] * h[a];
            }
        }
        return g;
    }

    private static double[] diff(double[] a, double[] b) {
        double[] o = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            o[i] = a[i] - b[i];
        }
        return o;
    }

    /** One transition type: mean gradient over its {@code count} occurrences and {@code mu_to - mu_from}. */
    public record Transition(int from, int to, int count, double[] meanGradient, double[] meanDifference) {
        /** Feature indices ranked by |mean gradient|, largest first. */
        public int[] ranking() {
            Integer[] idx = new Integer[meanGradient.length];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = i;
            }
            java.util.Arrays.sort(idx, (a, b) -> Double.compare(Math.abs(meanGradient[b]), Math.abs(meanGradient[a])));
            return java.util.Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
        }
    }

    /** All transition types. */
    public record Result(List<Transition> transitions, List<String> features) {
        /** The top {@code n} feature names of transition {@code from -> to}. */
        public List<String> topFeatures(int from, int to, int n) {
            for (Transition t : transitions) {
                if (t.from() == from && t.to() == to) {
                    int[] r = t.ranking();
                    List<String> o = new ArrayList<>();
                    for (int i = 0; i < Math.min(n, r.length); i++) {
                        o.add(features.get(r[i]));
                    }
                    return o;
                }
            }
            throw new IllegalArgumentException("transition " + from + "->" + to + " never occurs in the decoded paths");
        }

        /** Long table: from, to, count, feature, rank, gradient, mean_difference. */
        public Table toTable() {
            IntColumn f = IntColumn.create("from");
            IntColumn t = IntColumn.create("to");
            IntColumn c = IntColumn.create("count");
            StringColumn feat = StringColumn.create("feature");
            IntColumn rank = IntColumn.create("rank");
            DoubleColumn g = DoubleColumn.create("gradient");
            DoubleColumn md = DoubleColumn.create("mean_difference");
            for (Transition tr : transitions) {
                int[] r = tr.ranking();
                for (int q = 0; q < r.length; q++) {
                    f.append(tr.from());
                    t.append(tr.to());
                    c.append(tr.count());
                    feat.append(features.get(r[q]));
                    rank.append(q + 1);
                    g.append(tr.meanGradient()[r[q]]);
                    md.append(tr.meanDifference()[r[q]]);
                }
            }
            return Table.create("transition-attribution", f, t, c, feat, rank, g, md);
        }
    }
}
