package org.trainingdynamics.koopman;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.trainingdynamics.study.Progress;

/**
 * A small matrix C (k × M) with Z = Q·C for some Q with orthonormal columns, where Z (N × M) holds every
 * snapshot of every run side by side; after a delay embedding, C has d row blocks of k rows, block i holding
 * the core of snapshots shifted by i (the Hankel matrix is (I_d ⊗ Q)·C_H, so the core of a delay embedding
 * comes from shifted columns of the raw core, never from an N·d-row object).
 */
final class SnapshotCore {
    final DMatrixRMaj c;
    final int blockRows;
    final int delays;
    final long fullRows;
    /** Start column (in c) and length of each run. */
    final int[] segStart;
    final int[] segLen;
    /** Original (unembedded) column of each column of c. */
    final int[] origCol;
    final Accumulation used;

    private SnapshotCore(DMatrixRMaj c, int blockRows, int delays, long fullRows, int[] segStart, int[] segLen,
                         int[] origCol, Accumulation used) {
        this.c = c;
        this.blockRows = blockRows;
        this.delays = delays;
        this.fullRows = fullRows;
        this.segStart = segStart;
        this.segLen = segLen;
        this.origCol = origCol;
        this.used = used;
    }

    /** Builds the core of all runs' snapshots with the given accumulation (AUTO picks DIRECT or GRAM here). */
    static SnapshotCore build(Snapshots s, Accumulation acc, int maxBlockRows, long directLimit) {
        int m = s.columns();
        long n = s.rows();
        Accumulation a = acc;
        if (a == Accumulation.AUTO) {
            a = (n <= m || n * m <= directLimit) ? Accumulation.DIRECT : Accumulation.GRAM;
        }
        DMatrixRMaj c = switch (a) {
            case DIRECT -> direct(s, maxBlockRows);
            case GRAM -> fromGram(StreamedGram.compute(s, maxBlockRows));
            case TSQR -> tsqr(s, maxBlockRows);
            default -> throw new IllegalStateException();
        };
        int[] lens = s.lengths();
        int[] start = new int[lens.length];
        int[] orig = new int[m];
        for (int r = 1; r < lens.length; r++) {
            start[r] = start[r - 1] + lens[r - 1];
        }
        for (int j = 0; j < m; j++) {
            orig[j] = j;
        }
        return new SnapshotCore(c, c.numRows, 1, n, start, lens, orig, a);
    }

    private static DMatrixRMaj direct(Snapshots s, int maxBlockRows) {
        long n = s.rows();
        int m = s.columns();
        if (n * m > 200_000_000L) {
            throw new IllegalArgumentException("snapshots have " + n + " x " + m + " values; too many for the direct "
                    + "path, use Accumulation.GRAM or TSQR");
        }
        DMatrixRMaj z = new DMatrixRMaj((int) n, m);
        int row = 0;
        for (double[] b : s.blocks(maxBlockRows)) {
            System.arraycopy(b, 0, z.data, row * m, b.length);
            row += b.length / m;
        }
        if (n <= m) {
            return z;
        }
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr((int) n, m);
        if (!qr.decompose(z)) {
            throw new IllegalStateException("QR of the snapshot matrix failed");
        }
        return qr.getR(null, true);
    }

    /** C = Λ^½ Vᵀ from G = V Λ Vᵀ, dropping eigenvalues below M·ε·λ_max (they carry no accurate information). */
    static DMatrixRMaj fromGram(double[] g) {
        int m = (int) Math.round(Math.sqrt(g.length));
        DMatrixRMaj gm = new DMatrixRMaj(m, m);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                gm.set(i, j, 0.5 * (g[i * m + j] + g[j * m + i]));
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(m, true, true);
        if (!eig.decompose(gm)) {
            throw new IllegalStateException("eigen-decomposition of the Gram matrix failed");
        }
        double max = 0;
        for (int i = 0; i < m; i++) {
            max = Math.max(max, eig.getEigenvalue(i).real);
        }
        double tol = m * 2.2e-16 * max;
        java.util.List<Integer> keep = new java.util.ArrayList<>();
        for (int i = 0; i < m; i++) {
            if (eig.getEigenvalue(i).real > tol) {
                keep.add(i);
            }
        }
        if (keep.isEmpty()) {
            throw new IllegalArgumentException("the snapshots are all zero");
        }
        DMatrixRMaj c = new DMatrixRMaj(keep.size(), m);
        for (int r = 0; r < keep.size(); r++) {
            int i = keep.get(r);
            double sq = Math.sqrt(eig.getEigenvalue(i).real);
            DMatrixRMaj v = eig.getEigenVector(i);
            for (int j = 0; j < m; j++) {
                c.set(r, j, sq * v.get(j, 0));
            }
        }
        return c;
    }

