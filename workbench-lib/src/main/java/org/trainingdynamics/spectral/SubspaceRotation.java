package org.trainingdynamics.spectral;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.Trajectory;

/**
 * How far the top-k singular subspaces of one weight matrix turn between consecutive checkpoints: the
 * checkpoint-to-checkpoint counterpart of the singular-vector agreement of Yunis et al. (arXiv 2408.11804, §3),
 * whose grokking claim is that the top singular vectors keep rotating until generalisation and then settle.
 * With U_k(t), V_k(t) the top-k left and right singular vectors of W(t) ([dim0, rest] view),
 * <pre>  rot(t) = 1 − ( ‖U_k(t−1)ᵀU_k(t)‖²_F + ‖V_k(t−1)ᵀV_k(t)‖²_F ) / (2k)</pre>
 * the mean squared sine of the principal angles between the two pairs of subspaces: 0 when both subspaces are
 * unchanged (whatever the signs or the rotation within them), 1 when both turned to orthogonal ones.
 */
public final class SubspaceRotation {
    private SubspaceRotation() {
    }

    /** rot(t) for t = 1 … T−1 (entry t−1 is the turn from checkpoint t−1 to t) of {@code tensor}'s top-k subspaces. */
    public static double[] of(Trajectory run, String tensor, int k) {
        TensorSpec s = run.tensor(tensor);
        if (s.rank() < 2) {
            throw new IllegalArgumentException("tensor " + tensor + " has rank " + s.rank() + "; a matrix (rank >= 2) is needed");
        }
        int rows = (int) s.dim(0);
        int cols = (int) (s.size() / rows);
        if (k < 1 || k > Math.min(rows, cols)) {
            throw new IllegalArgumentException("k must be in [1, " + Math.min(rows, cols) + "] for " + tensor + " ["
                    + rows + ", " + cols + "], got " + k);
        }
        int t = run.checkpointCount();
        if (t < 2) {
            throw new IllegalArgumentException("rotation needs at least 2 checkpoints, the run has " + t);
        }
        double[] out = new double[t - 1];
        DMatrixRMaj[] prev = null;
        for (int c = 0; c < t; c++) {
            double[] w = run.values(tensor, c);
            for (int i = 0; i < w.length; i++) {
                if (!Double.isFinite(w[i])) {
                    throw new IllegalArgumentException("tensor " + tensor + " has non-finite value " + w[i]
                            + " at checkpoint " + c + ", index " + i);
                }
            }
            DMatrixRMaj[] cur = top(new DMatrixRMaj(rows, cols, true, w), k);
            if (prev != null) {
                out[c - 1] = 1 - (overlap(prev[0], cur[0]) + overlap(prev[1], cur[1])) / (2.0 * k);
            }
            prev = cur;
        }
        return out;
    }

    /** Top-k left (rows × k) and right (cols × k) singular vectors. */
    private static DMatrixRMaj[] top(DMatrixRMaj a, int k) {
        SingularValueDecomposition_F64<DMatrixRMaj> svd =
                DecompositionFactory_DDRM.svd(a.numRows, a.numCols, true, true, true);
        if (!svd.decompose(a.copy())) {
            throw new IllegalStateException("SVD did not converge on a " + a.numRows + "x" + a.numCols + " matrix");
        }
        DMatrixRMaj u = svd.getU(null, false);
        DMatrixRMaj v = svd.getV(null, false);
        DMatrixRMaj w = svd.getW(null);
        SingularOps_DDRM.descendingOrder(u, false, w, v, false);
        DMatrixRMaj uk = CommonOps_DDRM.extract(u, 0, u.numRows, 0, k);
        DMatrixRMaj vk = CommonOps_DDRM.extract(v, 0, v.numRows, 0, k);
        return new DMatrixRMaj[]{uk, vk};
    }

    /** ‖AᵀB‖²_F. */
    private static double overlap(DMatrixRMaj a, DMatrixRMaj b) {
        DMatrixRMaj m = new DMatrixRMaj(a.numCols, b.numCols);
        CommonOps_DDRM.multTransA(a, b, m);
        double f = 0;
        for (double x : m.data) {
            f += x * x;
        }
        return f;
    }
}
