package org.trainingdynamics.cmd;

import java.util.Arrays;

/**
 * The assignment pass's inner kernel: for a checkpoint-major parameter block ({@code x[t][i]}: one array per
 * checkpoint segment) the M dot products {@code x_i · r̂_k} of every parameter
 * with the centred, unit-norm reference profiles ({@code r̂[k · T + t]}) — the block × referencesᵀ product.
 * Modes are taken two at a time and checkpoints four at a time, so each loaded value feeds eight fused
 * multiply-adds ({@link Math#fma}, which the JIT turns into vector FMA instructions) in a loop over the contiguous
 * parameter segment; the fused form measured 1.2–1.5× the separate multiply and add (docs/BENCHMARKS.md). One array
 * per checkpoint rather than one flat array: HotSpot 17's C2 vectorises {@code y[i] += c · x[i]} but not the same loop
 * over {@code x[o + i]} with a loop-invariant offset (docs/BENCHMARKS.md, "## CMD", 2d). It measured faster than copying
 * each block off-heap for an ND4J GEMM on the 2-core benchmark machine (docs/BENCHMARKS.md, "## CMD").
 */
public final class BlockDots {
    private BlockDots() {
    }

    /** {@code dots[k][i] = Σ_t r̂[k · T + t] · x[t][i]} for every parameter i < rows and mode k < dots.length. */
    public static void compute(double[][] x, int rows, int tCount, double[] rhat, double[][] dots) {
        int m = dots.length;
        if (x.length < tCount || rhat.length < m * tCount) {
            throw new IllegalArgumentException("block or reference array too short for " + rows + " x " + tCount
                    + " x " + m);
        }
        for (int t = 0; t < tCount; t++) {
            if (x[t].length < rows) {
                throw new IllegalArgumentException("checkpoint " + t + " of the block is shorter than " + rows);
            }
        }
        for (double[] d : dots) {
            if (d.length < rows) {
                throw new IllegalArgumentException("output rows shorter than " + rows);
            }
            Arrays.fill(d, 0, rows, 0.0);
        }
        int k = 0;
        for (; k + 1 < m; k += 2) {
            pair(x, rows, tCount, rhat, k, dots[k], dots[k + 1]);
        }
        if (k < m) {
            single(x, rows, tCount, rhat, k, dots[k]);
        }
    }

    /** Two modes at once, four checkpoints per sweep: each loaded value feeds eight multiply-adds. */
    private static void pair(double[][] x, int rows, int tCount, double[] rhat, int k, double[] da, double[] db) {
        int ra = k * tCount;
        int rb = ra + tCount;
        int t = 0;
        for (; t + 3 < tCount; t += 4) {
            double a0 = rhat[ra + t], a1 = rhat[ra + t + 1], a2 = rhat[ra + t + 2], a3 = rhat[ra + t + 3];
            double b0 = rhat[rb + t], b1 = rhat[rb + t + 1], b2 = rhat[rb + t + 2], b3 = rhat[rb + t + 3];
            double[] r0 = x[t];
            double[] r1 = x[t + 1];
            double[] r2 = x[t + 2];
            double[] r3 = x[t + 3];
            for (int i = 0; i < rows; i++) {
                double x0 = r0[i];
                double x1 = r1[i];
                double x2 = r2[i];
                double x3 = r3[i];
                da[i] = Math.fma(a3, x3, Math.fma(a2, x2, Math.fma(a1, x1, Math.fma(a0, x0, da[i]))));
                db[i] = Math.fma(b3, x3, Math.fma(b2, x2, Math.fma(b1, x1, Math.fma(b0, x0, db[i]))));
            }
        }
        for (; t < tCount; t++) {
            double wa = rhat[ra + t];
            double wb = rhat[rb + t];
            double[] xt = x[t];
            for (int i = 0; i < rows; i++) {
                da[i] = Math.fma(wa, xt[i], da[i]);
                db[i] = Math.fma(wb, xt[i], db[i]);
            }
        }
    }

    private static void single(double[][] x, int rows, int tCount, double[] rhat, int k, double[] d) {
        for (int t = 0; t < tCount; t++) {
            double w = rhat[k * tCount + t];
            double[] xt = x[t];
            for (int i = 0; i < rows; i++) {
                d[i] = Math.fma(w, xt[i], d[i]);
            }
        }
    }
}
