package org.trainingdynamics.dln;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * The two interpolators between which a DLN's implicit bias moves (Woodworth et al. 2020, arXiv:1906.05827;
 * dmft.md §2 "long-time fixed point"): the minimum-ℓ2 interpolator β = X⁺y (kernel regime, large initialisation)
 * and the minimum-ℓ1 interpolator argmin ‖β‖₁ s.t. Xβ = y (basis pursuit; rich regime, small initialisation).
 *
 * <p>Basis pursuit is solved by ADMM (Boyd et al. 2011, §6.2): x ← Π(z − u) (projection onto {Xx = y} through a
 * Cholesky factor of XXᵀ), z ← soft(x + u, 1/ρ), u ← u + x − z, until the primal and dual residuals fall below
 * {@code 1e-10}. The iterate is then polished: on the support S of z, if X_S has full column rank, x_S solves
 * X_S x_S = y exactly (least squares). Optimality is certified by duality: ν = (XXᵀ)⁻¹X(ρu) is scaled to be dual
 * feasible (‖Xᵀν‖_∞ ≤ 1), and the result reports the gap ‖x‖₁ − yᵀν ≥ 0, which bounds the distance to the optimal
 * value. Requires X of full row rank (n ≤ d).
 */
public final class MinNormInterpolators {
    private MinNormInterpolators() {
    }

    /** Basis-pursuit solution with its certificate. */
    public record L1Solution(double[] beta, double l1Norm, double dualValue, double gap, double residual,
                             int iterations) {
    }

    /** β = X⁺y (minimum ℓ2 norm among least-squares solutions; the interpolator when n ≤ d). */
    public static double[] minL2(DlnProblem p) {
        DMatrixRMaj x = new DMatrixRMaj(p.n(), p.d(), true, p.x());
        DMatrixRMaj pinv = new DMatrixRMaj(p.d(), p.n());
        CommonOps_DDRM.pinv(x, pinv);
        DMatrixRMaj y = new DMatrixRMaj(p.n(), 1, true, p.y());
        DMatrixRMaj b = new DMatrixRMaj(p.d(), 1);
        CommonOps_DDRM.mult(pinv, y, b);
        return b.data.clone();
    }

    /** Basis pursuit argmin ‖β‖₁ s.t. Xβ = y, by ADMM with polishing and a duality-gap certificate. */
    public static L1Solution minL1(DlnProblem p) {
        return minL1(p, 200_000);
    }

    /** Basis pursuit with an iteration cap. */
    public static L1Solution minL1(DlnProblem p, int maxIterations) {
        int n = p.n();
        int d = p.d();
        if (n > d) {
            throw new IllegalArgumentException("basis pursuit needs n <= d (underdetermined), got n=" + n + " d=" + d);
        }
        DMatrixRMaj x = new DMatrixRMaj(n, d, true, p.x());
        DMatrixRMaj xxt = new DMatrixRMaj(n, n);
        CommonOps_DDRM.multTransB(x, x, xxt);
        LinearSolverDense<DMatrixRMaj> chol = LinearSolverFactory_DDRM.chol(n);
        if (!chol.setA(xxt.copy())) {
            throw new IllegalArgumentException("basis pursuit: X X^T is singular (X must have full row rank)");
        }
        double[] y = p.y();
        // x0 = X^T (XX^T)^{-1} y: the affine offset of the projection
        double[] offset = applyPinv(x, chol, y, n, d);
        double rho = 1.0;
        double[] z = new double[d];
        double[] u = new double[d];
        double[] xv = new double[d];
        double[] v = new double[d];
        int it = 0;
        double scale = Math.max(1e-300, norm(offset));
        for (; it < maxIterations; it++) {
            for (int i = 0; i < d; i++) {
                v[i] = z[i] - u[i];
            }
            project(x, chol, v, offset, xv, n, d);
            double primal = 0;
            double dual = 0;
            for (int i = 0; i < d; i++) {
                double zo = z[i];
                double w = xv[i] + u[i];
                z[i] = Math.signum(w) * Math.max(0, Math.abs(w) - 1 / rho);
                u[i] += xv[i] - z[i];
                primal += (xv[i] - z[i]) * (xv[i] - z[i]);
                dual += (z[i] - zo) * (z[i] - zo);
            }
            if (Math.sqrt(primal) < 1e-10 * scale && rho * Math.sqrt(dual) < 1e-10 * scale) {
                break;
            }
        }
        double[] best = polish(p, z, xv);
        // dual certificate: g = rho*u in the range of X^T, scaled to be feasible
        double[] g = new double[d];
        for (int i = 0; i < d; i++) {
            g[i] = rho * u[i];
        }
        double[] nu = solveXXt(x, chol, g, n, d);
        double[] xtnu = new double[d];
        for (int i = 0; i < d; i++) {
            double s = 0;
            for (int mu = 0; mu < n; mu++) {
                s += p.x(mu, i) * nu[mu];
            }
            xtnu[i] = s;
        }
        double inf = 0;
        for (double e : xtnu) {
            inf = Math.max(inf, Math.abs(e));
        }
        double dualValue = 0;
        for (int mu = 0; mu < n; mu++) {
            dualValue += y[mu] * nu[mu];
        }
        dualValue /= Math.max(inf, 1e-300);
        double l1 = 0;
        for (double b : best) {
            l1 += Math.abs(b);
        }
        return new L1Solution(best, l1, dualValue, l1 - dualValue, residual(p, best), it);
    }

