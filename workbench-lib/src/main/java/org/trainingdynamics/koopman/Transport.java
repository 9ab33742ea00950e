package org.trainingdynamics.koopman;

import java.util.Arrays;

/**
 * Exact optimal transport between uniform discrete measures (weights 1/n on the rows, 1/m on the columns of a
 * cost matrix): the transportation problem min Σ c_ij π_ij s.t. row sums 1/n, column sums 1/m, π ≥ 0.
 *
 * <p>Scaled by n·m, every row supplies m units and every column demands n units; the polytope then has integral
 * vertices, so successive shortest augmenting paths (Bellman–Ford on the residual bipartite graph, which
 * stays correct with negative reduced costs) reach an optimal integral plan. The result is divided by n·m.
 * Complexity O(#augmentations · (n+m) · n · m), with at most n + m − 1 + (number of plan changes)
 * augmentations; fine for spectra of tens to hundreds of eigenvalues.
 */
public final class Transport {
    private Transport() {
    }

    /** W1 cost of the optimal uniform-weight plan for cost matrix c (n × m). */
    public static double uniform(double[][] c) {
        int n = c.length;
        if (n == 0 || c[0].length == 0) {
            throw new IllegalArgumentException("empty cost matrix");
        }
        int m = c[0].length;
        long[] supply = new long[n];
        long[] demand = new long[m];
        Arrays.fill(supply, m);
        Arrays.fill(demand, n);
        long[][] flow = new long[n][m];
        long total = (long) n * m;
        long sent = 0;
        // nodes: 0 = source, 1..n rows, n+1..n+m columns, n+m+1 sink
        int nodes = n + m + 2;
        int sink = n + m + 1;
        while (sent < total) {
            double[] dist = new double[nodes];
            int[] prev = new int[nodes];
            Arrays.fill(dist, Double.POSITIVE_INFINITY);
            Arrays.fill(prev, -1);
            dist[0] = 0;
            // Bellman–Ford over the residual graph
            for (int iter = 0; iter < nodes; iter++) {
                boolean changed = false;
                for (int i = 0; i < n; i++) {
                    if (supply[i] > 0 && dist[0] < dist[1 + i]) {
                        dist[1 + i] = dist[0];
                        prev[1 + i] = 0;
                        changed = true;
                    }
                }
                for (int i = 0; i < n; i++) {
                    double di = dist[1 + i];
                    for (int j = 0; j < m; j++) {
                        // forward edge row -> column (unbounded capacity)
                        if (di + c[i][j] < dist[1 + n + j] - 1e-15) {
                            dist[1 + n + j] = di + c[i][j];
                            prev[1 + n + j] = 1 + i;
                            changed = true;
                        }
                        // backward edge column -> row where flow > 0
                        if (flow[i][j] > 0 && dist[1 + n + j] - c[i][j] < di - 1e-15) {
                            di = dist[1 + n + j] - c[i][j];
                            dist[1 + i] = di;
                            prev[1 + i] = 1 + n + j;
                            changed = true;
                        }
                    }
                }
                for (int j = 0; j < m; j++) {
                    if (demand[j] > 0 && dist[1 + n + j] < dist[sink]) {
                        dist[sink] = dist[1 + n + j];
                        prev[sink] = 1 + n + j;
                        changed = true;
                    }
                }
                if (!changed) {
                    break;
                }
            }
            if (prev[sink] < 0) {
                throw new IllegalStateException("transport: no augmenting path (internal error)");
            }
            // bottleneck
            long amt = Long.MAX_VALUE;
            int v = sink;
            while (v != 0) {
                int u = prev[v];
                if (u == 0) {
                    amt = Math.min(amt, supply[v - 1]);
                } else if (v == sink) {
                    amt = Math.min(amt, demand[u - 1 - n]);
                } else if (u > n) {
                    amt = Math.min(amt, flow[v - 1][u - 1 - n]);
                }
                v = u;
            }
            v = sink;
            while (v != 0) {
                int u = prev[v];
                if (u == 0) {
                    supply[v - 1] -= amt;
                } else if (v == sink) {
                    demand[u - 1 - n] -= amt;
                } else if (u > n) {
                    flow[v - 1][u - 1 - n] -= amt;
                } else {
                    flow[u - 1][v - 1 - n] += amt;
                }
                v = u;
            }
            sent += amt;
        }
        double cost = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                cost += flow[i][j] * c[i][j];
            }
        }
        return cost / total;
    }
}
