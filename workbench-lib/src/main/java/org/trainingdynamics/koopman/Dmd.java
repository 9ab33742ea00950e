package org.trainingdynamics.koopman;

import java.util.Arrays;
import java.util.OptionalDouble;
import org.bytedeco.openblas.global.openblas;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.ejml.interfaces.linsol.LinearSolverDense;
import org.trainingdynamics.trajectory.Trajectory;

/**
 * Dynamic mode decomposition: a finite-dimensional approximation of the Koopman operator of the map that
 * takes each snapshot to the next, whose eigenvalues approximate Koopman eigenvalues (Redman et al. 2024,
 * §3; Schmid 2010; Tu et al. 2014). With X, Y the paired snapshots (y_j the successor of x_j in the same
 * run), X = UΣVᵀ truncated to rank r:
 *
 * <pre>  Ã = Uᵀ Y V Σ⁻¹,  Ã W = W Λ,  Φ = Y V Σ⁻¹ W (exact modes),  b = argmin ‖Φ b − z₀‖  </pre>
 *
 * as PyDMD {@code DMD(exact=True)} computes them. Variants:
 * <ul>
 *   <li>{@link Variant#EXACT} — the above (the paper's choice; consistent under process noise);</li>
 *   <li>{@link Variant#TLS} — total least squares (Hemati et al. 2017, PyDMD {@code tlsq_rank}): X, Y are first
 *       projected onto the top right singular vectors of [X; Y];</li>
 *   <li>{@link Variant#FORWARD_BACKWARD} — Dawson et al. 2016: Ã = (Ã_f Ã_b⁻¹)^½ with Ã_f, Ã_b the forward and
 *       backward operators in the <em>same</em> POD basis U of X (PyDMD builds Ã_b in Y's own basis, which
 *       biases its result); the square root of each eigenvalue takes the sign closest to the forward operator's
 *       Rayleigh quotient, so eigenvalues with negative real part keep their sign.</li>
 * </ul>
 * A time-delay (Hankel) embedding of depth d stacks d consecutive snapshots of the same run (Arbabi &amp; Mezić
 * 2017; PyDMD HankelDMD d). Several runs contribute pairs only within themselves.
 *
 * <p>All of this is computed from a small core C of the snapshot matrix (see {@link Accumulation}), so a
 * weight trajectory with millions of parameters costs one streamed pass plus small dense algebra.
 */
public final class Dmd {
    /** DMD variant. */
    public enum Variant { EXACT, TLS, FORWARD_BACKWARD }

    private final RankRule rank;
    private final Variant variant;
    private final int tlsqRank;
    private final int delays;
    private final double dt;
    private final Accumulation accumulation;
    private final int blockRows;
    private final long directLimit;

    private Dmd(Builder b) {
        this.directLimit = b.directLimit;
        this.rank = b.rank;
        this.variant = b.variant;
        this.tlsqRank = b.tlsqRank;
        this.delays = b.delays;
        this.dt = b.dt;
        this.accumulation = b.accumulation;
        this.blockRows = b.blockRows;
    }

    /** A builder with the paper's defaults: exact DMD, full rank, no delays, Δt = 1 checkpoint. */
    public static Builder builder() {
        return new Builder();
    }

    /** Exact DMD of fixed rank k (the paper uses k = 10 for FCNs). */
    public static Dmd exact(int k) {
        return builder().rank(RankRule.fixed(k)).build();
    }

    /** The rank rule. */
    public RankRule rankRule() {
        return rank;
    }

    /** The variant. */
    public Variant variant() {
        return variant;
    }

    /** The delay-embedding depth d (1 = none). */
    public int delays() {
        return delays;
    }

    /** Fits one run's weights (every parameter as an observable). */
    public DmdResult fit(Trajectory run) {
        return fit(Snapshots.of(run));
    }

    /** Fits one snapshot matrix {@code [N][T]} (columns = snapshots, PyDMD's layout). */
    public DmdResult fit(double[][] snapshots) {
        return fit(Snapshots.ofMatrices(snapshots));
    }

    /** Fits several runs; snapshot pairs never cross from one run into the next. */
    public DmdResult fit(Snapshots s) {
        SnapshotCore core = SnapshotCore.build(s, accumulation, blockRows, directLimit);
        DmdResult r = solve(s, core);
        if (accumulation == Accumulation.AUTO && core.used == Accumulation.GRAM && r.conditionPoor()) {
            core = SnapshotCore.build(s, Accumulation.TSQR, blockRows, directLimit);
            r = solve(s, core);
        }
        return r;
    }

