package org.trainingdynamics.dln;

/**
 * The two primal kernels of the DMFT fixed point (dmft.md §2–3) on the grid t_k = kh, k = 0…K−1: the error
 * correlation C_Δ(k, l) = E[Δ_k Δ_l] and the causal response R(k, l) = E[∂Δ_k/∂a_l] (strictly lower-triangular;
 * it includes the step h). The residual correlation C_r and the memory kernel M follow from them
 * ({@link DmftSolver#residualCorrelation}, {@link DmftSolver#memory}).
 *
 * @param cDelta   C_Δ, K×K
 * @param response R, K×K, strictly lower-triangular
 */
public record DmftKernels(double[][] cDelta, double[][] response) {

    /** Checks shapes and finiteness. */
    public DmftKernels {
        int k = cDelta.length;
        if (k == 0 || response.length != k) {
            throw new IllegalArgumentException("DMFT kernels: C_Delta has " + k + " rows, R has " + response.length);
        }
        for (int i = 0; i < k; i++) {
            if (cDelta[i].length != k || response[i].length != k) {
                throw new IllegalArgumentException("DMFT kernels: row " + i + " is not of length " + k);
            }
            for (int j = 0; j < k; j++) {
                if (!Double.isFinite(cDelta[i][j]) || !Double.isFinite(response[i][j])) {
                    throw new IllegalArgumentException("DMFT kernels: non-finite entry at (" + i + ", " + j + ")");
                }
            }
        }
    }

    /** K. */
    public int size() {
        return cDelta.length;
    }

    /** θ·this + (1−θ)·next. */
    public DmftKernels damp(DmftKernels next, double theta) {
        int k = size();
        double[][] c = new double[k][k];
        double[][] r = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                c[i][j] = theta * cDelta[i][j] + (1 - theta) * next.cDelta[i][j];
                r[i][j] = theta * response[i][j] + (1 - theta) * next.response[i][j];
            }
        }
        return new DmftKernels(c, r);
    }

    /** max |C_Δ − other.C_Δ|. */
    public double maxDiffCorrelation(DmftKernels o) {
        return maxDiff(cDelta, o.cDelta);
    }

    /** max |R − other.R|. */
    public double maxDiffResponse(DmftKernels o) {
        return maxDiff(response, o.response);
    }

    private static double maxDiff(double[][] a, double[][] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) {
                m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return m;
    }

    /** Entry-wise mean of several kernels. */
    public static DmftKernels mean(java.util.List<DmftKernels> ks) {
        int k = ks.get(0).size();
        double[][] c = new double[k][k];
        double[][] r = new double[k][k];
        for (DmftKernels x : ks) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    c[i][j] += x.cDelta[i][j] / ks.size();
                    r[i][j] += x.response[i][j] / ks.size();
                }
            }
        }
        return new DmftKernels(c, r);
    }
}
