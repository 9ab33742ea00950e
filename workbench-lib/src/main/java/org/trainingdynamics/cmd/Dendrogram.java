package org.trainingdynamics.cmd;

import java.util.Arrays;

/**
 * A complete-linkage dendrogram in scipy's linkage-matrix convention: row {@code i} merges clusters
 * {@code left[i] < right[i]} (ids {@code < n} are leaves, {@code n + j} is the cluster made by row
 * {@code j}) at {@code height[i]}, giving a cluster of {@code size[i]} leaves; rows are sorted by height.
 * The cuts reproduce scipy's {@code fcluster} with criteria {@code maxclust} and {@code distance},
 * including its cluster numbering (depth-first from the root, left subtree first), which decides
 * how equal-sized modes are ordered.
 *
 * @param n      number of leaves
 * @param left   smaller child id of each merge
 * @param right  larger child id of each merge
 * @param height merge distance
 * @param size   leaves under each merge
 */
public record Dendrogram(int n, int[] left, int[] right, double[] height, int[] size) {

    public Dendrogram {
        if (n < 1 || left.length != n - 1 || right.length != n - 1 || height.length != n - 1 || size.length != n - 1) {
            throw new IllegalArgumentException("a dendrogram of " + n + " leaves needs " + (n - 1) + " merges");
        }
    }

    /** Largest distance inside each merged cluster (scipy {@code get_max_dist_for_each_cluster}). */
    double[] maxDistances() {
        double[] md = new double[n - 1];
        for (int i = 0; i < n - 1; i++) {
            double m = height[i];
            if (left[i] >= n) {
                m = Math.max(m, md[left[i] - n]);
            }
            if (right[i] >= n) {
                m = Math.max(m, md[right[i] - n]);
            }
            md[i] = m;
        }
        return md;
    }

    /**
     * Flat clusters whose members are all within cophenetic distance {@code cutoff} (scipy
     * {@code fcluster(Z, cutoff, 'distance')}); labels are 1-based, numbered as scipy numbers them.
     */
    public int[] cutDistance(double cutoff) {
        if (Double.isNaN(cutoff)) {
            throw new IllegalArgumentException("distance cutoff is NaN");
        }
        return monocrit(maxDistances(), cutoff);
    }

    /**
     * At most {@code maxClusters} flat clusters (scipy {@code fcluster(Z, maxClusters, 'maxclust')}):
     * a binary search over the sorted merge heights for the lowest one whose cut leaves no more
     * than {@code maxClusters}; labels are 1-based, numbered as scipy numbers them.
     */
    public int[] cutMaxclust(int maxClusters) {
        if (maxClusters < 1) {
            throw new IllegalArgumentException("maxclust must be >= 1, got " + maxClusters);
        }
        if (n == 1) {
            return new int[]{1};
        }
        double[] mc = maxDistances();
        int lower = 0;
        int upper = n - 1;
        while (upper - lower > 1) {
            int i = (lower + upper) >>> 1;
            if (countClusters(mc, mc[i], maxClusters) > maxClusters) {
                lower = i;
            } else {
                upper = i;
            }
        }
        if (upper == n - 1) {
            // only for n = 2, where scipy reads past its array: two singletons if allowed, else one cluster
            return monocrit(mc, maxClusters >= 2 ? Double.NEGATIVE_INFINITY : mc[0], n);
        }
        return monocrit(mc, mc[upper], n);
    }

    private int[] monocrit(double[] mc, double cutoff) {
        return monocrit(mc, cutoff, n);
    }

    private int countClusters(double[] mc, double thresh, int maxNc) {
        boolean[] visited = new boolean[2 * n - 1];
        int[] stack = new int[n];
        int nc = 0;
        int k = 0;
        stack[0] = 2 * n - 2;
        while (k >= 0) {
            int root = stack[k] - n;
            int lc = left[root];
            int rc = right[root];
            if (mc[root] <= thresh) {
                nc++;
                if (nc > maxNc) {
                    break;
                }
                k--;
                visited[lc] = true;
                visited[rc] = true;
                continue;
            }
            if (!visited[lc]) {
                visited[lc] = true;
                if (lc >= n) {
                    stack[++k] = lc;
                    continue;
                }
                nc++;
                if (nc > maxNc) {
                    break;
                }
            }
            if (!visited[rc]) {
                visited[rc] = true;
                if (rc >= n) {
                    stack[++k] = rc;
                    continue;
                }
                nc++;
                if (nc > maxNc) {
                    break;
                }
            }
            k--;
        }
        return nc;
    }

    private int[] monocrit(double[] mc, double cutoff, int nLeaves) {
        int[] labels = new int[nLeaves];
        if (nLeaves == 1) {
            labels[0] = 1;
            return labels;
        }
        boolean[] visited = new boolean[2 * nLeaves - 1];
        int[] stack = new int[nLeaves];
        int nCluster = 0;
        int leader = -1;
        int k = 0;
        stack[0] = 2 * nLeaves - 2;
        while (k >= 0) {
            int root = stack[k] - nLeaves;
            int lc = left[root];
            int rc = right[root];
            if (leader == -1 && mc[root] <= cutoff) {
                leader = root;
                nCluster++;
            }
            if (lc >= nLeaves && !visited[lc]) {
                visited[lc] = true;
                stack[++k] = lc;
                continue;
            }
            if (rc >= nLeaves && !visited[rc]) {
                visited[rc] = true;
                stack[++k] = rc;
                continue;
            }
            if (lc < nLeaves) {
                if (leader == -1) {
                    nCluster++;
                }
                labels[lc] = nCluster;
            }
            if (rc < nLeaves) {
                if (leader == -1) {
                    nCluster++;
                }
                labels[rc] = nCluster;
            }
            if (leader == root) {
                leader = -1;
            }
            k--;
        }
        return labels;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dendrogram d && n == d.n && Arrays.equals(left, d.left) && Arrays.equals(right, d.right)
                && Arrays.equals(height, d.height) && Arrays.equals(size, d.size);
    }

    @Override
    public int hashCode() {
        return 31 * n + Arrays.hashCode(height);
    }

    @Override
    public String toString() {
        return "Dendrogram[n=" + n + ", root height=" + (n > 1 ? height[n - 2] : 0.0) + "]";
    }
}