    /**
     * Fits explicit snapshot pairs (PyDMD {@code fit(X, Y)}): column j of {@code y} is the successor of column j
     * of {@code x}. Delay embedding needs runs, so it is rejected here; amplitudes refer to x's first column and
     * there is no reconstruction error (pairs do not form a trajectory).
     */
    public DmdResult fitPairs(double[][] x, double[][] y) {
        if (delays != 1) {
            throw new IllegalArgumentException("delay embedding needs whole runs; use fit(Snapshots) instead of fitPairs");
        }
        if (x.length != y.length || x.length == 0 || x[0].length != y[0].length) {
            throw new IllegalArgumentException("X and Y must have the same shape, got [" + x.length + ", "
                    + (x.length == 0 ? 0 : x[0].length) + "] and [" + y.length + ", " + (y.length == 0 ? 0 : y[0].length) + "]");
        }
        int m = x[0].length;
        double[][] z = new double[x.length][2 * m];
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != m || y[i].length != m) {
                throw new IllegalArgumentException("X and Y rows must all have " + m + " columns (row " + i + ")");
            }
            System.arraycopy(x[i], 0, z[i], 0, m);
            System.arraycopy(y[i], 0, z[i], m, m);
        }
        Snapshots s = Snapshots.ofMatrices(z);
        SnapshotCore core = SnapshotCore.build(s, accumulation, blockRows, directLimit);
        int[] xc = new int[m];
        int[] yc = new int[m];
        for (int j = 0; j < m; j++) {
            xc[j] = j;
            yc[j] = m + j;
        }
        return solve(s, core, xc, yc, false);
    }

    private DmdResult solve(Snapshots s, SnapshotCore base) {
        SnapshotCore core = base.embed(delays);
        int m = 0;
        for (int len : core.segLen) {
            m += len - 1;
        }
        int[] xc = new int[m];
        int[] yc = new int[m];
        int j = 0;
        for (int sIdx = 0; sIdx < core.segLen.length; sIdx++) {
            for (int t = 0; t < core.segLen[sIdx] - 1; t++) {
                xc[j] = core.segStart[sIdx] + t;
                yc[j] = core.segStart[sIdx] + t + 1;
                j++;
            }
        }
        return solve(s, core, xc, yc, true);
    }

    private DmdResult solve(Snapshots s, SnapshotCore core, int[] xcols, int[] ycols, boolean runs) {
        DMatrixRMaj xr = core.columns(xcols);
        DMatrixRMaj yr = core.columns(ycols);
        int k = xr.numRows;
        int m = xr.numCols;
        DMatrixRMaj x = xr;
        DMatrixRMaj y = yr;
        DMatrixRMaj proj = null;
        if (variant == Variant.TLS) {
            DMatrixRMaj stack = new DMatrixRMaj(2 * k, m);
            CommonOps_DDRM.insert(xr, stack, 0, 0);
            CommonOps_DDRM.insert(yr, stack, k, 0);
            Svd sv = Svd.of(stack);
            int q = Math.min(tlsqRank == 0 ? rankFor(sv.s, core.fullRows * 2, m) : tlsqRank, sv.s.length);
            DMatrixRMaj vq = CommonOps_DDRM.extract(sv.v, 0, m, 0, q);
            proj = new DMatrixRMaj(m, m);
            CommonOps_DDRM.multTransB(vq, vq, proj);
            x = SnapshotCore.mult(xr, proj);
            y = SnapshotCore.mult(yr, proj);
        }
        Svd sv = Svd.of(x);
        int r = rankFor(sv.s, core.fullRows, m);
        int numeric = 0;
        for (double v : sv.s) {
            if (v > sv.s[0] * 1e-14 * Math.max(k, m)) {
                numeric++;
            }
        }
        if (numeric == 0) {
            throw new IllegalArgumentException("the snapshot matrix X is zero; no dynamics to fit");
        }
        int requested = r;
        r = Math.min(r, numeric);
        DMatrixRMaj u = CommonOps_DDRM.extract(sv.u, 0, k, 0, r);
        DMatrixRMaj v = CommonOps_DDRM.extract(sv.v, 0, m, 0, r);
        // Ã = Uᵀ Y V Σ⁻¹
        DMatrixRMaj yv = SnapshotCore.mult(y, v);
        for (int i = 0; i < yv.numRows; i++) {
            for (int c = 0; c < r; c++) {
                yv.set(i, c, yv.get(i, c) / sv.s[c]);
            }
        }
        DMatrixRMaj at = new DMatrixRMaj(r, r);
        CommonOps_DDRM.multTransA(u, yv, at);
        double[][] op = toArray(at);
        double[][] lam;
        double[][][] w;
        if (variant == Variant.FORWARD_BACKWARD) {
            DMatrixRMaj xt = new DMatrixRMaj(r, m);
            DMatrixRMaj ytl = new DMatrixRMaj(r, m);
            CommonOps_DDRM.multTransA(u, x, xt);
            CommonOps_DDRM.multTransA(u, y, ytl);
            DMatrixRMaj xyT = new DMatrixRMaj(r, r);
            DMatrixRMaj yyT = new DMatrixRMaj(r, r);
            CommonOps_DDRM.multTransB(xt, ytl, xyT);
            CommonOps_DDRM.multTransB(ytl, ytl, yyT);
            DMatrixRMaj ab = new DMatrixRMaj(r, r);
            LinearSolverDense<DMatrixRMaj> sol = LinearSolverFactory_DDRM.lu(r);
            // A_b = (X̃Ỹᵀ)(ỸỸᵀ)⁻¹ : solve A_b (ỸỸᵀ) = X̃Ỹᵀ  ⇔ (ỸỸᵀ) A_bᵀ = (X̃Ỹᵀ)ᵀ
            DMatrixRMaj abT = new DMatrixRMaj(r, r);
            if (!sol.setA(yyT.copy())) {
                throw new IllegalArgumentException("forward-backward DMD: the backward operator is singular at rank " + r);
            }
            sol.solve(CommonOps_DDRM.transpose(xyT, null), abT);
            CommonOps_DDRM.transpose(abT, ab);
            // M = Ã_f Ã_b⁻¹ : solve M Ã_b = Ã_f ⇔ Ã_bᵀ Mᵀ = Ã_fᵀ
            DMatrixRMaj mt = new DMatrixRMaj(r, r);
            if (!sol.setA(CommonOps_DDRM.transpose(ab, null))) {
                throw new IllegalArgumentException("forward-backward DMD: the backward operator is singular at rank " + r);
            }
            sol.solve(CommonOps_DDRM.transpose(at, null), mt);
            double[][] mm = toArray(CommonOps_DDRM.transpose(mt, null));
            double[][] mu = SmallEigen.eigenvalues(mm);
            w = SmallEigen.eigenvectors(mm, mu[0], mu[1]);
            lam = new double[2][r];
            for (int c = 0; c < r; c++) {
                double[] root = csqrt(mu[0][c], mu[1][c]);
                double[] rq = rayleigh(op, w, c);
                double dPlus = Math.hypot(root[0] - rq[0], root[1] - rq[1]);
                double dMinus = Math.hypot(-root[0] - rq[0], -root[1] - rq[1]);
                double sign = dMinus < dPlus ? -1 : 1;
                lam[0][c] = sign * root[0];
                lam[1][c] = sign * root[1];
            }
        } else {
            lam = SmallEigen.eigenvalues(op);
            w = SmallEigen.eigenvectors(op, lam[0], lam[1]);
        }
        // sort by modulus descending
        Integer[] ord = KoopmanSpectrum.order(lam[0], lam[1]);
        double[] lre = new double[r];
        double[] lim = new double[r];
        double[][] wre = new double[r][r];
        double[][] wim = new double[r][r];
        for (int c = 0; c < r; c++) {
            lre[c] = lam[0][ord[c]];
            lim[c] = lam[1][ord[c]];
            for (int i = 0; i < r; i++) {
                wre[i][c] = w[0][i][ord[c]];
                wim[i][c] = w[1][i][ord[c]];
            }
        }
        // core modes Φ_c = (Y V Σ⁻¹) W   (k × r complex)
        double[][] yvs = toArray(yv);
        double[][] phiRe = mul(yvs, wre);
        double[][] phiIm = mul(yvs, wim);
        // amplitudes per run from the run's first (raw, embedded) snapshot
        int nseg = runs ? core.segLen.length : 1;
        double[][] bre = new double[nseg][];
        double[][] bim = new double[nseg][];
        for (int sIdx = 0; sIdx < nseg; sIdx++) {
            int col0 = runs ? core.segStart[sIdx] : xcols[0];
            double[] z0 = new double[k];
            for (int i = 0; i < k; i++) {
                z0[i] = core.c.get(i, col0);
            }
            double[][] b = complexLeastSquares(phiRe, phiIm, z0);
            bre[sIdx] = b[0];
            bim[sIdx] = b[1];
        }
        OptionalDouble recon = runs ? OptionalDouble.of(reconstructionError(core, phiRe, phiIm, lre, lim, bre, bim))
                : OptionalDouble.empty();
        double oneStep = oneStepError(xr, yr, u, at);
        double[] residuals = residuals(xr, yr, u, wre, wim, lre, lim);
        // coefficients K (m × r) with modes Φ = Y_full K: K = P V Σ⁻¹ W
        double[][] vs = toArray(v);
        for (double[] row : vs) {
            for (int c = 0; c < r; c++) {
                row[c] /= sv.s[c];
            }
        }
        if (proj != null) {
            vs = mul(toArray(proj), vs);
        }
        double[][] kRe = mul(vs, wre);
        double[][] kIm = mul(vs, wim);
        int[] yOrig = new int[m];
        for (int jj = 0; jj < m; jj++) {
            yOrig[jj] = core.origCol[ycols[jj]];
        }
        boolean poor = core.used == Accumulation.GRAM && (requested > r || sv.s[r - 1] < 1e-5 * sv.s[0]);
        return new DmdResult(KoopmanSpectrum.sorted(lre, lim), lre, lim, dt, r, sv.s.clone(), bre, bim, recon, oneStep,
                residuals, variant, delays, core.used, poor, new DmdResult.ModeSource(s, yOrig, kRe, kIm, delays));
    }

    private int rankFor(double[] sigma, long fullRows, int cols) {
        int q = (int) Math.min(fullRows, cols);
        // the core has min(k, m) singular values; X has min(N, m) — the missing ones are (numerically) zero
        return Math.max(1, rank.rank(Arrays.copyOf(sigma, q), fullRows, cols));
    }

    /** PyDMD-style reconstruction error of the original (unembedded) snapshots of every run. */
    private static double reconstructionError(SnapshotCore core, double[][] phiRe, double[][] phiIm, double[] lre,
                                              double[] lim, double[][] bre, double[][] bim) {
        int k0 = core.blockRows;
        int d = core.delays;
        int r = lre.length;
        double err = 0;
        double tot = 0;
        for (int sIdx = 0; sIdx < core.segLen.length; sIdx++) {
            int len = core.segLen[sIdx];
            int orig = len + d - 1;
            // dynamics λ^c b
            double[] dr = bre[sIdx].clone();
            double[] di = bim[sIdx].clone();
            double[][] dynRe = new double[len][];
            double[][] dynIm = new double[len][];
            for (int c = 0; c < len; c++) {
                dynRe[c] = dr.clone();
                dynIm[c] = di.clone();
                for (int q = 0; q < r; q++) {
                    double nr = dr[q] * lre[q] - di[q] * lim[q];
                    double ni = dr[q] * lim[q] + di[q] * lre[q];
                    dr[q] = nr;
                    di[q] = ni;
                }
            }
            for (int t = 0; t < orig; t++) {
                int i = Math.min(t, d - 1);
                int c = t - i;
                int col = core.segStart[sIdx] + c;
                for (int row = i * k0; row < (i + 1) * k0; row++) {
                    double rec = 0;
                    for (int q = 0; q < r; q++) {
                        rec += phiRe[row][q] * dynRe[c][q] - phiIm[row][q] * dynIm[c][q];
                    }
                    double z = core.c.get(row, col);
                    err += (rec - z) * (rec - z);
                    tot += z * z;
                }
            }
        }
        return Math.sqrt(err / tot);
    }

    /** ‖Y − U Ã Uᵀ X‖_F / ‖Y‖_F: one-step prediction through the rank-r model. */
    private static double oneStepError(DMatrixRMaj x, DMatrixRMaj y, DMatrixRMaj u, DMatrixRMaj at) {
        DMatrixRMaj ux = new DMatrixRMaj(u.numCols, x.numCols);
        CommonOps_DDRM.multTransA(u, x, ux);
        DMatrixRMaj aux = SnapshotCore.mult(at, ux);
        DMatrixRMaj pred = SnapshotCore.mult(u, aux);
        double e = 0;
        double t = 0;
        for (int i = 0; i < y.data.length; i++) {
            double dlt = y.data[i] - pred.data[i];
            e += dlt * dlt;
            t += y.data[i] * y.data[i];
        }
        return Math.sqrt(e / t);
    }

    /**
     * Residual of each eigenpair as a Koopman eigenfunction (ResDMD, Colbrook &amp; Townsend 2024, eq. 3.4, on
     * the POD dictionary ψ(x) = Uᵀx): φ_j(x) = ℓ_j Uᵀ x with ℓ_j the left eigenvector (row j of W⁻¹);
     * res_j = ‖Ψ_Y ℓ_jᵀ − λ_j Ψ_X ℓ_jᵀ‖ / ‖Ψ_X ℓ_jᵀ‖ over all snapshot pairs.
     */
    private static double[] residuals(DMatrixRMaj x, DMatrixRMaj y, DMatrixRMaj u, double[][] wre, double[][] wim,
                                      double[] lre, double[] lim) {
        int r = lre.length;
        double[][][] inv = complexInverse(wre, wim);
        DMatrixRMaj px = new DMatrixRMaj(x.numCols, r);
        DMatrixRMaj py = new DMatrixRMaj(y.numCols, r);
        CommonOps_DDRM.multTransA(x, u, px);
        CommonOps_DDRM.multTransA(y, u, py);
        double[] out = new double[r];
        for (int j = 0; j < r; j++) {
            double num = 0;
            double den = 0;
            for (int t = 0; t < px.numRows; t++) {
                double fxr = 0;
                double fxi = 0;
                double fyr = 0;
                double fyi = 0;
                for (int q = 0; q < r; q++) {
                    fxr += px.get(t, q) * inv[0][j][q];
                    fxi += px.get(t, q) * inv[1][j][q];
                    fyr += py.get(t, q) * inv[0][j][q];
                    fyi += py.get(t, q) * inv[1][j][q];
                }
                double er = fyr - (lre[j] * fxr - lim[j] * fxi);
                double ei = fyi - (lre[j] * fxi + lim[j] * fxr);
                num += er * er + ei * ei;
                den += fxr * fxr + fxi * fxi;
            }
            out[j] = Math.sqrt(num / den);
        }
        return out;
    }

    static double[][] toArray(DMatrixRMaj a) {
        double[][] out = new double[a.numRows][a.numCols];
        for (int i = 0; i < a.numRows; i++) {
            for (int j = 0; j < a.numCols; j++) {
                out[i][j] = a.get(i, j);
            }
        }
        return out;
    }

    static double[][] mul(double[][] a, double[][] b) {
        int n = a.length;
        int p = b.length;
        int q = b[0].length;
        double[][] out = new double[n][q];
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < p; l++) {
                double v = a[i][l];
                if (v == 0) {
                    continue;
                }
                for (int j = 0; j < q; j++) {
                    out[i][j] += v * b[l][j];
                }
            }
        }
        return out;
    }

    private static double[] csqrt(double re, double im) {
        double mod = Math.hypot(re, im);
        double sr = Math.sqrt(0.5 * (mod + re));
        double si = Math.copySign(Math.sqrt(0.5 * Math.max(mod - re, 0)), im);
        return new double[]{sr, si};
    }

    /** wᴴ A w / wᴴ w for column c of W. */
    private static double[] rayleigh(double[][] a, double[][][] w, int c) {
        int n = a.length;
        double nr = 0;
        double ni = 0;
        double den = 0;
        for (int i = 0; i < n; i++) {
            double awr = 0;
            double awi = 0;
            for (int j = 0; j < n; j++) {
                awr += a[i][j] * w[0][j][c];
                awi += a[i][j] * w[1][j][c];
            }
            // conj(w_i) * (Aw)_i
            nr += w[0][i][c] * awr + w[1][i][c] * awi;
            ni += w[0][i][c] * awi - w[1][i][c] * awr;
            den += w[0][i][c] * w[0][i][c] + w[1][i][c] * w[1][i][c];
        }
        return new double[]{nr / den, ni / den};
    }

    /** argmin_b ‖(Φr + iΦi) b − z‖ for real z, through the equivalent real 2k × 2r problem (Householder QR). */
    static double[][] complexLeastSquares(double[][] pr, double[][] pi, double[] z) {
        int k = pr.length;
        int r = pr[0].length;
        DMatrixRMaj a = new DMatrixRMaj(2 * k, 2 * r);
        DMatrixRMaj rhs = new DMatrixRMaj(2 * k, 1);
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < r; j++) {
                a.set(i, j, pr[i][j]);
                a.set(i, r + j, -pi[i][j]);
                a.set(k + i, j, pi[i][j]);
                a.set(k + i, r + j, pr[i][j]);
            }
            rhs.set(i, 0, z[i]);
        }
        DMatrixRMaj sol = new DMatrixRMaj(2 * r, 1);
        LinearSolverDense<DMatrixRMaj> ls = 2 * k >= 2 * r ? LinearSolverFactory_DDRM.leastSquaresQrPivot(true, false)
                : LinearSolverFactory_DDRM.pseudoInverse(true);
        if (!ls.setA(a)) {
            throw new IllegalArgumentException("amplitude least-squares problem is degenerate");
        }
        ls.solve(rhs, sol);
        double[][] out = new double[2][r];
        for (int j = 0; j < r; j++) {
            out[0][j] = sol.get(j, 0);
            out[1][j] = sol.get(r + j, 0);
        }
        return out;
    }

    /** Inverse of a complex matrix through the real 2n × 2n embedding. */
    static double[][][] complexInverse(double[][] re, double[][] im) {
        int n = re.length;
        DMatrixRMaj a = new DMatrixRMaj(2 * n, 2 * n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a.set(i, j, re[i][j]);
                a.set(i, n + j, -im[i][j]);
                a.set(n + i, j, im[i][j]);
                a.set(n + i, n + j, re[i][j]);
            }
        }
        DMatrixRMaj inv = new DMatrixRMaj(2 * n, 2 * n);
        if (!CommonOps_DDRM.invert(a, inv)) {
            inv = new DMatrixRMaj(2 * n, 2 * n);
            CommonOps_DDRM.pinv(a, inv);
        }
        double[][][] out = new double[2][n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out[0][i][j] = inv.get(i, j);
                out[1][i][j] = inv.get(n + i, j);
            }
        }
        return out;
    }

    /**
     * Thin SVD with descending singular values. Cores whose smaller side is below {@link #LAPACK_FROM} go to EJML
     * (Golub–Kahan bidiagonalisation + implicit QR, single-threaded, bit-reproducible); larger ones, such as a deep
     * delay embedding (the paper's FCN budget 320 makes a 3600 × 4960 core), go to LAPACK {@code dgesdd} (divide and
     * conquer, blocked BLAS-3) in the OpenBLAS that ND4J already loads: on that core EJML took 190 s and dgesdd 20 s
     * (docs/BENCHMARKS.md, Koopman).
     */
    record Svd(DMatrixRMaj u, double[] s, DMatrixRMaj v) {
        static Svd of(DMatrixRMaj a) {
            return of(a, LAPACK_FROM);
        }

        /** The SVD with LAPACK used when {@code min(rows, cols) >= lapackFrom}. */
        static Svd of(DMatrixRMaj a, int lapackFrom) {
            return Math.min(a.numRows, a.numCols) >= lapackFrom ? lapack(a) : ejml(a);
        }

        private static Svd ejml(DMatrixRMaj a) {
            SingularValueDecomposition_F64<DMatrixRMaj> svd =
                    DecompositionFactory_DDRM.svd(a.numRows, a.numCols, true, true, true);
            if (!svd.decompose(a.copy())) {
                throw new IllegalArgumentException("SVD of a " + a.numRows + "x" + a.numCols + " snapshot core failed");
            }
            DMatrixRMaj u = svd.getU(null, false);
            DMatrixRMaj w = svd.getW(null);
            DMatrixRMaj v = svd.getV(null, false);
            SingularOps_DDRM.descendingOrder(u, false, w, v, false);
            int q = Math.min(w.numRows, w.numCols);
            double[] s = new double[q];
            for (int i = 0; i < q; i++) {
                s[i] = w.get(i, i);
            }
            return new Svd(u, s, v);
        }

        private static Svd lapack(DMatrixRMaj a) {
            int m = a.numRows;
            int n = a.numCols;
            int q = Math.min(m, n);
            double[] work = Arrays.copyOf(a.data, m * n); // dgesdd overwrites its input
            double[] s = new double[q];
            double[] u = new double[m * q];
            double[] vt = new double[q * n];
            int info = openblas.LAPACKE_dgesdd(openblas.LAPACK_ROW_MAJOR, (byte) 'S', m, n, work, n, s, u, q, vt, n);
            if (info != 0 || !Double.isFinite(s[0])) {
                throw new IllegalArgumentException("SVD of a " + m + "x" + n + " snapshot core failed (LAPACK dgesdd info "
                        + info + (info > 0 ? ": did not converge" : info < 0 ? ": bad argument or non-finite value" : "")
                        + ")");
            }
            DMatrixRMaj v = new DMatrixRMaj(n, q);
            CommonOps_DDRM.transpose(DMatrixRMaj.wrap(q, n, vt), v);
            return new Svd(DMatrixRMaj.wrap(m, q, u), s, v);
        }
    }

    /** Smallest min(rows, cols) of a core whose SVD goes to LAPACK instead of EJML. */
    static final int LAPACK_FROM = 512;

    /** Builder; defaults follow the paper (exact DMD, full rank, no delays). */
    public static final class Builder {
        private RankRule rank = RankRule.full();
        private Variant variant = Variant.EXACT;
        private int tlsqRank = 0;
        private int delays = 1;
        private double dt = 1;
        private Accumulation accumulation = Accumulation.AUTO;
        private int blockRows = 4096;
        private long directLimit = 20_000_000L;

        /** Rank rule (default full). */
        public Builder rank(RankRule r) {
            this.rank = java.util.Objects.requireNonNull(r, "rank rule");
            return this;
        }

        /** Fixed rank k. */
        public Builder rank(int k) {
            return rank(RankRule.fixed(k));
        }

        /** Variant (default EXACT). */
        public Builder variant(Variant v) {
            this.variant = java.util.Objects.requireNonNull(v, "variant");
            return this;
        }

        /**
         * Total-least-squares DMD with projection rank q (PyDMD {@code tlsq_rank=q}); q = 0 uses the DMD rank
         * rule on [X; Y]. Sets the variant to TLS.
         */
        public Builder tls(int q) {
            if (q < 0) {
                throw new IllegalArgumentException("tlsq rank must be >= 0, got " + q);
            }
            this.tlsqRank = q;
            this.variant = Variant.TLS;
            return this;
        }

        /** Delay-embedding depth d ≥ 1: d consecutive snapshots stacked (1 = no embedding). */
        public Builder delays(int d) {
            if (d < 1) {
                throw new IllegalArgumentException("delays must be >= 1 (1 = no embedding), got " + d);
            }
            this.delays = d;
            return this;
        }

        /** Time between snapshots for continuous-time eigenvalues (default 1 checkpoint). */
        public Builder dt(double dt) {
            if (!(dt > 0) || !Double.isFinite(dt)) {
                throw new IllegalArgumentException("dt must be a positive finite number, got " + dt);
            }
            this.dt = dt;
            return this;
        }

        /** How the snapshot core is computed (default AUTO). */
        public Builder accumulation(Accumulation a) {
            this.accumulation = java.util.Objects.requireNonNull(a, "accumulation");
            return this;
        }

        /** Parameters per streamed block (default 4096). */
        public Builder blockRows(int rows) {
            if (rows < 1) {
                throw new IllegalArgumentException("block rows must be >= 1, got " + rows);
            }
            this.blockRows = rows;
            return this;
        }

        /**
         * Largest N·M (snapshot values) that AUTO keeps in memory for a direct QR (default 2·10⁷); above it AUTO
         * streams a Gram matrix.
         */
        public Builder directLimit(long values) {
            if (values < 0) {
                throw new IllegalArgumentException("direct limit must be >= 0, got " + values);
            }
            this.directLimit = values;
            return this;
        }

        /** The configured DMD. */
        public Dmd build() {
            return new Dmd(this);
        }
    }
}
