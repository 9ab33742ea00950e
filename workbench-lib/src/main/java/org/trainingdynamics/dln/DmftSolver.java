package org.trainingdynamics.dln;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.trainingdynamics.study.Progress;

/**
 * Discrete-time DMFT of DLN gradient descent (dmft.md §2–3; Gerbelot et al. 2022 discretisation, exact for GD with
 * step h), solved by damped fixed-point iteration on (C_Δ, R) with Monte-Carlo sampling of the effective process.
 *
 * <p>One pass, given (C_Δ, R):
 * <ol>
 *   <li>G = I + R, G⁻¹ by a unit-lower-triangular solve, M = I − G⁻¹, C_r = G⁻¹(σ²𝟙𝟙ᵀ + C_Δ)G⁻ᵀ.</li>
 *   <li>ζ ~ N(0, αC_r) for N samples (eigendecomposition, negative eigenvalues clipped); β* stratified.</li>
 *   <li>Effective process: a_k = ζ_k − αΔ_k + α Σ_{m&lt;k} M_{km}Δ_m, A_{k+1} = A_k + h a_k, Δ_k = β(A_k) − β*.</li>
 *   <li>Response P_{k,l} = ∂A_k/∂a_l: P_{k+1,l} = P_{k,l} + h[−αβ′_k P_{k,l} + α Σ_{m&lt;k} M_{km}β′_m P_{m,l}] + hδ_{kl};
 *       R_new(k,l) = E[β′_k P_{k,l}], C_Δ,new = E[ΔΔᵀ].</li>
 * </ol>
 * The response recursion is vectorised over a bundle of samples (layout [time] × [source l, sample n]); each column
 * (l, n) evolves independently except through the shared memory kernel M. Its memory sum is evaluated by
 * recursive time-blocking: a block [k₀, k₁) longer than 64 steps is split at mid and the contribution of [k₀, mid) to
 * [mid, k₁) is a few ND4J GEMMs M[mid:k₁, ·] · B[·, sources &lt; mid] accumulated in place into an off-heap store of the
 * memory sums (the triangle of zero B entries, sources ≥ time, is mostly skipped); blocks of at most 64 steps run in
 * Java one source at a time, all their steps with that source's B rows in cache (memory sum, B = β′⊙P, R sums and the
 * P update fused into one sweep per step), sources in parallel. So most of the O(N K³) work
 * runs at GEMM speed. The memory kernel is smooth in (t, s), so its off-diagonal blocks M[mid:k₁, k₀:mid] have a low
 * numerical rank r (5 for 100×100 at K = 200 at the float32 tolerance below): where it pays, a block's product is
 * applied as U·(W·B) with the truncated singular value decomposition M_blk = U·W (singular values below
 * σ₁·max(dims)·2⁻²³ dropped, numpy's {@code matrix_rank} tolerance in float32), an H-matrix product that needs
 * 2r(rows + cols) instead of 2·rows·cols flops per column and agrees with the dense product to float32 rounding.
 *
 * <p><b>Precision.</b> The response recursion runs in float32 (β′, P, B = β′⊙P, the memory sums, M and its block
 * factors; float32 GEMMs), with the R sums accumulated in float64; everything else in the pass is float64. The
 * recursion is bound by streaming the B history and the memory sums through memory, so halving their width cuts its
 * time by about 40 %. The rounding this adds is far below the method's Monte-Carlo error: a full solve (K = 200,
 * N = 3000, 12 iterations + 2 averaging passes) moves E_tr, E_te, C_Δ and R by at most 3.4e-8 relative to their
 * maximum against the float64 recursion, while changing the seed moves them by 3.4e-3 to 1.2e-2 (docs/BENCHMARKS.md).
 *
 * <p>{@link #solve} iterates X ← θX + (1−θ)X_new with the Monte-Carlo samples frozen (common random numbers: the same
 * β* and white noise ξ every iteration, so the iteration map is deterministic and its convergence is seen without
 * sampling noise) until max|C_Δ,new − C_Δ| ≤ tolerance·max_k C_Δ(k,k); it then runs
 * {@code averagingPasses} passes with the converged kernels and fresh samples, whose mean is the result and whose
 * spread is the Monte-Carlo error.
 */
public final class DmftSolver {
    /** Time blocks of at most this many steps run in Java (per source, in cache); longer ones are split by GEMMs. */
    private static final int JAVA_BLOCK = 64;
    /** Target number of source times per GEMM over the triangular (sources ≥ k₀) part of a block's contribution. */
    private static final int TRIANGLE_CHUNK = 50;
    /** Samples per chunk of the effective-process sweep (its Δ history, K × chunk, stays in cache). */
    private static final int SAMPLE_CHUNK = 256;

    private final DmftConfig cfg;
    private long gemmFlops;
    private int lowRankBlocks;
    private double gemmSeconds;
    /** Reused off-heap float32 stores per bundle width: the B history and the memory sums Q (time × [source, sample]). */
    private final java.util.Map<Integer, INDArray> historyStores = new java.util.HashMap<>();
    private final java.util.Map<Integer, INDArray> sumStores = new java.util.HashMap<>();
    private final java.util.Map<Integer, INDArray> productStores = new java.util.HashMap<>();

    /** A solver for a configuration. */
    public DmftSolver(DmftConfig config) {
        this.cfg = config;
    }

