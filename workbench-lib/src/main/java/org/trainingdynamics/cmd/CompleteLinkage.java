package org.trainingdynamics.cmd;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.trainingdynamics.study.Progress;

/**
 * Complete-linkage agglomerative clustering by the nearest-neighbour chain algorithm (Murtagh 1983),
 * exact for complete linkage because the Lance–Williams update {@code d(k, i∪j) = max(d(k,i), d(k,j))}
 * is reducible. O(n²) time; the only O(n²) memory is the work matrix, the square distance matrix with a spare
 * region for merged clusters ({@link #workStride}² ≈ 1.27 n² doubles: 1.0 GB at n = 10⁴).
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
        int w = workStride(n);
        double[] work = new double[w * w];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double v = condensed[(int) condensedIndex(n, i, j)];
                work[i * w + j] = v;
                work[j * w + i] = v;
            }
        }
        return fitStrided(work, n, w);
    }

    static void checkSize(int n) {
        if (n > SampleCorrelation.MAX_SAMPLE) {
            throw new IllegalArgumentException(n + " points exceed the " + SampleCorrelation.MAX_SAMPLE
                    + " whose linkage work matrix fits one array");
        }
    }

    /**
     * Row stride of the work matrix {@link #fitStrided} needs for {@code n} points: {@code n} plus a spare region
     * of {@code max(16, n/8)} slots for merged clusters (so the matrix holds {@code stride²} doubles, about
     * 1.27 n²).
     */
    public static int workStride(int n) {
        checkSize(n);
        return n + Math.max(16, n / 8);
    }

    /**
     * Clusters {@code n} points given the full symmetric distance matrix (row-major {@code n×n}, zero
     * diagonal); it is copied into a work matrix of {@link #workStride} rows and columns.
     */
    public static Dendrogram fitSquare(double[] d, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("need at least one point to cluster");
        }
        checkSize(n);
        if (d.length != n * n) {
            throw new IllegalArgumentException("distance matrix has " + d.length + " entries, expected " + n + "x" + n);
        }
        int w = workStride(n);
        double[] work = new double[w * w];
        for (int i = 0; i < n; i++) {
            System.arraycopy(d, i * n, work, i * w, n);
        }
        return fitStrided(work, n, w);
    }

    /**
     * Clusters {@code n} points whose symmetric distances (zero diagonal) are the top-left {@code n×n} corner of
     * {@code d}, a row-major matrix with row stride {@code stride} ({@code = }{@link #workStride}{@code (n)});
     * {@code d} is the work matrix and is overwritten.
     *
     * <p>The nearest-neighbour chain and its tie-breaking are scipy's, but the storage differs: a merged cluster
     * gets a NEW slot after the points (its row is the element-wise maximum of the two merged rows, written
     * contiguously), and its column — the copies {@code d[i][s]} in the other clusters' rows — is written lazily,
     * for up to {@value #BATCH} consecutive new slots at once, so each flush writes one run of adjacent cache
     * lines per row instead of one scattered line per row and merge. Until its flush a recent cluster's distances
     * are read from its own row. When the spare region is full the active clusters are compacted, in place and
     * in scipy's order, into the first slots. Each cluster's nearest neighbour is cached until that neighbour is
     * merged. Clusters are scanned in scipy's slot order (a merged cluster takes the place of the larger of its
     * two scipy indices), so merges, heights and ties are exactly scipy's. Measured: about 20 % less CPU than the
     * in-place NN-chain at n = 10⁴ (docs/BENCHMARKS.md, "## CMD").
     */
    public static Dendrogram fitStrided(double[] d, int n, int stride) {
        if (n < 1) {
            throw new IllegalArgumentException("need at least one point to cluster");
        }
        checkSize(n);
        if (stride != workStride(n) || d.length < stride * stride) {
            throw new IllegalArgumentException("work matrix of " + d.length + " entries with stride " + stride
                    + "; " + n + " points need stride " + workStride(n) + " and " + workStride(n) + "² entries");
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double v = d[i * stride + j];
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("distance matrix holds a non-finite value (" + v + ")");
                }
            }
        }
        if (n == 1) {
            return new Dendrogram(1, new int[0], new int[0], new double[0], new int[0]);
        }
        int[] zx = new int[n - 1];
        int[] zy = new int[n - 1];
        double[] zd = new double[n - 1];
        try (Progress p = Progress.start("complete linkage", n - 1)) {
            new Chain(d, n, stride, zx, zy, zd).run(p);
        }
        return dendrogram(n, zx, zy, zd);
    }

    /**
     * scipy's labelling of the merges found in chain order (cluster slots {@code zx[k] < zy[k]} at height
     * {@code zd[k]}): a stable sort by height (numpy's mergesort), then union-find relabelling to the linkage matrix's
     * cluster ids (n, n + 1, … in merge order) and sizes.
     */
    static Dendrogram dendrogram(int n, int[] zx, int[] zy, double[] zd) {
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

    /** Clusters per lazy column flush: consecutive new slots whose columns are written together. */
    static final int BATCH = 64;

    /**
     * The nearest-neighbour chain over the slot matrix. The first slots hold the points (or, after a compaction,
     * the clusters then active), the following ones the clusters created since, up to {@code next}; {@code act} lists
     * the active clusters whose columns are complete in every row, {@code pend} the newer ones whose columns are
     * not yet written (their distances live in their own rows). Both lists are kept in scipy's slot order
     * ({@code sid}, the scipy index of the cluster in a slot).
     */
    private static final class Chain {
        final double[] d;
        final int w;
        final int[] zx;
        final int[] zy;
        final double[] zd;
        final int[] sid;
        final int[] act;
        int nAct;
        final int[] pend = new int[BATCH];
        int nPend;
        /** Slots from here on were created after the last flush. */
        int pendFrom;
        int next;
        final int[] chain;
        int chainLength;
        /**
         * Cached answer of {@link #nearest} per slot (valid[q]): complete-linkage distances to a merged cluster are
         * the maximum of the two merged ones, so a cluster's nearest neighbour changes only when that neighbour is
         * merged (see {@link #update}).
         */
        final int[] nn;
        final double[] nnDist;
        final boolean[] valid;

        Chain(double[] d, int n, int w, int[] zx, int[] zy, double[] zd) {
            this.d = d;
            this.w = w;
            this.zx = zx;
            this.zy = zy;
            this.zd = zd;
            sid = new int[w];
            act = new int[n];
            for (int i = 0; i < n; i++) {
                sid[i] = i;
                act[i] = i;
                d[i * w + i] = Double.POSITIVE_INFINITY;
            }
            nAct = n;
            pendFrom = n;
            next = n;
            chain = new int[n];
            nn = new int[w];
            nnDist = new double[w];
            valid = new boolean[w];
        }

        /**
         * d(p, q) for active p != q. Every active slot from {@code pendFrom} on is pending: its column is not yet
         * written, so its distance to an older cluster is read from its own row.
         */
        double dist(int p, int q) {
            return q > p && q >= pendFrom ? d[q * w + p] : d[p * w + q];
        }

        void run(Progress p) {
            int n = act.length;
            for (int k = 0; k < n - 1; k++) {
                if (chainLength == 0) {
                    chainLength = 1;
                    chain[0] = first();
                }
                int x;
                int y;
                double currentMin;
                while (true) {
                    x = chain[chainLength - 1];
                    int prev = chainLength > 1 ? chain[chainLength - 2] : -1;
                    int bestQ = nearest(x);
                    double best = nearestDistance;
                    // scipy starts from the previous chain element and moves only on a strictly smaller distance
                    if (prev >= 0 && !(best < dist(x, prev))) {
                        y = prev;
                        currentMin = dist(x, prev);
                        break;
                    }
                    y = bestQ;
                    currentMin = best;
                    chain[chainLength++] = y;
                }
                chainLength -= 2;
                int lo = sid[x] < sid[y] ? x : y;
                int hi = lo == x ? y : x;
                zx[k] = sid[lo];
                zy[k] = sid[hi];
                zd[k] = currentMin;
                merge(lo, hi);
                p.step();
            }
        }

        /** Distance from the last {@link #nearest} query to its answer. */
        double nearestDistance;

        /** The active cluster nearest to x: smallest distance, ties to the smallest scipy index. */
        int nearest(int x) {
            if (valid[x]) {
                nearestDistance = nnDist[x];
                return nn[x];
            }
            int row = x * w;
            double best = Double.POSITIVE_INFINITY;
            int bestQ = -1;
            for (int j = 0; j < nAct; j++) {
                int q = act[j];
                double v = d[row + q]; // the diagonal is +inf, so q == x never wins
                if (v < best) {
                    best = v;
                    bestQ = q;
                }
            }
            for (int j = 0; j < nPend; j++) {
                int q = pend[j];
                if (q != x) {
                    double v = q > x ? d[q * w + x] : d[row + q];
                    if (v < best || (v == best && sid[q] < sid[bestQ])) {
                        best = v;
                        bestQ = q;
                    }
                }
            }
            nearestDistance = best;
            nn[x] = bestQ;
            nnDist[x] = best;
            valid[x] = true;
            return bestQ;
        }

        /** The active cluster with the smallest scipy index (where scipy starts a new chain). */
        int first() {
            int f = nAct > 0 ? act[0] : pend[0];
            for (int j = 0; j < nPend; j++) {
                if (sid[pend[j]] < sid[f]) {
                    f = pend[j];
                }
            }
            return f;
        }

        /** Replaces clusters lo and hi (sid[lo] < sid[hi]) by their union in a new slot that takes hi's scipy index. */
        void merge(int lo, int hi) {
            if (next == w) {
                flush();
                compact();
                lo = remap[lo];
                hi = remap[hi];
            }
            remove(lo);
            remove(hi);
            int s = next++;
            int rs = s * w;
            int rl = lo * w;
            int rh = hi * w;
            double best = Double.POSITIVE_INFINITY;
            int bestQ = -1;
            for (int j = 0; j < nAct; j++) {
                int q = act[j];
                double v = Math.max(d[rl + q], d[rh + q]);
                d[rs + q] = v;
                if (v < best) {
                    best = v;
                    bestQ = q;
                }
                update(q, lo, hi);
            }
            for (int j = 0; j < nPend; j++) {
                int q = pend[j];
                double v = Math.max(dist(lo, q), dist(hi, q));
                d[rs + q] = v;
                if (v < best || (v == best && sid[q] < sid[bestQ])) {
                    best = v;
                    bestQ = q;
                }
                update(q, lo, hi);
            }
            nn[s] = bestQ;
            nnDist[s] = best;
            valid[s] = bestQ >= 0;
            d[rs + s] = Double.POSITIVE_INFINITY;
            sid[s] = sid[hi];
            pend[nPend++] = s; // the newest slot: pend stays in creation (= slot) order
            if (nPend == BATCH) {
                flush();
            }
        }

        /**
         * Keeps q's cached nearest neighbour exact after lo and hi merged: it is dropped if it was lo or hi.
         * Otherwise it stays: the new cluster's distance {@code max(d(q, lo), d(q, hi))} is at least the cached
         * minimum, and equal only if lo and hi were tied with the cached neighbour, which then has the smaller
         * scipy index than both (it won the tie) and so also than the new cluster (which takes hi's index).
         */
        private void update(int q, int lo, int hi) {
            if (valid[q] && (nn[q] == lo || nn[q] == hi)) {
                valid[q] = false;
            }
        }

        /** Drops an active slot from act or pend. */
        void remove(int q) {
            for (int j = 0; j < nPend; j++) {
                if (pend[j] == q) {
                    System.arraycopy(pend, j + 1, pend, j, nPend - j - 1);
                    nPend--;
                    return;
                }
            }
            int lo = 0;
            int hi = nAct - 1;
            int key = sid[q];
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int v = sid[act[mid]];
                if (v < key) {
                    lo = mid + 1;
                } else if (v > key) {
                    hi = mid - 1;
                } else {
                    System.arraycopy(act, mid + 1, act, mid, nAct - mid - 1);
                    nAct--;
                    return;
                }
            }
            throw new IllegalStateException("slot " + q + " is not active");
        }

        /** Writes the pending clusters' columns into every older active row, then files them into act. */
        void flush() {
            if (nPend == 0) {
                return;
            }
            for (int j = 0; j < nAct; j++) {
                int r = act[j] * w;
                for (int i = 0; i < nPend; i++) {
                    int s = pend[i];
                    d[r + s] = d[s * w + act[j]];
                }
            }
            for (int i = 0; i < nPend; i++) {
                int r = pend[i] * w;
                for (int i2 = i + 1; i2 < nPend; i2++) {
                    int s = pend[i2];
                    d[r + s] = d[s * w + pend[i]];
                }
            }
            // merge pend (sorted by scipy index after this sort) into act, keeping scipy order
            int[] ps = Arrays.copyOf(pend, nPend);
            for (int i = 1; i < ps.length; i++) {
                int v = ps[i];
                int j = i - 1;
                while (j >= 0 && sid[ps[j]] > sid[v]) {
                    ps[j + 1] = ps[j];
                    j--;
                }
                ps[j + 1] = v;
            }
            int a = nAct - 1;
            int b = ps.length - 1;
            for (int o = nAct + ps.length - 1; o >= 0; o--) {
                if (b < 0 || (a >= 0 && sid[act[a]] > sid[ps[b]])) {
                    act[o] = act[a--];
                } else {
                    act[o] = ps[b--];
                }
            }
            nAct += ps.length;
            nPend = 0;
            pendFrom = next;
        }

        int[] remap;

        /**
         * Moves the active clusters (all in act after a flush) into slots 0..nAct−1 in scipy order, in place:
         * cluster of rank r sits in a slot ≥ r, so ascending writes never overwrite a value still to be read.
         */
        void compact() {
            if (remap == null) {
                remap = new int[w];
            }
            Arrays.fill(remap, -1);
            for (int r = 0; r < nAct; r++) {
                remap[act[r]] = r;
            }
            for (int r = 0; r < nAct; r++) {
                int src = act[r] * w;
                int dst = r * w;
                for (int c = 0; c < nAct; c++) {
                    d[dst + c] = d[src + act[c]];
                }
            }
            for (int r = 0; r < nAct; r++) {
                // in place: act[r] >= r, so slot act[r] has not been overwritten yet
                int q = act[r];
                sid[r] = sid[q];
                valid[r] = valid[q];
                nn[r] = valid[q] ? remap[nn[q]] : -1;
                nnDist[r] = nnDist[q];
                act[r] = r;
            }
            for (int i = 0; i < chainLength; i++) {
                chain[i] = remap[chain[i]];
            }
            pendFrom = nAct;
            next = nAct;
        }
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
