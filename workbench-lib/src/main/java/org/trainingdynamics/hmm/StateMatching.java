package org.trainingdynamics.hmm;

import java.util.HashSet;
import java.util.Set;
import org.jgrapht.Graph;
import org.jgrapht.alg.interfaces.MatchingAlgorithm;
import org.jgrapht.alg.matching.KuhnMunkresMinimalWeightBipartitePerfectMatching;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;

/**
 * Label matching between HMM fits (hmmlearn issues #46, #119, #557: states come out permuted): the permutation
 * minimising the total squared Euclidean distance between matched state means, solved exactly as an assignment
 * problem (Kuhn-Munkres, JGraphT).
 */
public final class StateMatching {
    private StateMatching() {
    }

    /**
     * The permutation {@code perm} with {@code means[perm[i]]} matched to {@code reference[i]}; apply it with
     * {@link GaussianHmm#permute(int[])} to relabel a fit like the reference.
     */
    public static int[] match(double[][] reference, double[][] means) {
        int k = reference.length;
        if (means.length != k) {
            throw new IllegalArgumentException("cannot match " + means.length + " states to " + k);
        }
        if (k == 1) {
            return new int[]{0};
        }
        Graph<String, DefaultWeightedEdge> g = new SimpleWeightedGraph<>(DefaultWeightedEdge.class);
        Set<String> left = new HashSet<>();
        Set<String> right = new HashSet<>();
        for (int i = 0; i < k; i++) {
            g.addVertex("r" + i);
            g.addVertex("m" + i);
            left.add("r" + i);
            right.add("m" + i);
        }
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double dist = 0;
                for (int a = 0; a < reference[i].length; a++) {
                    double z = reference[i][a] - means[j][a];
                    dist += z * z;
                }
                DefaultWeightedEdge e = g.addEdge("r" + i, "m" + j);
                g.setEdgeWeight(e, dist);
            }
        }
        MatchingAlgorithm.Matching<String, DefaultWeightedEdge> m =
                new KuhnMunkresMinimalWeightBipartitePerfectMatching<>(g, left, right).getMatching();
        int[] perm = new int[k];
        for (DefaultWeightedEdge e : m.getEdges()) {
            String s = g.getEdgeSource(e);
            String t = g.getEdgeTarget(e);
            String r = s.startsWith("r") ? s : t;
            String mm = s.startsWith("r") ? t : s;
            perm[Integer.parseInt(r.substring(1))] = Integer.parseInt(mm.substring(1));
        }
        return perm;
    }

    /** {@code model} relabelled so that its states line up with {@code reference}'s by means. */
    public static GaussianHmm align(GaussianHmm reference, GaussianHmm model) {
        return model.permute(match(reference.means(), model.means()));
    }
}
