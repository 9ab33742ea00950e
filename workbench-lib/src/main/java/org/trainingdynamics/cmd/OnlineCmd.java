package org.trainingdynamics.cmd;

/**
 * Online CMD (Brokman et al., ICLR 2024, Sec. 3.2 "Online CMD"; official {@code update_AB_vec}): after a
 * warm-up fixed the modes, the references and every parameter's mode, each new checkpoint only updates
 * the affine coefficients, which at any time equal the least-squares fit
 * {@code (a_i, b_i) = argmin Σ_τ (a·r(τ) + b − w_i(τ))²} over every checkpoint seen so far.
 *
 * <p>Instead of the official recursion through the 2×2 Gram matrix (float32, re-built from the reference
 * history), this keeps float64 running moments — per parameter its mean and its co-moment with its
 * reference, per mode the reference's mean and second moment — updated with Welford's algorithm, and
 * computes {@code a = C_wr / M2_r}, {@code b = w̄ − a·r̄} on demand. Memory is O(N) (two doubles per
 * parameter), time O(N) per checkpoint; nothing of size N×T is kept.
 */
public final class OnlineCmd {
    private final int[] mode;
    private final long[] references;
    private final double[] meanW;
    private final double[] coW;
    private final double[] meanR;
    private final double[] m2R;
    private long count;

    private OnlineCmd(int[] mode, long[] references, double[] meanW, double[] coW, double[] meanR, double[] m2R,
                      long count) {
        this.mode = mode;
        this.references = references;
        this.meanW = meanW;
        this.coW = coW;
        this.meanR = meanR;
        this.m2R = m2R;
        this.count = count;
    }

    /**
     * Starts from a post-hoc CMD fitted on the warm-up checkpoints: its modes and references are fixed
     * from now on, and the moments are those of the warm-up (recovered exactly from {@code a, b} and the
     * reference profiles, no second pass over the data).
     */
    public static OnlineCmd of(CmdResult warmUp) {
        int n = warmUp.parameterCount();
        int[] mode = warmUp.modes();
        double[][] prof = warmUp.modeProfiles();
        int m = prof.length;
        double[] meanR = new double[m];
        double[] m2R = new double[m];
        for (int k = 0; k < m; k++) {
            double s = 0;
            for (double v : prof[k]) {
                s += v;
            }
            meanR[k] = s / prof[k].length;
            double ss = 0;
            for (double v : prof[k]) {
                ss += (v - meanR[k]) * (v - meanR[k]);
            }
            m2R[k] = ss;
        }
        double[] a = warmUp.a();
        double[] b = warmUp.b();
        double[] meanW = new double[n];
        double[] coW = new double[n];
        for (int i = 0; i < n; i++) {
            meanW[i] = b[i] + a[i] * meanR[mode[i]];
            coW[i] = a[i] * m2R[mode[i]];
        }
        return new OnlineCmd(mode, warmUp.references(), meanW, coW, meanR, m2R, warmUp.checkpointCount());
    }

    /** Adds one checkpoint: the full parameter vector (length N) after the next epoch. */
    public void update(double[] params) {
        if (params.length != mode.length) {
            throw new IllegalArgumentException("parameter vector has " + params.length + " entries, CMD was fitted on "
                    + mode.length);
        }
        for (double v : params) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("parameter vector holds a non-finite value (" + v + ")");
            }
        }
        long next = count + 1;
        int m = references.length;
        double[] dr = new double[m];
        for (int k = 0; k < m; k++) {
            double r = params[(int) references[k]];
            dr[k] = r - meanR[k];
            meanR[k] += dr[k] / next;
            m2R[k] += dr[k] * (r - meanR[k]);
        }
        for (int i = 0; i < params.length; i++) {
            double w = params[i];
            meanW[i] += (w - meanW[i]) / next;
            coW[i] += (w - meanW[i]) * dr[mode[i]];
        }
        count = next;
    }

    /** Number of checkpoints seen (warm-up included). */
    public long checkpointCount() {
        return count;
    }

    /** Mode of every parameter (fixed at warm-up). */
    public int[] modes() {
        return mode.clone();
    }

    /** Global index of each mode's reference parameter. */
    public long[] references() {
        return references.clone();
    }

    /** Current least-squares scales {@code a_i}. */
    public double[] a() {
        double[] a = new double[mode.length];
        for (int i = 0; i < a.length; i++) {
            double v = m2R[mode[i]];
            a[i] = v > 0 ? coW[i] / v : 0.0;
        }
        return a;
    }

    /** Current least-squares offsets {@code b_i}. */
    public double[] b() {
        double[] a = a();
        double[] b = new double[mode.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = meanW[i] - a[i] * meanR[mode[i]];
        }
        return b;
    }

    /**
     * The CMD model of a checkpoint: {@code a_i · r_{m_i} + b_i} with the reference values taken from
     * {@code params} (the references are real parameters, so the current vector carries them).
     */
    public double[] reconstruct(double[] params) {
        if (params.length != mode.length) {
            throw new IllegalArgumentException("parameter vector has " + params.length + " entries, CMD was fitted on "
                    + mode.length);
        }
        double[] a = a();
        double[] b = b();
        double[] out = new double[params.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = a[i] * params[(int) references[mode[i]]] + b[i];
        }
        return out;
    }
}
