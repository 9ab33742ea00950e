package org.trainingdynamics.cmd;

import java.util.Arrays;
import org.trainingdynamics.study.Progress;
import org.trainingdynamics.trajectory.Trajectory;

/**
 * One streaming pass over all N parameters: assignment of each to the reference it is most
 * |Pearson|-correlated with ({@code calc_related_mode}), its closed-form affine coefficients
 * ({@code calc_AB_vec}: {@code a = cov(w, r)/var(r)}, {@code b = mean(w) − a·mean(r)}, i.e. least squares on
 * the design {@code [r(t), 1]}) and the reconstruction error, block by block so N×T never has to fit the heap.
 *
 * <p>Blocks are read checkpoint-major ({@code T} contiguous segments of a tensor, straight from each checkpoint's
 * row; no transposition) and kept cache-resident while the M dot products with the centred, unit-norm reference
 * profiles ({@code x·r̂ = (x − x̄)·r̂} because {@code r̂} is centred), the statistics and the residuals are
 * computed with vectorisable loops over contiguous parameter rows ({@link BlockDots}). Correlations are
 * therefore centred float64, not the official code's float32 one-pass formula. A parameter whose profile
 * is exactly constant (zero variance) is assigned to mode 0 with {@code a = 0}, {@code b =} its value
 * (reconstructed exactly) and listed in {@link Result#constants()}; a reference with zero variance
 * (possible only if a whole cluster is constant) correlates 0 with everything and fits {@code a = 0}.
 */
final class ModeAssignment {
    private ModeAssignment() {
    }

    /** What the pass produces. */
    record Result(int[] mode, double[] a, double[] b, int[] constants, long[][] layerModeCounts,
                  double[] errorNumerator, double[] errorDenominator, double assignSeconds, double fitSeconds) {
    }

    /** Parameters per block: the block's T × rows float64 values stay within about 512 KiB (cache-resident). */
    static int blockRows(int t) {
        return Math.max(8, (1 << 16) / Math.max(t, 1));
    }

    private static IllegalArgumentException nonFinite(String tensor, long within, double[] x, int rows, int r,
                                                      int tCount) {
        for (int t = 0; t < tCount; t++) {
            if (!Double.isFinite(x[t * rows + r])) {
                return new IllegalArgumentException("tensor '" + tensor + "' parameter " + (within + r) + " is "
                        + x[t * rows + r] + " at checkpoint " + t + "; CMD needs finite trajectories");
            }
        }
        return new IllegalArgumentException("tensor '" + tensor + "' parameter " + (within + r)
                + ": its values overflow a float64 sum");
    }