    /** Picks the better feasible point of the ADMM iterate and its support-restricted least-squares polish. */
    private static double[] polish(DlnProblem p, double[] z, double[] xFeasible) {
        int d = p.d();
        int n = p.n();
        double zmax = 0;
        for (double e : z) {
            zmax = Math.max(zmax, Math.abs(e));
        }
        double cut = 1e-9 * zmax;
        int[] supp = java.util.stream.IntStream.range(0, d).filter(i -> Math.abs(z[i]) > cut).toArray();
        double[] best = xFeasible.clone();
        if (supp.length > 0 && supp.length <= n) {
            DMatrixRMaj xs = new DMatrixRMaj(n, supp.length);
            for (int mu = 0; mu < n; mu++) {
                for (int j = 0; j < supp.length; j++) {
                    xs.set(mu, j, p.x(mu, supp[j]));
                }
            }
            LinearSolverDense<DMatrixRMaj> qr = LinearSolverFactory_DDRM.leastSquares(n, supp.length);
            if (qr.setA(xs)) {
                DMatrixRMaj sol = new DMatrixRMaj(supp.length, 1);
                qr.solve(new DMatrixRMaj(n, 1, true, p.y()), sol);
                double[] cand = new double[d];
                for (int j = 0; j < supp.length; j++) {
                    cand[supp[j]] = sol.get(j);
                }
                double scale = Math.max(1e-300, norm(p.y()));
                if (residual(p, cand) <= 1e-9 * scale && l1(cand) <= l1(best) + 1e-12) {
                    best = cand;
                }
            }
        }
        return best;
    }

    private static double l1(double[] v) {
        double s = 0;
        for (double e : v) {
            s += Math.abs(e);
        }
        return s;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double e : v) {
            s += e * e;
        }
        return Math.sqrt(s);
    }

    /** ‖Xβ − y‖₂. */
    public static double residual(DlnProblem p, double[] beta) {
        double s = 0;
        for (int mu = 0; mu < p.n(); mu++) {
            double r = -p.y()[mu];
            for (int i = 0; i < p.d(); i++) {
                r += p.x(mu, i) * beta[i];
            }
            s += r * r;
        }
        return Math.sqrt(s);
    }

    /** (XXᵀ)⁻¹ X g. */
    private static double[] solveXXt(DMatrixRMaj x, LinearSolverDense<DMatrixRMaj> chol, double[] g, int n, int d) {
        DMatrixRMaj xg = new DMatrixRMaj(n, 1);
        CommonOps_DDRM.mult(x, new DMatrixRMaj(d, 1, true, g), xg);
        DMatrixRMaj nu = new DMatrixRMaj(n, 1);
        chol.solve(xg, nu);
        return nu.data;
    }

    /** Xᵀ(XXᵀ)⁻¹ y. */
    private static double[] applyPinv(DMatrixRMaj x, LinearSolverDense<DMatrixRMaj> chol, double[] y, int n, int d) {
        DMatrixRMaj nu = new DMatrixRMaj(n, 1);
        chol.solve(new DMatrixRMaj(n, 1, true, y), nu);
        DMatrixRMaj out = new DMatrixRMaj(d, 1);
        CommonOps_DDRM.multTransA(x, nu, out);
        return out.data;
    }

    /** out = v − Xᵀ(XXᵀ)⁻¹Xv + offset (projection onto {Xx = y}). */
    private static void project(DMatrixRMaj x, LinearSolverDense<DMatrixRMaj> chol, double[] v, double[] offset,
                                double[] out, int n, int d) {
        double[] nu = solveXXt(x, chol, v, n, d);
        DMatrixRMaj corr = new DMatrixRMaj(d, 1);
        CommonOps_DDRM.multTransA(x, new DMatrixRMaj(n, 1, true, nu), corr);
        for (int i = 0; i < d; i++) {
            out[i] = v[i] - corr.data[i] + offset[i];
        }
    }
}
