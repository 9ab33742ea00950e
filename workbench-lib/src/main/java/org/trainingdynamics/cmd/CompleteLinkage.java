package org.trainingdynamics.cmd;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.trainingdynamics.study.Progress;

/**
 * Complete-linkage agglomerative clustering by the nearest-neighbour chain algorithm (Murtagh 1983),
 * exact for complete linkage because the Lance–Williams update {@code d(k, i∪j) = max(d(k,i), d(k,j))}
 * is reducible. O(n²) time and the condensed distance matrix as the only O(n²) memory (updated in place).
 *
 * <p>The chain walk, its tie-breaking (prefer the previous chain element; otherwise the lowest index
 * with a strictly smaller distance), the merged cluster taking the larger slot, the stable sort of merges
 * by height and the union–find relabelling are those of scipy's {@code linkage(method='complete')}
 * ({@code _hierarchy.nn_chain}), so equal distances resolve as they do in the official CMD code.
 */
public final class CompleteLinkage {
    private CompleteLinkage() {
    }

    /** Index of pair {@code i < j} in a condensed (upper-triangle, row-major) distance vector. */
    static long condensedIndex(int n, int i, int j) {
        if (i > j) {
            int x = i;
            i = j;
            j = x;
        }
        return (long) n * i - (long) i * (i + 1) / 2 + (j - i - 1);
    }

    /**
     * Clusters {@code n} points given their condensed pairwise distances (length n(n−1)/2, scipy
     * {@code pdist} order). The array is overwritten with inter-cluster distances.
     */
    public static Dendrogram fit(double[] condensed, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("need at least one point to cluster");
        }
        if ((long) n * (n - 1) / 2 != condensed.length) {
            throw new IllegalArgumentException("condensed distance vector has " + condensed.length
                    + " entries; " + n + " points need " + ((long) n * (n - 1) / 2));
        }
        for (double d : condensed) {
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("distance matrix holds a non-finite value (" + d + ")");
            }
        }
        if (n == 1) {
            return new Dendrogram(1, new int[0], new int[0], new double[0], new int[0]);
        }
        double[] d = condensed;
        int[] size = new int[n];
        Arrays.fill(size, 1);
        int[] chain = new int[n];
        int chainLength = 0;
        int[] zx = new int[n - 1];
        int[] zy = new int[n - 1];
        double[] zd = new double[n - 1];
        int[] zs = new int[n - 1];
        // row offsets of the condensed matrix: index(i, j) = rowStart[i] + j for i < j
        long[] rowStart = new long[n];
        for (int i = 0; i < n; i++) {
            rowStart[i] = (long) n * i - (long) i * (i + 1) / 2 - i - 1;
        }
        try (Progress p = Progress.start("complete linkage", n - 1)) {
            for (int k = 0; k < n - 1; k++) {
                if (chainLength == 0) {
                    chainLength = 1;
                    for (int i = 0; i < n; i++) {
                        if (size[i] > 0) {
                            chain[0] = i;
                            break;
                        }
                    }
                }
                int x;
                int y;
                double currentMin;
                while (true) {
                    x = chain[chainLength - 1];
                    if (chainLength > 1) {
                        y = chain[chainLength - 2];
                        currentMin = d[(int) (x < y ? rowStart[x] + y : rowStart[y] + x)];
                    } else {
                        y = -1;
                        currentMin = Double.POSITIVE_INFINITY;
                    }
                    // i < x: column x of earlier rows; i > x: row x, contiguous
                    for (int i = 0; i < x; i++) {
                        if (size[i] == 0) {
                            continue;
                        }
                        double v = d[(int) (rowStart[i] + x)];
                        if (v < currentMin) {
                            currentMin = v;
                            y = i;
                        }
                    }
                    long base = rowStart[x];
                    for (int i = x + 1; i < n; i++) {
                        if (size[i] == 0) {
                            continue;
                        }
                        double v = d[(int) (base + i)];
                        if (v < currentMin) {
                            currentMin = v;
                            y = i;
                        }
                    }
                    if (chainLength > 1 && y == chain[chainLength - 2]) {
                        break;
                    }
                    chain[chainLength++] = y;
                }
                chainLength -= 2;
                if (x > y) {
                    int t = x;
                    x = y;
                    y = t;
                }
                int nx = size[x];
                int ny = size[y];
                zx[k] = x;
                zy[k] = y;
                zd[k] = currentMin;
                zs[k] = nx + ny;
                size[x] = 0;
                size[y] = nx + ny;
                for (int i = 0; i < n; i++) {
                    if (size[i] == 0 || i == y) {
                        continue;
                    }
                    int ix = (int) (i < x ? rowStart[i] + x : rowStart[x] + i);
                    int iy = (int) (i < y ? rowStart[i] + y : rowStart[y] + i);
                    d[iy] = Math.max(d[ix], d[iy]);
                }
                p.step();
            }
        }
        // stable sort of merges by height (numpy mergesort), then relabel with union-find
        Integer[] order = IntStream.range(0, n - 1).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> zd[i]));
        int[] left = new int[n - 1];
        int[] right = new int[n - 1];
        double[] height = new double[n - 1];
        int[] sizes = new int[n - 1];
        int[] parent = new int[2 * n - 1];
        int[] ufSize = new int[2 * n - 1];
        Arrays.fill(parent, -1);
        Arrays.fill(ufSize, 0, n, 1);
        int nextLabel = n;
        for (int r = 0; r < n - 1; r++) {
            int o = order[r];
            int xr = find(parent, zx[o]);
            int yr = find(parent, zy[o]);
            left[r] = Math.min(xr, yr);
            right[r] = Math.max(xr, yr);
            height[r] = zd[o];
            parent[xr] = nextLabel;
            parent[yr] = nextLabel;
            ufSize[nextLabel] = ufSize[xr] + ufSize[yr];
            sizes[r] = ufSize[nextLabel];
            nextLabel++;
        }
        return new Dendrogram(n, left, right, height, sizes);
    }

    private static int find(int[] parent, int x) {
        int root = x;
        while (parent[root] != -1) {
            root = parent[root];
        }
        while (parent[x] != -1 && parent[x] != root) {
            int next = parent[x];
            parent[x] = root;
            x = next;
        }
        return root;
    }
}