    /** Solves the fixed point and returns curves, kernels and convergence history. */
    public static DmftResult solve(DmftConfig config) {
        return new DmftSolver(config).run();
    }

    /** The starting kernels: C_Δ = E[β*²]𝟙𝟙ᵀ (Δ(0) = −β*), R = 0. */
    public DmftKernels initial() {
        int k = cfg.gridPoints();
        double m2 = cfg.prior().secondMoment();
        double[][] c = new double[k][k];
        for (double[] row : c) {
            java.util.Arrays.fill(row, m2);
        }
        return new DmftKernels(c, new double[k][k]);
    }

    /** Wall seconds spent inside the response GEMM calls since construction (for the benchmark). */
    public double gemmSeconds() {
        return gemmSeconds;
    }

    /** Block products of the last response recursion done in low-rank form (for the benchmark and tests). */
    public int lowRankBlocks() {
        return lowRankBlocks;
    }

    /** Floating-point operations spent in the response GEMMs since construction (for the benchmark). */
    public long gemmFlops() {
        return gemmFlops;
    }

    /** G⁻¹ = (I + R)⁻¹ for strictly lower-triangular R (unit-lower-triangular forward substitution). */
    public static double[][] inverseUnitLower(double[][] r) {
        int k = r.length;
        double[][] x = new double[k][k];
        for (int j = 0; j < k; j++) {
            x[j][j] = 1;
            for (int i = j + 1; i < k; i++) {
                double s = 0;
                double[] ri = r[i];
                for (int m = j; m < i; m++) {
                    s += ri[m] * x[m][j];
                }
                x[i][j] = -s;
            }
        }
        return x;
    }

    /** Memory kernel M = I − (I + R)⁻¹ (strictly lower-triangular). */
    public static double[][] memory(double[][] response) {
        return memoryFromInverse(inverseUnitLower(response));
    }

    /** M = I − G⁻¹ from G⁻¹ (overwritten). */
    private static double[][] memoryFromInverse(double[][] g) {
        for (int i = 0; i < g.length; i++) {
            for (int j = 0; j < g.length; j++) {
                g[i][j] = (i == j ? 1 : 0) - g[i][j];
            }
        }
        return g;
    }

    /** Residual correlation C_r = G⁻¹(σ²𝟙𝟙ᵀ + C_Δ)G⁻ᵀ; its diagonal is the train loss E_tr. */
    public static double[][] residualCorrelation(DmftKernels k, double sigma) {
        return residualCorrelation(k, sigma, inverseUnitLower(k.response()));
    }

