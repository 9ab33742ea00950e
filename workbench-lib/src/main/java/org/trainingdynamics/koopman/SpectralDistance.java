package org.trainingdynamics.koopman;

import java.util.LinkedHashSet;
import java.util.Set;
import org.jgrapht.Graph;
import org.jgrapht.alg.interfaces.MatchingAlgorithm;
import org.jgrapht.alg.matching.KuhnMunkresMinimalWeightBipartitePerfectMatching;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;

/**
 * The distance between two Koopman spectra used by Redman et al. (2024, §3 and the released
 * {@code wasserstein_distance.py}): the 1-Wasserstein distance between the uniform measures on the two
 * eigenvalue sets with a ground metric on ℂ.
 *
 * <ul>
 *   <li>Equal sizes: optimal assignment (Kuhn–Munkres, JGraphT), W = mean matched ground distance — exactly
 *       the paper's {@code linear_sum_assignment} on {@code cdist}.</li>
 *   <li>Unequal sizes n ≠ m: exact optimal transport between uniform weights 1/n and 1/m
 *       ({@link Transport}, a transportation problem solved by min-cost flow on integer masses m and n).</li>
 * </ul>
 * Ground metrics: {@link Ground#EUCLIDEAN} |λ − μ| (the paper) or {@link Ground#LOG} |log λ − log μ|
 * (principal log: compares per-step growth rates and frequencies, so τ = −1/ln|λ| differences near the unit
 * circle are not hidden; it has a branch cut on the negative real axis and rejects λ = 0).
 */
public final class SpectralDistance {
    /** Ground metric on eigenvalues. */
    public enum Ground { EUCLIDEAN, LOG }

    private SpectralDistance() {
    }

    /** The paper's distance: Euclidean ground metric. */
    public static double wasserstein(KoopmanSpectrum a, KoopmanSpectrum b) {
        return wasserstein(a, b, Ground.EUCLIDEAN);
    }

    /** 1-Wasserstein distance between uniform measures on the two spectra under the given ground metric. */
    public static double wasserstein(KoopmanSpectrum a, KoopmanSpectrum b, Ground g) {
        double[][] c = cost(a, b, g);
        if (a.size() == b.size()) {
            int[] m = assignment(c);
            double s = 0;
            for (int i = 0; i < m.length; i++) {
                s += c[i][m[i]];
            }
            return s / m.length;
        }
        return Transport.uniform(c);
    }

    /** Ground-distance matrix c[i][j] = d(a_i, b_j). */
    public static double[][] cost(KoopmanSpectrum a, KoopmanSpectrum b, Ground g) {
        double[][] c = new double[a.size()][b.size()];
        for (int i = 0; i < a.size(); i++) {
            for (int j = 0; j < b.size(); j++) {
                c[i][j] = switch (g) {
                    case EUCLIDEAN -> Math.hypot(a.re()[i] - b.re()[j], a.im()[i] - b.im()[j]);
                    case LOG -> {
                        double[] la = log(a.re()[i], a.im()[i]);
                        double[] lb = log(b.re()[j], b.im()[j]);
                        yield Math.hypot(la[0] - lb[0], la[1] - lb[1]);
                    }
                };
            }
        }
        return c;
    }

    private static double[] log(double re, double im) {
        double mod = Math.hypot(re, im);
        if (mod == 0) {
            throw new IllegalArgumentException("eigenvalue 0 has no logarithm; use the Euclidean ground metric");
        }
        return new double[]{Math.log(mod), Math.atan2(im, re)};
    }

    /**
     * Minimum-cost perfect matching of a square cost matrix (Kuhn–Munkres, JGraphT): element i of the result is
     * the column matched to row i.
     */
    public static int[] assignment(double[][] c) {
        int n = c.length;
        for (double[] row : c) {
            if (row.length != n) {
                throw new IllegalArgumentException("assignment needs a square cost matrix, got " + n + "x" + row.length);
            }
        }
        if (n == 1) {
            return new int[]{0};
        }
        Graph<Integer, DefaultWeightedEdge> g = new SimpleWeightedGraph<>(DefaultWeightedEdge.class);
        Set<Integer> left = new LinkedHashSet<>();
        Set<Integer> right = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            g.addVertex(i);
            left.add(i);
            g.addVertex(n + i);
            right.add(n + i);
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (!Double.isFinite(c[i][j])) {
                    throw new IllegalArgumentException("cost[" + i + "][" + j + "] is " + c[i][j]);
                }
                DefaultWeightedEdge e = g.addEdge(i, n + j);
                g.setEdgeWeight(e, c[i][j]);
            }
        }
        MatchingAlgorithm.Matching<Integer, DefaultWeightedEdge> m =
                new KuhnMunkresMinimalWeightBipartitePerfectMatching<>(g, left, right).getMatching();
        int[] out = new int[n];
        for (DefaultWeightedEdge e : m.getEdges()) {
            int s = g.getEdgeSource(e);
            int t = g.getEdgeTarget(e);
            if (s < n) {
                out[s] = t - n;
            } else {
                out[t] = s - n;
            }
        }
        return out;
    }
}
