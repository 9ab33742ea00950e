package org.trainingdynamics.cmd;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.trainingdynamics.study.Progress;

/**
 * Complete-linkage agglomerative clustering by the nearest-neighbour chain algorithm (Murtagh 1983),
 * exact for complete linkage because the Lance–Williams update {@code d(k, i∪j) = max(d(k,i), d(k,j))}
 * is reducible. O(n²) time; the only O(n²) memory is the square distance matrix, updated in place
 * (n² doubles: 0.8 GB at n = 10⁴).
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
     * {@code pdist} order).
     */
    public static Dendrogram fit(double[] condensed, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("need at least one point to cluster");
        }
        if ((long) n * (n - 1) / 2 != condensed.length) {
            throw new IllegalArgumentException("condensed distance vector has " + condensed.length
                    + " entries; " + n + " points need " + ((long) n * (n - 1) / 2));
        }
        checkSize(n);
        double[] full = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double v = condensed[(int) condensedIndex(n, i, j)];
                full[i * n + j] = v;
                full[j * n + i] = v;
            }
        }
        return fitSquare(full, n);
    }

    static void checkSize(int n) {
        if ((long) n * n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(n + " points exceed the " + SampleCorrelation.MAX_SAMPLE
                    + " a square distance matrix can hold");
        }
    }

    /**
     * Clusters {@code n} points given the full symmetric distance matrix (row-major {@code n×n}, zero
     * diagonal), which is overwritten with inter-cluster distances. Rows are scanned contiguously, so the
     * chain walk streams memory instead of striding through a condensed triangle.
     */
    public static Dendrogram fitSquare(double[] d, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("need at least one point to cluster");
        }
        checkSize(n);
        if (d.length != n * n) {
            throw new IllegalArgumentException("distance matrix has " + d.length + " entries, expected " + n + "x" + n);
        }
        for (double v : d) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("distance matrix holds a non-finite value (" + v + ")");
            }
        }
        if (n == 1) {
            return new Dendrogram(1, new int[0], new int[0], new double[0], new int[0]);
        }
        for (int i = 0; i < n; i++) {
            d[i * n + i] = Double.POSITIVE_INFINITY;
        }
        int[] chain = new int[n];
        int chainLength = 0;
        int[] active = IntStream.range(0, n).toArray();
        int nActive = n;
        int[] zx = new int[n - 1];
        int[] zy = new int[n - 1];
        double[] zd = new double[n - 1];
        try (Progress p = Progress.start("complete linkage", n - 1)) {
            for (int k = 0; k < n - 1; k++) {
                if (chainLength == 0) {
                    chainLength = 1;
                    chain[0] = active[0];
                }
                int x;
                int y;
                double currentMin;
                while (true) {
                    x = chain[chainLength - 1];
                    int row = x * n;
                    if (chainLength > 1) {
                        y = chain[chainLength - 2];
                        currentMin = d[row + y];
                    } else {
                        y = -1;
                        currentMin = Double.POSITIVE_INFINITY;
                    }
                    for (int j = 0; j < nActive; j++) {
                        int i = active[j];
                        double v = d[row + i]; // the diagonal is +inf, so i == x never wins
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
                zx[k] = x;
                zy[k] = y;
                zd[k] = currentMin;
                int rx = x * n;
                int ry = y * n;
                // drop x from the (ascending) active list, keeping scipy's scan order
                int pos = Arrays.binarySearch(active, 0, nActive, x);
                System.arraycopy(active, pos + 1, active, pos, nActive - pos - 1);
                nActive--;
                for (int j = 0; j < nActive; j++) {
                    int i = active[j];
                    double v = Math.max(d[rx + i], d[ry + i]); // i == y keeps the +inf diagonal
                    d[ry + i] = v;
                    d[i * n + y] = v;
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
