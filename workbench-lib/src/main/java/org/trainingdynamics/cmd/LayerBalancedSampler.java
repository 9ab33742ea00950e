package org.trainingdynamics.cmd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The official CMD code's default "uniform-balanced" ({@code 'U_B'}) choice of the K parameters whose
 * correlations define the modes ({@code sample_represented_weights}): every tensor gets
 * {@code min(⌊K/(2L)⌋, size)} samples plus {@code ⌊(size/N)·K/2⌋} more when that still fits, the remainder
 * goes to the first tensor (by ascending sample count) that can absorb all of it, and indices are drawn
 * uniformly without replacement within each tensor. With {@code K/2 < L} tensors it falls back to plain
 * uniform sampling, as the official code does. The random generator differs from Python's, so the drawn
 * indices (not the per-tensor counts) differ from the official code's for the same seed.
 */
public final class LayerBalancedSampler {
    private LayerBalancedSampler() {
    }

    /** Per-tensor sample counts of the U_B scheme (before the uniform fallback). */
    static int[] counts(ParameterLayout layout, int k) {
        int l = layout.tensorCount();
        long total = layout.parameterCount();
        int[] samps = new int[l];
        for (int i = 0; i < l; i++) {
            samps[i] = (int) Math.min(k / (2 * l), layout.size(i));
        }
        for (int i = 0; i < l; i++) {
            long extra = (long) (((double) layout.size(i) / total) * k / 2);
            if (extra <= layout.size(i) - samps[i]) {
                samps[i] += (int) extra;
            }
        }
        int sum = Arrays.stream(samps).sum();
        if (k - sum > 0) {
            Integer[] order = IntStream.range(0, l).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.comparingInt(i -> samps[i]));
            for (int i : order) {
                if (k - sum <= layout.size(i) - samps[i]) {
                    samps[i] += k - sum;
                    break;
                }
            }
        }
        return samps;
    }

    /**
     * Samples {@code k} global parameter indices (sorted ascending within each tensor, tensors in storage
     * order). Requires {@code 2 <= k <= N}; with {@code k == N} every parameter is taken.
     */
    public static long[] sample(ParameterLayout layout, int k, long seed) {
        long n = layout.parameterCount();
        if (k < 2) {
            throw new IllegalArgumentException("sample size must be >= 2, got " + k);
        }
        if (k > n) {
            throw new IllegalArgumentException("sample size " + k + " exceeds the " + n + " parameters");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        if (k == n) {
            long[] all = new long[k];
            for (int i = 0; i < k; i++) {
                all[i] = i;
            }
            return all;
        }
        int l = layout.tensorCount();
        if (k / 2.0 < l) {
            long[] s = draw(rng, 0, n, k);
            Arrays.sort(s);
            return s;
        }
        int[] samps = counts(layout, k);
        List<long[]> parts = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < l; i++) {
            long[] s = draw(rng, layout.offset(i), layout.size(i), samps[i]);
            Arrays.sort(s);
            parts.add(s);
            total += s.length;
        }
        long[] out = new long[total];
        int p = 0;
        for (long[] s : parts) {
            System.arraycopy(s, 0, out, p, s.length);
            p += s.length;
        }
        return out;
    }

    /** {@code count} distinct values from {@code [from, from + size)} (Floyd's algorithm). */
    private static long[] draw(SplittableRandom rng, long from, long size, int count) {
        java.util.HashSet<Long> chosen = new java.util.HashSet<>();
        long[] out = new long[count];
        int c = 0;
        for (long j = size - count; j < size; j++) {
            long t = rng.nextLong(j + 1);
            long v = chosen.add(t) ? t : j;
            if (v == j) {
                chosen.add(j);
            }
            out[c++] = from + v;
        }
        return out;
    }
}