    /** C_r from the kernels and a precomputed G⁻¹ (two ND4J GEMMs). */
    private static double[][] residualCorrelation(DmftKernels k, double sigma, double[][] ginv) {
        int n = k.size();
        INDArray gi = nd(ginv);
        INDArray c = nd(k.cDelta()).addi(sigma * sigma);
        INDArray t = Nd4j.create(DataType.DOUBLE, n, n);
        Nd4j.gemm(gi, c, t, false, false, 1.0, 0.0);
        INDArray out = Nd4j.create(DataType.DOUBLE, n, n);
        Nd4j.gemm(t, gi, out, false, true, 1.0, 0.0);
        double[][] o = rows(out, n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double v = 0.5 * (o[i][j] + o[j][i]);
                o[i][j] = v;
                o[j][i] = v;
            }
        }
        return o;
    }

    /**
     * A symmetric square root factor L (K×K, L·Lᵀ = C with negative eigenvalues clipped to 0) of a covariance.
     */
    static double[][] sqrtFactor(double[][] cov) {
        int n = cov.length;
        // LAPACK syev through ND4J (EJML's symmetric QR fails to converge on the rank-one starting covariance)
        INDArray a = nd(cov).dup('f');
        INDArray w = org.nd4j.linalg.eigen.Eigen.symmetricGeneralizedEigenvalues(a, true);
        double[] lam = w.toDoubleVector();
        double[][] vec = rows(a.dup('c'), n, n);
        double[][] l = new double[n][n];
        for (int e = 0; e < n; e++) {
            if (!(lam[e] > 0)) {
                continue;
            }
            double s = Math.sqrt(lam[e]);
            for (int i = 0; i < n; i++) {
                l[i][e] = vec[i][e] * s;
            }
        }
        return l;
    }

    /** A c-order float64 INDArray from rows (one flat copy; ND4J's per-row conversion is slow). */
    static INDArray nd(double[][] rows) {
        int r = rows.length;
        int c = rows[0].length;
        INDArray a = Nd4j.createUninitialized(DataType.DOUBLE, r, c);
        java.nio.DoubleBuffer buf = a.data().asNioDouble();
        for (int i = 0; i < r; i++) {
            buf.put(i * c, rows[i]);
        }
        return a;
    }

    /** A c-order float32 INDArray from rows (one flat copy). */
    static INDArray ndFloat(float[][] rows) {
        int r = rows.length;
        int c = rows[0].length;
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, r, c);
        java.nio.FloatBuffer buf = a.data().asNioFloat();
        for (int i = 0; i < r; i++) {
            buf.put(i * c, rows[i]);
        }
        return a;
    }

    /** A c-order r×c float64 INDArray holding a row-major flat array (bulk copy). */
    static INDArray nd(double[] flat, int r, int c) {
        INDArray a = Nd4j.createUninitialized(DataType.DOUBLE, r, c);
        a.data().asNioDouble().put(0, flat);
        return a;
    }

    /** Rows of an r×c INDArray (bulk copies out of a c-order contiguous buffer). */
    static double[][] rows(INDArray a, int r, int c) {
        INDArray d = a.ordering() == 'c' && !a.isView() && a.offset() == 0 ? a : a.dup('c');
        java.nio.DoubleBuffer buf = d.data().asNioDouble();
        double[][] out = new double[r][c];
        for (int i = 0; i < r; i++) {
            buf.get(i * c, out[i]);
        }
        return out;
    }

    /**
     * Output of one pass: new kernels, E[Δ_k²] and its sample variance, the noise floor max_k s.e.(E[Δ_k²]), and wall
     * times (total, of which the response recursion).
     */
    public record Pass(DmftKernels kernels, double[] testLoss, double[] testVar, double noiseFloor, double seconds,
                       double responseSeconds) {
    }

    /** One Monte-Carlo pass of the effective process with kernels {@code in} (fresh samples from {@code seed}). */
    public Pass pass(DmftKernels in, long seed) {
        long t0 = System.nanoTime();
        int k = cfg.gridPoints();
        int n = cfg.samples();
        if (in.size() != k) {
            throw new IllegalArgumentException("DMFT pass: kernels are " + in.size() + "x" + in.size() + ", grid has "
                    + k + " points");
        }
        double alpha = cfg.alpha();
        double h = cfg.step();
        double s0 = cfg.s0();
        Parameterization par = cfg.parameterization();
        double[][] ginv = inverseUnitLower(in.response());
        double[][] cr = residualCorrelation(in, cfg.sigma(), ginv);
        double[][] mem = memoryFromInverse(ginv);
        double[][] cz = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                cz[i][j] = alpha * cr[i][j];
            }
        }
        // the same numbers as java.util.Random(seed): teacher, then k·n Gaussians (logarithms drawn in parallel)
        BulkGaussianRandom rng = new BulkGaussianRandom(seed);
        double[] teacher = cfg.prior().sampleFixedCount(n, rng);
        double[] xi = new double[k * n];
        rng.fillGaussian(xi);
        INDArray factor = nd(sqrtFactor(cz));
        INDArray xiNd;
        if (n > k + 2) {
            xiNd = matchMoments(xi, teacher, factor, k, n);
        } else {
            xiNd = nd(xi, k, n);
        }
        INDArray zetaNd = Nd4j.create(DataType.DOUBLE, k, n);
        Nd4j.gemm(factor, xiNd, zetaNd, false, false, 1.0, 0.0);
        double[][] zeta = rows(zetaNd, k, n);

        // effective process, in chunks of samples (the samples are independent given M; a chunk's Δ history stays in
        // cache while its memory sums are formed; per sample the arithmetic is the same as a sweep over all samples)
        double[][] delta = new double[k][n];
        double[][] bprime = new double[k][n];
        double maxA = par.maxAbsA(s0);
        java.util.concurrent.atomic.AtomicInteger escaped = new java.util.concurrent.atomic.AtomicInteger(k);
        java.util.concurrent.atomic.AtomicInteger diverged = new java.util.concurrent.atomic.AtomicInteger(k);
        java.util.stream.IntStream.range(0, (n + SAMPLE_CHUNK - 1) / SAMPLE_CHUNK).parallel().forEach(c -> {
            int i0 = c * SAMPLE_CHUNK;
            int len = Math.min(SAMPLE_CHUNK, n - i0);
            double[] a = new double[len];
            double[] hist = new double[len];
            double[] sl = new double[len];
            double[] tch = java.util.Arrays.copyOfRange(teacher, i0, i0 + len);
            // the chunk's Δ history, index-aligned (copied to delta once the chunk is done)
            double[][] dl = new double[k][len];
            boolean bounded = Double.isFinite(maxA);
            for (int step = 0; step < k; step++) {
                double[] d = dl[step];
                if (bounded) {
                    for (int j = 0; j < len; j++) {
                        if (Math.abs(a[j]) >= maxA) {
                            escaped.accumulateAndGet(step, Math::min);
                            return;
                        }
                    }
                }
                par.betaAndSlope(a, len, s0, d, sl);
                boolean finite = true;
                for (int j = 0; j < len; j++) {
                    d[j] -= tch[j];
                    finite &= Double.isFinite(d[j]) & Double.isFinite(sl[j]);
                }
                if (!finite) {
                    diverged.accumulateAndGet(step, Math::min);
                    return;
                }
                System.arraycopy(sl, 0, bprime[step], i0, len);
                if (step == k - 1) {
                    break;
                }
                java.util.Arrays.fill(hist, 0);
                double[] ms = mem[step];
                int mm = 0;
                for (; mm + 3 < step; mm += 4) {
                    double w0 = ms[mm];
                    double w1 = ms[mm + 1];
                    double w2 = ms[mm + 2];
                    double w3 = ms[mm + 3];
                    double[] d0 = dl[mm];
                    double[] d1 = dl[mm + 1];
                    double[] d2 = dl[mm + 2];
                    double[] d3 = dl[mm + 3];
                    for (int j = 0; j < len; j++) {
                        hist[j] += w0 * d0[j] + w1 * d1[j] + w2 * d2[j] + w3 * d3[j];
                    }
                }
                for (; mm < step; mm++) {
                    double w = ms[mm];
                    double[] dm = dl[mm];
                    for (int j = 0; j < len; j++) {
                        hist[j] += w * dm[j];
                    }
                }
                double[] z = zeta[step];
                for (int j = 0; j < len; j++) {
                    a[j] += h * (z[i0 + j] - alpha * d[j] + alpha * hist[j]);
                }
            }
            for (int step = 0; step < k; step++) {
                System.arraycopy(dl[step], 0, delta[step], i0, len);
            }
        });
        if (escaped.get() < k && escaped.get() <= diverged.get()) {
            throw new IllegalStateException("DMFT: effective process escaped to infinity at step " + escaped.get()
                    + " (depth-" + par.depth() + " blow-up); reduce h or the horizon");
        }
        if (diverged.get() < k) {
            throw new IllegalStateException("DMFT: effective process diverged at step " + diverged.get()
                    + "; reduce the step h=" + h);
        }
        INDArray deltaNd = nd(delta);
        INDArray cNd = Nd4j.create(DataType.DOUBLE, k, k);
        Nd4j.gemm(deltaNd, deltaNd, cNd, false, true, 1.0 / n, 0.0);
        double[][] cNew = rows(cNd, k, k);
        double[] te = new double[k];
        double[] teVar = new double[k];
        for (int step = 0; step < k; step++) {
            double s = 0;
            double s2 = 0;
            for (int i = 0; i < n; i++) {
                double q = delta[step][i] * delta[step][i];
                s += q;
                s2 += q * q;
            }
            te[step] = s / n;
            teVar[step] = Math.max(0, s2 / n - te[step] * te[step]);
        }
        double floor = 0;
        for (int step = 0; step < k; step++) {
            floor = Math.max(floor, Math.sqrt(teVar[step] / n));
        }
        long tr = System.nanoTime();
        double[][] rNew = response(mem, bprime);
        double respSec = (System.nanoTime() - tr) * 1e-9;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                cNew[i][j] = 0.5 * (cNew[i][j] + cNew[j][i]);
            }
        }
        return new Pass(new DmftKernels(cNew, rNew), te, teVar, floor, (System.nanoTime() - t0) * 1e-9, respSec);
    }

    /**
     * Moment matching of the white noise (variance reduction): removes from each row of Ξ its components along 𝟙 and
     * β* − mean(β*), so that ζ has exactly zero sample mean and zero sample correlation with the teacher, returns the
     * projected Ξ and turns {@code factor} into L·S^{−1/2} with S = ΞΞᵀ/N, so that ζ = L·S^{−1/2}·Ξ has sample
     * covariance exactly LLᵀ = αC_r (if S is singular, the factor is left as it is). In the linear (kernel) regime this
     * removes the O(1/√N) sampling error of C_Δ almost entirely; the bias it introduces is O(1/N).
     */
    private static INDArray matchMoments(double[] xi, double[] teacher, INDArray factor, int k, int n) {
        double mean = 0;
        for (double b : teacher) {
            mean += b / n;
        }
        double[] u1 = new double[n];
        double n1 = 0;
        for (int i = 0; i < n; i++) {
            u1[i] = teacher[i] - mean;
            n1 += u1[i] * u1[i];
        }
        n1 = Math.sqrt(n1);
        boolean useTeacher = n1 > 1e-12;
        double u0 = 1 / Math.sqrt(n);
        double inv = 1 / n1;
        // rows are independent: project each out of 𝟙 and β* − mean(β*) in parallel
        java.util.stream.IntStream.range(0, k).parallel().forEach(r -> {
            int off = r * n;
            double p0 = 0;
            double p1 = 0;
            for (int i = 0; i < n; i++) {
                p0 += xi[off + i] * u0;
                p1 += useTeacher ? xi[off + i] * u1[i] * inv : 0;
            }
            for (int i = 0; i < n; i++) {
                xi[off + i] -= p0 * u0 + (useTeacher ? p1 * u1[i] * inv : 0);
            }
        });
        INDArray xiNd = nd(xi, k, n);
        INDArray gram = Nd4j.create(DataType.DOUBLE, k, k);
        Nd4j.gemm(xiNd, xiNd, gram, false, true, 1.0 / n, 0.0);
        INDArray v = gram.dup('f');
        double[] lam = org.nd4j.linalg.eigen.Eigen.symmetricGeneralizedEigenvalues(v, true).toDoubleVector();
        // S^{−1/2} = V·diag(λ^{−1/2})·Vᵀ; the factor becomes L·S^{−1/2} (in place)
        INDArray scaled = v.dup('c');
        INDArray vc = v.dup('c');
        for (int e = 0; e < k; e++) {
            if (!(lam[e] > 1e-12)) {
                return xiNd;
            }
        }
        double[] w = new double[k];
        for (int e = 0; e < k; e++) {
            w[e] = 1 / Math.sqrt(lam[e]);
        }
        scaled.muliRowVector(Nd4j.createFromArray(w));
        INDArray isq = Nd4j.create(DataType.DOUBLE, k, k);
        Nd4j.gemm(scaled, vc, isq, false, true, 1.0, 0.0);
        INDArray out = Nd4j.create(DataType.DOUBLE, k, k);
        Nd4j.gemm(factor, isq, out, false, false, 1.0, 0.0);
        factor.assign(out);
        return xiNd;
    }

    /** R(k, l) = E[β′_k P_{k,l}] from the per-sample β′ trajectories, in bundles. */
    double[][] response(double[][] mem, double[][] bprime) {
        int k = cfg.gridPoints();
        int n = cfg.samples();
        int nb = cfg.effectiveBundle();
        double[][] r = new double[k][k];
        float[][] memF = new float[k][k];
        for (int t = 0; t < k; t++) {
            for (int s = 0; s < k; s++) {
                memF[t][s] = (float) mem[t][s];
            }
        }
        INDArray memNd = ndFloat(memF);
        java.util.Map<Long, INDArray[]> factors = new java.util.HashMap<>();
        lowRankFactors(mem, 0, k, factors);
        lowRankBlocks = factors.size();
        for (int start = 0; start < n; start += nb) {
            int m = Math.min(nb, n - start);
            Bundle b = new Bundle(memNd, memF, bprime, start, m, factors);
            b.run(0, k);
            for (int t = 0; t < k; t++) {
                for (int l = 0; l < t; l++) {
                    r[t][l] += b.rsum[t][l];
                }
            }
        }
        for (double[] row : r) {
            for (int l = 0; l < row.length; l++) {
                row[l] /= n;
            }
        }
        return r;
    }

    /**
     * For every split of the time-block recursion over [k0, k1) at mid, the numerical-rank factorisation
     * M[mid:k1, k0:mid] = U·W (U = left singular vectors times singular values, W = right singular vectors ᵀ, keeping the
     * singular values above σ₁·max(rows, cols)·2⁻²³, the tolerance of numpy's {@code matrix_rank} for the float32 the
     * products run in), when applying it as two GEMMs costs less than 0.6 of the dense block GEMMs. The memory kernel is
     * smooth in (t, s), so its off-diagonal blocks have a low numerical rank: this is a hierarchical-matrix (H-matrix)
     * product, exact to float32 rounding. The SVD itself is float64; the factors are rounded to float32.
     */
    private void lowRankFactors(double[][] mem, int k0, int k1, java.util.Map<Long, INDArray[]> out) {
        if (k1 - k0 <= JAVA_BLOCK) {
            return;
        }
        int mid = (k0 + k1) >>> 1;
        lowRankFactors(mem, k0, mid, out);
        lowRankFactors(mem, mid, k1, out);
        int rows = k1 - mid;
        int cols = mid - k0;
        org.ejml.data.DMatrixRMaj a = new org.ejml.data.DMatrixRMaj(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                a.set(i, j, mem[mid + i][k0 + j]);
            }
        }
        org.ejml.interfaces.decomposition.SingularValueDecomposition_F64<org.ejml.data.DMatrixRMaj> svd =
                org.ejml.dense.row.factory.DecompositionFactory_DDRM.svd(rows, cols, true, true, false);
        if (!svd.decompose(a)) {
            return;
        }
        org.ejml.data.DMatrixRMaj u = svd.getU(null, false);
        org.ejml.data.DMatrixRMaj w = svd.getW(null);
        org.ejml.data.DMatrixRMaj v = svd.getV(null, false);
        org.ejml.dense.row.SingularOps_DDRM.descendingOrder(u, false, w, v, false);
        int q = Math.min(rows, cols);
        double tol = w.get(0, 0) * Math.max(rows, cols) * 0x1.0p-23;
        int r = 0;
        while (r < q && w.get(r, r) > tol) {
            r++;
        }
        // a zero block (R = 0, the first iteration) keeps one zero singular value: its product is one cheap zero GEMM
        r = Math.max(r, 1);
        // dense: the block's GEMMs cover about rows·cols·(k0 + 3/4·cols) columns-per-sample; low rank: r·(cols + rows)·mid
        double dense = (double) rows * cols * (k0 + 0.75 * cols);
        double low = (double) r * (cols + rows) * mid;
        if (low > 0.6 * dense) {
            return;
        }
        double[] uf = new double[rows * r];
        for (int i = 0; i < rows; i++) {
            for (int e = 0; e < r; e++) {
                uf[i * r + e] = u.get(i, e) * w.get(e, e);
            }
        }
        double[] wf = new double[r * cols];
        for (int e = 0; e < r; e++) {
            for (int j = 0; j < cols; j++) {
                wf[e * cols + j] = v.get(j, e);
            }
        }
        out.put((long) k0 * (JAVA_BLOCK + 1L) * mem.length + k1, new INDArray[] {
            Nd4j.create(uf, new long[] {rows, r}, DataType.DOUBLE).castTo(DataType.FLOAT),
            Nd4j.create(wf, new long[] {r, cols}, DataType.DOUBLE).castTo(DataType.FLOAT)});
    }

    /**
     * Per-thread scratch of the Java time blocks: row 0 the memory sums Q_t, rows 1..64 the block's B rows, the last row
     * the source's P (index-aligned with the others, so that the step loops vectorise).
     */
    private final ThreadLocal<float[][]> scratchStore = new ThreadLocal<>();

    private float[][] scratch(int width) {
        float[][] sc = scratchStore.get();
        if (sc == null || sc[0].length != width) {
            sc = new float[JAVA_BLOCK + 2][width];
            scratchStore.set(sc);
        }
        return sc;
    }

    /** Off-heap rows × (K·width) store for a bundle width, reused across bundles and passes. */
    private INDArray store(java.util.Map<Integer, INDArray> stores, int rows, int k, int width) {
        return stores.computeIfAbsent(width, w -> Nd4j.create(DataType.FLOAT, rows, (long) k * w));
    }

    /**
     * The response recursion of one bundle of m samples. Columns are (source l, sample i), index l·m + i; every column
     * evolves independently in time except through the shared memory kernel M. Time blocks of more than
     * {@link #JAVA_BLOCK} steps are split at mid and the contribution of [k₀, mid) to [mid, k₁) is one ND4J GEMM
     * accumulated in place (β = 1) into the off-heap memory-sum store Q (float32, as is the whole recursion). Blocks of
     * at most {@link #JAVA_BLOCK} steps run in Java one source at a time: all the block's steps for the m columns of a
     * source, with that source's B rows of the block in cache, fusing the in-block memory sum, B = β′⊙P, the R sums and
     * the P update into one sweep per step.
     */
    private final class Bundle {
        private final INDArray memNd;
        private final float[][] mem;
        private final float[][] bp;
        private final float[][] decay;
        private final int m;
        private final int k;
        private final long row;
        private final INDArray bhist;
        private final java.nio.FloatBuffer bh;
        private final INDArray qstore;
        private final java.nio.FloatBuffer qs;
        private final INDArray tstore;
        private final float[] p;
        private final double[][] rsum;
        private final float h;
        private final float ah;
        private final java.util.Map<Long, INDArray[]> factors;

        Bundle(INDArray memNd, float[][] mem, double[][] bprime, int start, int m,
               java.util.Map<Long, INDArray[]> factors) {
            this.factors = factors;
            this.k = mem.length;
            this.memNd = memNd;
            this.mem = mem;
            this.m = m;
            this.row = (long) k * m;
            // B row t is written on [0, t·m) before any GEMM reads it; beyond that it stays zero (never written)
            this.bhist = store(historyStores, k, k, m);
            this.bh = bhist.data().asNioFloat();
            // Q rows are initialised by the first GEMM into them (β = 0) and zero-filled where a GEMM first reaches
            this.qstore = store(sumStores, k, k, m);
            this.qs = qstore.data().asNioFloat();
            // W·B of the low-rank block products (at most K/2 × K·m)
            this.tstore = factors.isEmpty() ? null : store(productStores, k / 2 + 1, k, m);
            this.p = new float[Math.toIntExact(row)];
            this.bp = new float[k][m];
            this.decay = new float[k][m];
            this.h = (float) cfg.step();
            double ahd = cfg.alpha() * cfg.step();
            this.ah = (float) ahd;
            for (int t = 0; t < k; t++) {
                for (int i = 0; i < m; i++) {
                    bp[t][i] = (float) bprime[t][start + i];
                    decay[t][i] = (float) (1 - ahd * bprime[t][start + i]);
                }
            }
            this.rsum = new double[k][k];
        }

        void run(int k0, int k1) {
            if (k1 - k0 <= JAVA_BLOCK) {
                javaBlock(k0, k1);
                return;
            }
            int mid = (k0 + k1) >>> 1;
            run(k0, mid);
            INDArray[] f = factors.get((long) k0 * (JAVA_BLOCK + 1L) * k + k1);
            if (f != null) {
                // low rank: T = W·B[k0:mid, sources < mid], then Q[mid:k1] (+)= U·T (β = 1 on the ancestors' columns)
                int r = (int) f[0].columns();
                INDArray tv = tstore.get(NDArrayIndex.interval(0, r), NDArrayIndex.interval(0, (long) mid * m));
                mmul(f[1], bhist.get(NDArrayIndex.interval(k0, mid), NDArrayIndex.interval(0, (long) mid * m)), tv, 0.0);
                if (k0 > 0) {
                    mmul(f[0], tv.get(NDArrayIndex.all(), NDArrayIndex.interval(0, (long) k0 * m)),
                            qstore.get(NDArrayIndex.interval(mid, k1), NDArrayIndex.interval(0, (long) k0 * m)), 1.0);
                }
                mmul(f[0], tv.get(NDArrayIndex.all(), NDArrayIndex.interval((long) k0 * m, (long) mid * m)),
                        qstore.get(NDArrayIndex.interval(mid, k1), NDArrayIndex.interval((long) k0 * m, (long) mid * m)),
                        0.0);
                run(mid, k1);
                return;
            }
            // contribution of times s ∈ [k0, mid) to the memory sums of times [mid, k1), on the columns of sources
            // l < s. Rows [mid, k1) of Q already hold the contributions of times < k0 on columns [0, k0·m) (written by
            // the ancestor block split at k0, the first of them with β = 0); columns [k0·m, mid·m) are new here.
            // Sources l < k0: one dense GEMM. Sources l ∈ [k0, mid) (B_s[l] ≠ 0 only for l < s): GEMMs over chunks
            // [s0, s1) of source times, each on columns [k0·m, s1·m), so the zero triangle is mostly skipped.
            if (k0 > 0) {
                gemm(mid, k1, k0, mid, 0, (long) k0 * m, 1.0);
            }
            int chunks = Math.max(1, Math.round((mid - k0) / (float) TRIANGLE_CHUNK));
            int s1 = k0 + (mid - k0) / chunks;
            // columns [s1·m, mid·m) are first reached by the later chunks (β = 1): zero them
            float[] zeros = new float[(mid - s1) * m];
            for (int t = mid; t < k1 && zeros.length > 0; t++) {
                qs.put((int) (t * row + (long) s1 * m), zeros, 0, zeros.length);
            }
            gemm(mid, k1, k0, s1, (long) k0 * m, (long) s1 * m, 0.0);
            for (int c = 1; c < chunks; c++) {
                int a0 = k0 + (mid - k0) * c / chunks;
                int a1 = k0 + (mid - k0) * (c + 1) / chunks;
                gemm(mid, k1, a0, a1, (long) k0 * m, (long) a1 * m, 1.0);
            }
            run(mid, k1);
        }

        /** Q[t0:t1, c0:c1] = β·Q[t0:t1, c0:c1] + M[t0:t1, s0:s1] · B[s0:s1, c0:c1] (one ND4J GEMM on views, in place). */
        private void gemm(int t0, int t1, int s0, int s1, long c0, long c1, double beta) {
            INDArray a = memNd.get(NDArrayIndex.interval(t0, t1), NDArrayIndex.interval(s0, s1));
            INDArray b = bhist.get(NDArrayIndex.interval(s0, s1), NDArrayIndex.interval(c0, c1));
            INDArray c = qstore.get(NDArrayIndex.interval(t0, t1), NDArrayIndex.interval(c0, c1));
            mmul(a, b, c, beta);
        }

        /** c = β·c + a·b (one ND4J GEMM on views, in place), timed and counted. */
        private void mmul(INDArray a, INDArray b, INDArray c, double beta) {
            long g0 = System.nanoTime();
            Nd4j.exec(new org.nd4j.linalg.api.ops.impl.reduce.Mmul(a, b, c, 1.0, beta,
                    org.nd4j.linalg.api.blas.params.MMulTranspose.allFalse()));
            gemmSeconds += (System.nanoTime() - g0) * 1e-9;
            gemmFlops += 2L * a.rows() * a.columns() * b.columns();
        }

        /** Steps [k0, k1) for every source l &lt; k1, one source at a time. */
        void javaBlock(int k0, int k1) {
            // sources are independent (disjoint columns of P, B, Q and entries of R): run them in parallel
            java.util.stream.IntStream.range(0, k1).parallel().forEach(l -> {
                float[][] scratch = scratch(m);
                source(l, k0, k1, scratch);
            });
        }

        /**
         * Steps t ∈ [max(k0, l+1), k1) for the m columns of source l: Q_t = (ancestors' part, from the store) +
         * Σ_{max(k0,l+1) ≤ s &lt; t} M_{ts} B_s; B_t = β′_t ⊙ P_t; R sum; P_{t+1} = P_t ⊙ (1 − αhβ′_t) + αh Q_t.
         * P_{l+1,l} = h is set when source l starts (l ≥ k0).
         */
        void source(int l, int k0, int k1, float[][] scratch) {
            int off = l * m;
            if (l >= k0) {
                if (l + 1 >= k) {
                    return;
                }
                java.util.Arrays.fill(p, off, off + m, h);
            }
            int t0 = Math.max(k0, l + 1);
            boolean fromStore = k0 > 0 && l < k0;
            boolean keep = k1 < k;
            float[] q = scratch[0];
            float[] pl = scratch[JAVA_BLOCK + 1];
            System.arraycopy(p, off, pl, 0, m);
            for (int t = t0; t < k1; t++) {
                if (fromStore) {
                    qs.get((int) (t * row + off), q, 0, m);
                } else {
                    java.util.Arrays.fill(q, 0);
                }
                sums(q, mem[t], t0, t, k0, scratch);
                step(t, l, q, pl, scratch[1 + t - k0], off, keep);
            }
            System.arraycopy(pl, 0, p, off, m);
        }

        /** qa += Σ_{s∈[s0,t)} ma[s] B_s (B_s = scratch[1+s−k0]): four rows per sweep, the last one to three in one. */
        private void sums(float[] qa, float[] ma, int s0, int t, int k0, float[][] scratch) {
            int n = m;
            int s = s0;
            for (; s + 3 < t; s += 4) {
                float[] b0 = scratch[1 + s - k0];
                float[] b1 = scratch[2 + s - k0];
                float[] b2 = scratch[3 + s - k0];
                float[] b3 = scratch[4 + s - k0];
                float a0 = ma[s];
                float a1 = ma[s + 1];
                float a2 = ma[s + 2];
                float a3 = ma[s + 3];
                for (int i = 0; i < n; i++) {
                    qa[i] += a0 * b0[i] + a1 * b1[i] + a2 * b2[i] + a3 * b3[i];
                }
            }
            int r = t - s;
            if (r == 0) {
                return;
            }
            // the last one to three rows in one sweep (missing rows read row s with weight 0)
            float[] b0 = scratch[1 + s - k0];
            float[] b1 = r > 1 ? scratch[2 + s - k0] : b0;
            float[] b2 = r > 2 ? scratch[3 + s - k0] : b0;
            float a0 = ma[s];
            float a1 = r > 1 ? ma[s + 1] : 0;
            float a2 = r > 2 ? ma[s + 2] : 0;
            for (int i = 0; i < n; i++) {
                qa[i] += a0 * b0[i] + a1 * b1[i] + a2 * b2[i];
            }
        }

        /**
         * Step t of source l given its memory sum q: B_t = β′_t ⊙ P_t into bt, P_{t+1} into pl, the R sum, and B_t to
         * the history store if later GEMMs need it.
         */
        private void step(int t, int l, float[] q, float[] pl, float[] bt, int off, boolean keep) {
            int n = m;
            float[] bpt = bp[t];
            if (t + 1 < k) {
                float[] dc = decay[t];
                for (int i = 0; i < n; i++) {
                    float pv = pl[i];
                    bt[i] = pv * bpt[i];
                    pl[i] = pv * dc[i] + ah * q[i];
                }
            } else {
                for (int i = 0; i < n; i++) {
                    bt[i] = pl[i] * bpt[i];
                }
            }
            // R sum in four interleaved float64 partial sums (a single running sum is bound by the add latency), each
            // adding four float32 values summed pairwise (fewer float64 conversions and adds)
            double a0 = 0;
            double a1 = 0;
            double a2 = 0;
            double a3 = 0;
            int i = 0;
            for (; i + 15 < n; i += 16) {
                a0 += (bt[i] + bt[i + 4]) + (bt[i + 8] + bt[i + 12]);
                a1 += (bt[i + 1] + bt[i + 5]) + (bt[i + 9] + bt[i + 13]);
                a2 += (bt[i + 2] + bt[i + 6]) + (bt[i + 10] + bt[i + 14]);
                a3 += (bt[i + 3] + bt[i + 7]) + (bt[i + 11] + bt[i + 15]);
            }
            for (; i < n; i++) {
                a0 += bt[i];
            }
            rsum[t][l] = (a0 + a1) + (a2 + a3);
            if (keep) {
                bh.put((int) (t * row + off), bt, 0, n);
            }
        }
    }

    private static double scale(DmftKernels k) {
        double m = 0;
        for (int i = 0; i < k.size(); i++) {
            m = Math.max(m, Math.abs(k.cDelta()[i][i]));
        }
        return m;
    }

    /** Runs the damped fixed-point iteration and the averaging passes. */
    public DmftResult run() {
        long t0 = System.nanoTime();
        DmftKernels kern = initial();
        List<DmftResult.Iteration> history = new ArrayList<>();
        boolean converged = false;
        try (Progress prog = Progress.start("DMFT fixed point", cfg.maxIterations() + cfg.averagingPasses())) {
            for (int it = 1; it <= cfg.maxIterations(); it++) {
                Pass p = pass(kern, cfg.seed() * 1_000_003L);
                double dc = p.kernels().maxDiffCorrelation(kern);
                double dr = p.kernels().maxDiffResponse(kern);
                history.add(new DmftResult.Iteration(it, dc, dr, p.noiseFloor(), p.seconds()));
                prog.status(String.format("it %d max|dC|=%.2e floor=%.1e", it, dc, p.noiseFloor()));
                kern = kern.damp(p.kernels(), cfg.damping());
                prog.step();
                if (it >= 2 && dc <= cfg.tolerance() * scale(p.kernels())) {
                    converged = true;
                    break;
                }
            }
            List<DmftKernels> finals = new ArrayList<>();
            List<double[]> trains = new ArrayList<>();
            double[] te = new double[cfg.gridPoints()];
            double[] teVar = new double[cfg.gridPoints()];
            int passes = cfg.averagingPasses();
            for (int q = 0; q < passes; q++) {
                Pass p = pass(kern, cfg.seed() * 1_000_003L + 500_000 + q);
                finals.add(p.kernels());
                double[][] cr = residualCorrelation(p.kernels(), cfg.sigma());
                double[] tr = new double[cr.length];
                for (int i = 0; i < cr.length; i++) {
                    tr[i] = cr[i][i];
                }
                trains.add(tr);
                for (int i = 0; i < te.length; i++) {
                    te[i] += p.testLoss()[i] / passes;
                    teVar[i] += p.testVar()[i] / passes;
                }
                prog.step();
            }
            DmftKernels mean = DmftKernels.mean(finals);
            double[][] cr = residualCorrelation(mean, cfg.sigma());
            int k = cfg.gridPoints();
            double[] times = new double[k];
            double[] tr = new double[k];
            double[] trSe = new double[k];
            double[] teSe = new double[k];
            double[][] trMs = DlnEnsemble.meanSe(trains);
            for (int i = 0; i < k; i++) {
                times[i] = i * cfg.step();
                tr[i] = cr[i][i];
                trSe[i] = passes > 1 ? trMs[1][i] : Double.NaN;
                teSe[i] = Math.sqrt(teVar[i] / ((double) cfg.samples() * passes));
            }
            return new DmftResult(cfg, times, tr, trSe, te, teSe, mean, cr, memory(mean.response()),
                    List.copyOf(history), converged, (System.nanoTime() - t0) * 1e-9);
        }
    }
}