    static Result run(Trajectory traj, ParameterLayout layout, double[][] refProfiles) {
        long nLong = layout.parameterCount();
        if (nLong > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("CMD holds a, b and the mode per parameter in arrays; "
                    + nLong + " parameters exceed the Java array limit");
        }
        int n = (int) nLong;
        int tCount = traj.checkpointCount();
        int m = refProfiles.length;
        double[] refMean = new double[m];
        double[] refNorm = new double[m];
        double[] rhat = new double[m * tCount];
        for (int k = 0; k < m; k++) {
            double[] r = refProfiles[k];
            double s = 0;
            for (double v : r) {
                s += v;
            }
            refMean[k] = s / tCount;
            double ss = 0;
            for (double v : r) {
                ss += (v - refMean[k]) * (v - refMean[k]);
            }
            refNorm[k] = Math.sqrt(ss);
            for (int t = 0; t < tCount; t++) {
                rhat[k * tCount + t] = refNorm[k] > 0 ? (r[t] - refMean[k]) / refNorm[k] : 0.0;
            }
        }
        double[] refT = new double[tCount * m]; // reference profiles checkpoint-major: refT[t * m + k]
        for (int k = 0; k < m; k++) {
            for (int t = 0; t < tCount; t++) {
                refT[t * m + k] = refProfiles[k][t];
            }
        }
        int[] mode = new int[n];
        double[] a = new double[n];
        double[] b = new double[n];
        int[] constants = new int[16];
        int nConst = 0;
        long[][] layerCounts = new long[layout.tensorCount()][m];
        double[] num = new double[tCount];
        double[] den = new double[tCount];
        long assignNanos = 0;
        long fitNanos = 0;
        int maxRows = blockRows(tCount);
        double[] x = new double[maxRows * tCount];
        double[][] dots = new double[m][maxRows];
        double[] mean = new double[maxRows];
        double[] lo = new double[maxRows];
        double[] hi = new double[maxRows];
        try (Progress p = Progress.start("CMD assignment", n)) {
            int base = 0;
            for (int l = 0; l < layout.tensorCount(); l++) {
                String tensor = layout.names().get(l);
                long size = traj.tensor(tensor).size();
                for (long within = 0; within < size; within += maxRows) {
                    long t0 = System.nanoTime();
                    int rows = (int) Math.min(maxRows, size - within);
                    // checkpoint-major block: x[t * rows + r], each checkpoint's segment one contiguous read
                    for (int t = 0; t < tCount; t++) {
                        traj.read(tensor, t, within, x, t * rows, rows);
                    }
                    columnStats(x, rows, tCount, mean, lo, hi);
                    BlockDots.compute(x, rows, tCount, rhat, dots);
                    for (int r = 0; r < rows; r++) {
                        int g = base + r;
                        if (!Double.isFinite(mean[r])) {
                            throw nonFinite(tensor, within, x, rows, r, tCount);
                        }
                        if (lo[r] == hi[r]) {
                            // constant: mode 0, a = 0, b = its value; reconstructed exactly, no deviation
                            mode[g] = 0;
                            a[g] = 0;
                            b[g] = x[r];
                            mean[r] = x[r];
                            if (nConst == constants.length) {
                                constants = Arrays.copyOf(constants, nConst * 2);
                            }
                            constants[nConst++] = g;
                            layerCounts[l][0]++;
                            continue;
                        }
                        double best = -1;
                        int bestK = 0;
                        for (int k = 0; k < m; k++) {
                            double c = Math.abs(dots[k][r]);
                            if (c > best) {
                                best = c;
                                bestK = k;
                            }
                        }
                        double ak = refNorm[bestK] > 0 ? dots[bestK][r] / refNorm[bestK] : 0.0;
                        mode[g] = bestK;
                        a[g] = ak;
                        b[g] = mean[r] - ak * refMean[bestK];
                        layerCounts[l][bestK]++;
                    }
                    long t1 = System.nanoTime();
                    assignNanos += t1 - t0;
                    columnErrors(x, rows, tCount, refT, m, mode, a, b, base, mean, num, den);
                    fitNanos += System.nanoTime() - t1;
                    base += rows;
                    p.step(rows);
                }
            }
        }
        return new Result(mode, a, b, Arrays.copyOf(constants, nConst), layerCounts, num, den,
                assignNanos / 1e9, fitNanos / 1e9);
    }

    /** Per parameter of a checkpoint-major block: mean, minimum and maximum over the checkpoints. */
    private static void columnStats(double[] x, int rows, int tCount, double[] mean, double[] lo, double[] hi) {
        System.arraycopy(x, 0, mean, 0, rows);
        System.arraycopy(x, 0, lo, 0, rows);
        System.arraycopy(x, 0, hi, 0, rows);
        for (int t = 1; t < tCount; t++) {
            int o = t * rows;
            for (int r = 0; r < rows; r++) {
                double v = x[o + r];
                mean[r] += v;
                lo[r] = Math.min(lo[r], v);
                hi[r] = Math.max(hi[r], v);
            }
        }
        for (int r = 0; r < rows; r++) {
            mean[r] /= tCount;
        }
    }

    /**
     * Adds the block's squared reconstruction residuals {@code (a_i r_{m_i}(t) + b_i − w_i(t))²} to {@code num[t]}
     * and squared deviations from each parameter's mean {@code (w_i(t) − w̄_i)²} to {@code den[t]}.
     */
    private static void columnErrors(double[] x, int rows, int tCount, double[] refT, int m, int[] mode, double[] a,
                                     double[] b, int base, double[] mean, double[] num, double[] den) {
        for (int t = 0; t < tCount; t++) {
            int o = t * rows;
            int tm = t * m;
            double sn = 0;
            double sd = 0;
            for (int r = 0; r < rows; r++) {
                int g = base + r;
                double v = x[o + r];
                double e = a[g] * refT[tm + mode[g]] + b[g] - v;
                double c = v - mean[r];
                sn += e * e;
                sd += c * c;
            }
            num[t] += sn;
            den[t] += sd;
        }
    }
}
