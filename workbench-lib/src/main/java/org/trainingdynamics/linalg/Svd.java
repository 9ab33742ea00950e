package org.trainingdynamics.linalg;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.decomposition.svd.SvdImplicitQrDecompose_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Singular value decomposition of a dense float64 matrix given row-major: singular values only (no
 * singular vector is ever formed), or a thin SVD keeping the top-k singular vector pairs.
 *
 * <p>Large matrices go to LAPACK {@code dgesvd} through {@code Nd4j.getBlasWrapper().lapack().gesvd}; a
 * row-major {@code m × n} array is the column-major storage of its transpose, so it is handed to LAPACK
 * without a copy or transpose. The vector path never asks LAPACK for an economy U (which corrupts memory in
 * ND4J 1.0.0-M2.1) nor for the large m × m factor: LAPACK returns the small side's vectors, the other side's
 * top-k follow from {@code A V_k} orthonormalised by QR (ND4J's own QR op is far too slow: 47 s for 800 × 200). Matrices whose larger side is at most {@link #EJML_MAX_DIM} go to EJML
 * (pure Java, implicit-QR bidiagonal SVD), which is faster there because ND4J's per-call overhead dominates
 * (measured in {@code SpectralBench}).
 */
public final class Svd {

    /**
     * Every LAPACK call through ND4J runs on this one thread. Calls from several Java threads (two workers,
     * even serialised by a lock, with OpenBLAS at 1 thread) corrupted the native heap in SpectralBench on
     * ND4J 1.0.0-M2.1 ("corrupted double-linked list", SIGSEGV in libc), while the same calls from a single
     * thread did not. Cores are used through OpenBLAS threads inside each call; callers on other threads
     * (parallel workers, a notebook kernel) overlap everything else. The arrays of each call live in a
     * workspace destroyed after it (see {@link #onLapackThread}).
     */
    private static final java.util.concurrent.ExecutorService LAPACK = java.util.concurrent.Executors
            .newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "workbench-lapack");
                t.setDaemon(true);
                return t;
            });

    /** Sets the BLAS/LAPACK thread count on the LAPACK thread (OpenBLAS' setting is process-wide). */
    public static void setBlasThreads(int n) {
        onLapackThread(() -> {
            Nd4j.factory().blas().setMaxThreads(n);
            return null;
        });
    }

    /** The current BLAS/LAPACK thread count. */
    public static int blasThreads() {
        return onLapackThread(() -> Nd4j.factory().blas().getMaxThreads());
    }

    /**
     * Each LAPACK job allocates its ND4J arrays in a workspace that is destroyed when the job ends, so no array
     * it touches (including ND4J's own temporaries) is freed by ND4J's garbage-collector-driven deallocator.
     * ND4J 1.0.0-M2.1's {@code dgesvd} passes the address of a temporary ({@code superb}) to LAPACK and keeps
     * no reference to it, so a collection during a long call freed memory LAPACK was still writing: the native
     * heap corruption ("corrupted double-linked list", SIGSEGV in libc) that two spectral workers triggered
     * reliably. Jobs must return plain Java values (nothing allocated in the workspace escapes).
     */
    private static final WorkspaceConfiguration JOB_MEMORY = WorkspaceConfiguration.builder()
            .initialSize(0)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .policyLearning(LearningPolicy.NONE)
            .policySpill(SpillPolicy.EXTERNAL)
            .build();

    private static <T> T onLapackThread(java.util.concurrent.Callable<T> job) {
        java.util.concurrent.Future<T> f = LAPACK.submit(() -> {
            MemoryWorkspace ws = Nd4j.getWorkspaceManager().createNewWorkspace(JOB_MEMORY, "workbench-lapack-job");
            try (MemoryWorkspace active = ws.notifyScopeEntered()) {
                return job.call();
            } finally {
                ws.destroyWorkspace(true);
            }
        });
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(false);
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("interrupted while waiting for LAPACK");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("LAPACK call failed: " + e.getCause(), e.getCause());
        }
    }

    /** Matrices with {@code max(m, n)} at most this go to EJML instead of LAPACK. */
    public static final int EJML_MAX_DIM = 64;

    private Svd() {
    }

    /** Which implementation decomposes a matrix. */
    public enum Backend {
        /** EJML below {@link #EJML_MAX_DIM}, LAPACK above. */
        AUTO,
        /** LAPACK {@code dgesvd} through ND4J. */
        LAPACK,
        /** EJML's implicit-QR SVD. */
        EJML
    }

    /** All {@code min(m, n)} singular values of the row-major {@code m × n} matrix {@code a}, descending. */
    public static double[] values(double[] a, int m, int n) {
        return values(a, m, n, Backend.AUTO);
    }

    /** As {@link #values(double[], int, int)}, with an explicit back end. */
    public static double[] values(double[] a, int m, int n, Backend backend) {
        check(a, m, n);
        if (useEjml(m, n, backend)) {
            SingularValueDecomposition_F64<DMatrixRMaj> svd = new SvdImplicitQrDecompose_DDRM(true, false, false, false);
            if (!svd.decompose(new DMatrixRMaj(m, n, true, a))) {
                throw new ArithmeticException("EJML SVD did not converge on a " + m + "x" + n + " matrix");
            }
            return sortedDescending(Arrays.copyOf(svd.getSingularValues(), Math.min(m, n)));
        }
        // row-major m×n == column-major n×m (Aᵀ); singular values are the same.
        double[] out = onLapackThread(() -> {
            INDArray at = Nd4j.create(a, new long[]{n, m}, 'f');
            INDArray s = Nd4j.create(DataType.DOUBLE, Math.min(m, n));
            Nd4j.getBlasWrapper().lapack().gesvd(at, s, null, null);
            return s.toDoubleVector();
        });
        return sortedDescending(out);
    }

    /**
     * Thin SVD of the row-major {@code m × n} matrix {@code a}: all singular values and the top
     * {@code k ≤ min(m, n)} left and right singular vectors.
     */
    public static ThinSvd thin(double[] a, int m, int n, int k) {
        return thin(a, m, n, k, Backend.AUTO);
    }

    /** As {@link #thin(double[], int, int, int)}, with an explicit back end. */
    public static ThinSvd thin(double[] a, int m, int n, int k, Backend backend) {
        check(a, m, n);
        int r = Math.min(m, n);
        if (k < 0 || k > r) {
            throw new IllegalArgumentException("k = " + k + " singular vectors requested from a " + m + "x" + n
                    + " matrix (at most " + r + ")");
        }
        if (m < n) {
            ThinSvd t = thin(transpose(a, m, n), n, m, k, backend);
            return new ThinSvd(m, n, t.values(), k, t.v(), t.u());
        }
        return useEjml(m, n, backend) ? thinEjml(a, m, n, k) : thinLapack(a, m, n, k);
    }

    private static ThinSvd thinEjml(double[] a, int m, int n, int k) {
        SingularValueDecomposition_F64<DMatrixRMaj> svd = new SvdImplicitQrDecompose_DDRM(true, true, true, false);
        if (!svd.decompose(new DMatrixRMaj(m, n, true, a))) {
            throw new ArithmeticException("EJML SVD did not converge on a " + m + "x" + n + " matrix");
        }
        double[] sv = svd.getSingularValues();
        int r = Math.min(m, n);
        Integer[] order = order(sv, r);
        DMatrixRMaj uu = svd.getU(null, false);
        DMatrixRMaj vv = svd.getV(null, false);
        double[] values = new double[r];
        double[] u = new double[m * k];
        double[] v = new double[n * k];
        for (int i = 0; i < r; i++) {
            values[i] = sv[order[i]];
        }
        for (int i = 0; i < k; i++) {
            int c = order[i];
            for (int row = 0; row < m; row++) {
                u[row * k + i] = uu.get(row, c);
            }
            for (int row = 0; row < n; row++) {
                v[row * k + i] = vv.get(row, c);
            }
        }
        return new ThinSvd(m, n, values, k, u, v);
    }

    /**
     * m ≥ n. The row-major A is the column-major n × m matrix B = Aᵀ; LAPACK gives B = U_B S V_Bᵀ with the small
     * n × n factor U_B = V_A only ({@code jobu='A', jobvt='N'}; no m × m factor is ever formed). Then
     * {@code Y = A V_k} has columns {@code σ_i u_i}, and a Householder QR of Y (EJML) turns them into orthonormal
     * u_i (sign fixed so that {@code ⟨u_i, Av_i⟩ ≥ 0}; for σ_i = 0 an orthonormal completion, which is valid).
     */
    private static ThinSvd thinLapack(double[] a, int m, int n, int k) {
        double[][] res = onLapackThread(() -> {
            INDArray b = Nd4j.create(a, new long[]{n, m}, 'f');
            INDArray s = Nd4j.create(DataType.DOUBLE, n);
            INDArray ub = Nd4j.create(DataType.DOUBLE, new long[]{n, n}, 'f');
            Nd4j.getBlasWrapper().lapack().gesvd(b, s, ub, null);
            // row-major n × n, column i = v_i
            return new double[][]{s.toDoubleVector(), ub.dup('c').reshape((long) n * n).toDoubleVector()};
        });
        double[] values = res[0];
        double[] vAll = res[1];
        double[] v = new double[n * k];
        for (int r = 0; r < n; r++) {
            System.arraycopy(vAll, r * n, v, r * k, k);
        }
        if (k == 0) {
            return new ThinSvd(m, n, values, 0, new double[0], v);
        }
        // Y = A V_k (m × k)
        DMatrixRMaj y = new DMatrixRMaj(m, k);
        org.ejml.dense.row.CommonOps_DDRM.mult(new DMatrixRMaj(m, n, true, a), new DMatrixRMaj(n, k, true, v), y);
        org.ejml.interfaces.decomposition.QRDecomposition<DMatrixRMaj> qr =
                org.ejml.dense.row.factory.DecompositionFactory_DDRM.qr(m, k);
        DMatrixRMaj ycopy = y.copy();
        if (!qr.decompose(ycopy)) {
            throw new ArithmeticException("QR of A·V failed on a " + m + "x" + n + " matrix");
        }
        DMatrixRMaj q = qr.getQ(null, true);
        double[] u = new double[m * k];
        for (int i = 0; i < k; i++) {
            double dot = 0;
            for (int r = 0; r < m; r++) {
                dot += q.get(r, i) * y.get(r, i);
            }
            double sign = dot < 0 ? -1 : 1;
            for (int r = 0; r < m; r++) {
                u[r * k + i] = sign * q.get(r, i);
            }
        }
        return new ThinSvd(m, n, values, k, u, v);
    }

    private static boolean useEjml(int m, int n, Backend backend) {
        return backend == Backend.EJML || (backend == Backend.AUTO && Math.max(m, n) <= EJML_MAX_DIM);
    }

    private static void check(double[] a, int m, int n) {
        if (m < 1 || n < 1) {
            throw new IllegalArgumentException("cannot decompose an empty " + m + "x" + n + " matrix");
        }
        if (a.length != (long) m * n) {
            throw new IllegalArgumentException("matrix data has " + a.length + " values, expected " + m + "x" + n);
        }
        for (int i = 0; i < a.length; i++) {
            if (!Double.isFinite(a[i])) {
                throw new IllegalArgumentException("matrix " + m + "x" + n + " has a non-finite value " + a[i]
                        + " at (" + i / n + ", " + i % n + ")");
            }
        }
    }

    static double[] transpose(double[] a, int m, int n) {
        double[] t = new double[a.length];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                t[j * m + i] = a[i * n + j];
            }
        }
        return t;
    }

    private static Integer[] order(double[] sv, int r) {
        Integer[] idx = new Integer[r];
        for (int i = 0; i < r; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (x, y) -> Double.compare(sv[y], sv[x]));
        return idx;
    }

    private static double[] sortedDescending(double[] s) {
        Arrays.sort(s);
        for (int i = 0, j = s.length - 1; i < j; i++, j--) {
            double t = s[i];
            s[i] = s[j];
            s[j] = t;
        }
        return s;
    }
}
