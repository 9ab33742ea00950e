package org.trainingdynamics.koopman;

import org.ejml.data.Complex_F64;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.ZMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_ZDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Eigenvalues and unit-norm (complex) eigenvectors of a small real non-symmetric matrix, as
 * {@code scipy.linalg.eig} / LAPACK {@code dgeev} return them: eigenvalues from EJML's Hessenberg QR
 * algorithm; eigenvectors (EJML gives none for complex eigenvalues) by two steps of complex inverse
 * iteration with a tiny shift, which converges to machine precision for simple eigenvalues.
 */
final class SmallEigen {
    private SmallEigen() {
    }

    /** Eigenvalues of {@code a} (n×n): {@code [0]} real parts, {@code [1]} imaginary parts. */
    static double[][] eigenvalues(double[][] a) {
        int n = a.length;
        DMatrixRMaj m = new DMatrixRMaj(a);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, false);
        if (!eig.decompose(m)) {
            throw new IllegalArgumentException("eigen-decomposition of a " + n + "x" + n + " operator failed to converge");
        }
        double[][] out = new double[2][n];
        for (int i = 0; i < n; i++) {
            Complex_F64 c = eig.getEigenvalue(i);
            out[0][i] = c.real;
            out[1][i] = c.imaginary;
        }
        return out;
    }

    /**
     * Unit-norm eigenvectors of {@code a} for the given eigenvalues: {@code [0]} real, {@code [1]} imaginary
     * parts, each n×k with column j belonging to eigenvalue j.
     */
    static double[][][] eigenvectors(double[][] a, double[] lre, double[] lim) {
        int n = a.length;
        int k = lre.length;
        double norm = 0;
        for (double[] row : a) {
            for (double v : row) {
                norm += v * v;
            }
        }
        norm = Math.max(Math.sqrt(norm), Double.MIN_NORMAL);
        double[][][] out = new double[2][n][k];
        LinearSolverDense<ZMatrixRMaj> lu = LinearSolverFactory_ZDRM.lu(n);
        for (int j = 0; j < k; j++) {
            double shift = 1e-13 * norm;
            ZMatrixRMaj m = new ZMatrixRMaj(n, n);
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    m.set(r, c, a[r][c], 0);
                }
                m.set(r, r, a[r][r] - lre[j] - shift, -lim[j] - 0.7 * shift);
            }
            if (!lu.setA(m)) {
                throw new IllegalArgumentException("eigenvector solve failed for eigenvalue " + lre[j] + "+" + lim[j] + "i");
            }
            ZMatrixRMaj x = new ZMatrixRMaj(n, 1);
            for (int r = 0; r < n; r++) {
                x.set(r, 0, 1.0 / Math.sqrt(n) * (1 + 0.1 * Math.sin(r + 1.0)), 0.05 * Math.cos(3.0 * r));
            }
            for (int it = 0; it < 3; it++) {
                ZMatrixRMaj y = new ZMatrixRMaj(n, 1);
                lu.solve(x, y);
                normalise(y);
                x = y;
            }
            // fix the phase like LAPACK does not guarantee anything: make the largest component real positive
            int big = 0;
            double bm = -1;
            for (int r = 0; r < n; r++) {
                double mag = Math.hypot(x.getReal(r, 0), x.getImag(r, 0));
                if (mag > bm + 1e-12) {
                    bm = mag;
                    big = r;
                }
            }
            double pr = x.getReal(big, 0) / bm;
            double pi = -x.getImag(big, 0) / bm;
            for (int r = 0; r < n; r++) {
                double xr = x.getReal(r, 0);
                double xi = x.getImag(r, 0);
                out[0][r][j] = xr * pr - xi * pi;
                out[1][r][j] = xr * pi + xi * pr;
            }
        }
        return out;
    }

    private static void normalise(ZMatrixRMaj y) {
        double s = 0;
        for (int r = 0; r < y.numRows; r++) {
            double re = y.getReal(r, 0);
            double im = y.getImag(r, 0);
            s += re * re + im * im;
        }
        s = Math.sqrt(s);
        if (!(s > 0) || !Double.isFinite(s)) {
            throw new IllegalArgumentException("inverse iteration for an eigenvector broke down (norm " + s + ")");
        }
        for (int r = 0; r < y.numRows; r++) {
            y.set(r, 0, y.getReal(r, 0) / s, y.getImag(r, 0) / s);
        }
    }
}