    /** Streamed TSQR: R ← R-factor of [R; B] for each parameter block B. */
    static DMatrixRMaj tsqr(Snapshots s, int maxBlockRows) {
        int m = s.columns();
        DMatrixRMaj r = null;
        try (Progress p = Progress.start("TSQR", s.rows())) {
            for (double[] b : s.blocks(maxBlockRows)) {
                int rows = b.length / m;
                int top = r == null ? 0 : r.numRows;
                DMatrixRMaj stack = new DMatrixRMaj(top + rows, m);
                if (r != null) {
                    System.arraycopy(r.data, 0, stack.data, 0, top * m);
                }
                System.arraycopy(b, 0, stack.data, top * m, b.length);
                if (stack.numRows <= m) {
                    r = stack;
                } else {
                    QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(stack.numRows, m);
                    if (!qr.decompose(stack)) {
                        throw new IllegalStateException("TSQR block QR failed");
                    }
                    r = qr.getR(null, true);
                }
                p.step(rows);
            }
        }
        return r;
    }

    /**
     * The core of the d-delay (Hankel) embedding h_t = [z_t; z_{t+1}; …; z_{t+d-1}] within each run (PyDMD
     * HankelDMD, d = number of stacked snapshots; Redman's {@code n_delays} = d − 1).
     */
    SnapshotCore embed(int d) {
        if (d == 1) {
            return this;
        }
        if (delays != 1) {
            throw new IllegalStateException("already embedded");
        }
        int k = c.numRows;
        int mNew = 0;
        for (int len : segLen) {
            if (len - d + 1 < 2) {
                throw new IllegalArgumentException("a run of " + len + " snapshots is too short for " + d
                        + " delays (needs at least " + (d + 1) + ")");
            }
            mNew += len - d + 1;
        }
        DMatrixRMaj h = new DMatrixRMaj(d * k, mNew);
        int[] start = new int[segLen.length];
        int[] len = new int[segLen.length];
        int[] orig = new int[mNew];
        int col = 0;
        for (int sIdx = 0; sIdx < segLen.length; sIdx++) {
            start[sIdx] = col;
            len[sIdx] = segLen[sIdx] - d + 1;
            for (int j = 0; j < len[sIdx]; j++) {
                int src = segStart[sIdx] + j;
                orig[col] = origCol[src];
                for (int i = 0; i < d; i++) {
                    for (int r = 0; r < k; r++) {
                        h.set(i * k + r, col, c.get(r, src + i));
                    }
                }
                col++;
            }
        }
        return new SnapshotCore(h, k, d, fullRows * d, start, len, orig, used);
    }

    /** Columns {@code cols} of the core as a new matrix. */
    DMatrixRMaj columns(int[] cols) {
        DMatrixRMaj out = new DMatrixRMaj(c.numRows, cols.length);
        for (int r = 0; r < c.numRows; r++) {
            for (int j = 0; j < cols.length; j++) {
                out.set(r, j, c.get(r, cols[j]));
            }
        }
        return out;
    }

    static DMatrixRMaj mult(DMatrixRMaj a, DMatrixRMaj b) {
        DMatrixRMaj out = new DMatrixRMaj(a.numRows, b.numCols);
        CommonOps_DDRM.mult(a, b, out);
        return out;
    }
}
