package org.trainingdynamics.cmd;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.trainingdynamics.study.Progress;
import org.trainingdynamics.trajectory.ParameterBlock;
import org.trainingdynamics.trajectory.Trajectory;

/**
 * One streaming pass over all N parameters: assignment of each to the reference it is most
 * |Pearson|-correlated with ({@code calc_related_mode}), its closed-form affine coefficients
 * ({@code calc_AB_vec}: {@code a = cov(w, r)/var(r)}, {@code b = mean(w) − a·mean(r)}, i.e. least squares on
 * the design {@code [r(t), 1]}) and the reconstruction error, block by block so N×T never has to fit the heap.
 *
 * <p>Per block the M dot products with the centred, unit-norm reference profiles are one block product
 * ({@link BlockDots}: {@code [rows, T] × [T, M]}); {@code x·r̂ = (x − x̄)·r̂} because {@code r̂} is centred. Correlations are
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

    static int blockRows(int t) {
        return Math.max(1, (1 << 20) / Math.max(t, 1));
    }

    private static IllegalArgumentException nonFinite(ParameterBlock blk, double[] x, int off, int tCount) {
        long within = blk.tensorOffset() + off / tCount;
        for (int t = 0; t < tCount; t++) {
            if (!Double.isFinite(x[off + t])) {
                return new IllegalArgumentException("tensor '" + blk.tensor() + "' parameter " + within + " is "
                        + x[off + t] + " at checkpoint " + t + "; CMD needs finite trajectories");
            }
        }
        return new IllegalArgumentException("tensor '" + blk.tensor() + "' parameter " + within
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
        int[] mode = new int[n];
        double[] a = new double[n];
        double[] b = new double[n];
        int[] constants = new int[16];
        int nConst = 0;
        long[][] layerCounts = new long[layout.tensorCount()][m];
        Map<String, Integer> tensorIndex = new HashMap<>();
        for (int l = 0; l < layout.tensorCount(); l++) {
            tensorIndex.put(layout.names().get(l), l);
        }
        double[] num = new double[tCount];
        double[] den = new double[tCount];
        long assignNanos = 0;
        long fitNanos = 0;
        int maxRows = blockRows(tCount);
        double[] dots = new double[maxRows * m];
        try (Progress p = Progress.start("CMD assignment", n)) {
            long t0 = System.nanoTime();
            for (ParameterBlock blk : traj.blocks(maxRows)) {
                int rows = blk.rows();
                double[] x = blk.data();
                BlockDots.compute(x, rows, tCount, rhat, m, dots);
                int l = tensorIndex.get(blk.tensor());
                int base = (int) blk.offset();
                long t1 = System.nanoTime();
                assignNanos += t1 - t0;
                for (int r = 0; r < rows; r++) {
                    int off = r * tCount;
                    double first = x[off];
                    double s0 = 0;
                    double s1 = 0;
                    double lo = first;
                    double hi = first;
                    int t2 = tCount & ~1;
                    for (int t = 0; t < t2; t += 2) {
                        double v0 = x[off + t];
                        double v1 = x[off + t + 1];
                        s0 += v0;
                        s1 += v1;
                        lo = Math.min(lo, Math.min(v0, v1));
                        hi = Math.max(hi, Math.max(v0, v1));
                    }
                    if (t2 < tCount) {
                        double v = x[off + t2];
                        s0 += v;
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                    double s = s0 + s1;
                    boolean constant = lo == hi;
                    if (!Double.isFinite(s)) {
                        throw nonFinite(blk, x, off, tCount);
                    }
                    double mean = s / tCount;
                    int g = base + r;
                    if (constant) {
                        mode[g] = 0;
                        a[g] = 0;
                        b[g] = first;
                        if (nConst == constants.length) {
                            constants = Arrays.copyOf(constants, nConst * 2);
                        }
                        constants[nConst++] = g;
                        layerCounts[l][0]++;
                        continue; // reconstructed exactly, deviation from its mean is 0
                    }
                    double best = -1;
                    int bestK = 0;
                    for (int k = 0; k < m; k++) {
                        double c = Math.abs(dots[r * m + k]);
                        if (c > best) {
                            best = c;
                            bestK = k;
                        }
                    }
                    double ak = refNorm[bestK] > 0 ? dots[r * m + bestK] / refNorm[bestK] : 0.0;
                    double bk = mean - ak * refMean[bestK];
                    mode[g] = bestK;
                    a[g] = ak;
                    b[g] = bk;
                    layerCounts[l][bestK]++;
                    double[] ref = refProfiles[bestK];
                    for (int t = 0; t < tCount; t++) {
                        double v = x[off + t];
                        double c = v - mean;
                        double e = ak * ref[t] + bk - v;
                        den[t] += c * c;
                        num[t] += e * e;
                    }
                }
                p.step(rows);
                t0 = System.nanoTime();
                fitNanos += t0 - t1;
            }
        }
        return new Result(mode, a, b, Arrays.copyOf(constants, nConst), layerCounts, num, den,
                assignNanos / 1e9, fitNanos / 1e9);
    }
}
