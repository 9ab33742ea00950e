package org.trainingdynamics.bench;

import java.util.Random;
import org.bytedeco.openblas.global.openblas;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * The thin SVD behind a DMD fit at the size of a deep delay embedding (the paper's FCN budget 320 gives cores of about
 * 3300–3600 × 4960): EJML's SVD (what {@code Dmd} used for every core) against LAPACK {@code dgesdd} through the
 * OpenBLAS that ND4J loads (what it uses from {@code Dmd.LAPACK_FROM} on), on the same Gaussian matrix with a decaying
 * column scale, in one run; prints both times, their ratio and the largest difference of the top singular values.
 * Arguments: rows, columns (default 3600 4960).
 */
public final class SvdBench {
    private SvdBench() {
    }

    public static void main(String[] args) {
        int m = args.length > 0 ? Integer.parseInt(args[0]) : 3600;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 4960;
        Random rng = new Random(1);
        double[] a = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                a[i * n + j] = rng.nextGaussian() * Math.exp(-j / 50.0);
            }
        }
        int q = Math.min(m, n);
        double[] s = new double[q];
        double[] work = a.clone();
        long t0 = System.nanoTime();
        int info = openblas.LAPACKE_dgesdd(openblas.LAPACK_ROW_MAJOR, (byte) 'S', m, n, work, n, s, new double[m * q], q,
                new double[q * n], n);
        double lapack = (System.nanoTime() - t0) / 1e9;
        if (info != 0) {
            throw new IllegalStateException("dgesdd info " + info);
        }
        t0 = System.nanoTime();
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(m, n, true, true, true);
        if (!svd.decompose(DMatrixRMaj.wrap(m, n, a.clone()))) {
            throw new IllegalStateException("EJML SVD failed");
        }
        svd.getU(null, false);
        svd.getV(null, false);
        double ejml = (System.nanoTime() - t0) / 1e9;
        double[] e = svd.getSingularValues().clone();
        java.util.Arrays.sort(e);
        double diff = 0;
        for (int i = 0; i < Math.min(10, q); i++) {
            diff = Math.max(diff, Math.abs(e[q - 1 - i] - s[i]) / s[0]);
        }
        System.out.printf("SVD %d x %d: LAPACK dgesdd %.1f s, EJML %.1f s, EJML / LAPACK = %.1f; top-10 singular values"
                + " differ by at most %.1e of the largest; load average %.1f%n", m, n, lapack, ejml, ejml / lapack, diff,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
