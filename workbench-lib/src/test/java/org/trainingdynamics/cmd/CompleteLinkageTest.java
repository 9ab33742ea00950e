package org.trainingdynamics.cmd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The NN-chain complete linkage against a naive O(n³) agglomeration, and scipy's fcluster semantics. */
class CompleteLinkageTest {

    @Test
    void agreesWithNaiveCompleteLinkage() {
        Random rng = new Random(1);
        for (int trial = 0; trial < 5; trial++) {
            int n = 40 + trial * 13;
            double[][] pts = new double[n][3];
            for (double[] p : pts) {
                for (int j = 0; j < 3; j++) {
                    p[j] = rng.nextGaussian();
                }
            }
            double[] cond = new double[n * (n - 1) / 2];
            double[][] full = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    double d = Math.sqrt(sq(pts[i][0] - pts[j][0]) + sq(pts[i][1] - pts[j][1]) + sq(pts[i][2] - pts[j][2]));
                    cond[(int) CompleteLinkage.condensedIndex(n, i, j)] = d;
                    full[i][j] = d;
                    full[j][i] = d;
                }
            }
            Dendrogram z = CompleteLinkage.fit(cond, n);
            double[] naive = naiveHeights(full);
            assertThat(z.height()).containsExactly(naive, org.assertj.core.data.Offset.offset(0.0));
            for (int m = 1; m <= 8; m++) {
                int[] labels = z.cutMaxclust(m);
                assertThat(java.util.Arrays.stream(labels).max().orElseThrow()).isEqualTo(m);
                // every cluster's diameter is below the cut, the cut is the lowest with <= m clusters
                assertThat(naiveClusterCount(full, naive[n - 1 - m])).isEqualTo(m);
            }
            int[] byDist = z.cutDistance(naive[n - 4]);
            assertThat(java.util.Arrays.stream(byDist).max().orElseThrow()).isEqualTo(3);
        }
    }

    @Test
    void numbersClustersLikeScipy() {
        // points 0,1 close; 2,3 close; 4 far: scipy labels leaves after descending into merged children
        double[][] x = {{0}, {0.1}, {5}, {5.2}, {20}};
        int n = x.length;
        double[] cond = new double[n * (n - 1) / 2];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                cond[(int) CompleteLinkage.condensedIndex(n, i, j)] = Math.abs(x[i][0] - x[j][0]);
            }
        }
        Dendrogram z = CompleteLinkage.fit(cond, n);
        // scipy 1.17: Z = [[0,1,.1,2],[2,3,.2,2],[5,6,5.2,4],[4,7,20,5]];
        // fcluster(Z,3,'maxclust') = [1,1,2,2,3], (Z,2,'maxclust') = [1,1,1,1,2], (Z,.15,'distance') = [1,1,2,3,4]
        assertThat(z.left()).containsExactly(0, 2, 5, 4);
        assertThat(z.right()).containsExactly(1, 3, 6, 7);
        assertThat(z.height()).containsExactly(new double[]{0.1, 0.2, 5.2, 20.0}, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(z.cutMaxclust(3)).containsExactly(1, 1, 2, 2, 3);
        assertThat(z.cutMaxclust(2)).containsExactly(1, 1, 1, 1, 2);
        assertThat(z.cutDistance(0.15)).containsExactly(1, 1, 2, 3, 4);
    }

    @Test
    void reproducesScipyOnExactTies() throws Exception {
        // scipy's linkage and fcluster on 30 integer points (cityblock: many equal distances), from make_ties.py
        java.nio.file.Path dir = java.nio.file.Path.of(getClass().getResource("/cmd/ties-d.npy").toURI()).getParent();
        double[] d = org.trainingdynamics.trajectory.Npy.read(dir.resolve("ties-d.npy")).toDoubleArray();
        double[][] zRef = org.trainingdynamics.trajectory.Npy.read(dir.resolve("ties-Z.npy")).toDoubleMatrix();
        long[] labels = org.trainingdynamics.trajectory.Npy.read(dir.resolve("ties-labels.npy")).toLongArray();
        double max = java.util.Arrays.stream(d).max().orElseThrow();
        int n = 30;
        Dendrogram z = CompleteLinkage.fit(d.clone(), n);
        for (int i = 0; i < n - 1; i++) {
            assertThat(new double[]{z.left()[i], z.right()[i], z.height()[i], z.size()[i]}).as("merge %d", i)
                    .containsExactly(zRef[i]);
        }
        int[][] cuts = {z.cutMaxclust(2), z.cutMaxclust(3), z.cutMaxclust(5), z.cutMaxclust(8),
            z.cutDistance(max / 2), z.cutDistance(max / 3)};
        for (int c = 0; c < cuts.length; c++) {
            for (int i = 0; i < n; i++) {
                assertThat((long) cuts[c][i]).as("cut %d leaf %d", c, i).isEqualTo(labels[c * n + i]);
            }
        }
    }

    static double sq(double v) {
        return v * v;
    }

    /** Merge heights of naive complete linkage (sorted). */
    static double[] naiveHeights(double[][] d) {
        int n = d.length;
        List<List<Integer>> clusters = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            clusters.add(new ArrayList<>(List.of(i)));
        }
        double[] h = new double[n - 1];
        for (int k = 0; k < n - 1; k++) {
            double best = Double.POSITIVE_INFINITY;
            int bi = -1;
            int bj = -1;
            for (int i = 0; i < clusters.size(); i++) {
                for (int j = i + 1; j < clusters.size(); j++) {
                    double m = 0;
                    for (int p : clusters.get(i)) {
                        for (int q : clusters.get(j)) {
                            m = Math.max(m, d[p][q]);
                        }
                    }
                    if (m < best) {
                        best = m;
                        bi = i;
                        bj = j;
                    }
                }
            }
            h[k] = best;
            clusters.get(bi).addAll(clusters.remove(bj));
        }
        java.util.Arrays.sort(h);
        return h;
    }

    /** Number of clusters when merging naively up to (and including) height {@code cut}. */
    static int naiveClusterCount(double[][] d, double cut) {
        int n = d.length;
        double[] h = naiveHeights(d);
        int merges = 0;
        for (double v : h) {
            if (v <= cut) {
                merges++;
            }
        }
        return n - merges;
    }
}
