package org.trainingdynamics.dln;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Late-time convergence rate of DLN gradient flow (dmft.md §2 "late-time convergence rate"): linearising around the
 * interpolator β̂ with K = diag κ(β̂_i), the residual obeys dr/dt = −XKXᵀr, so E_tr ~ e^{−2λ∞t} with
 * λ∞ = λ_min(XKXᵀ). Large initialisation gives λ∞ ≈ 4γ(1−√α)² (diff-squares); small initialisation λ∞ = O(γ)
 * when supp β̂ is smaller than n — faster convergence comes with a worse test error (the speed/generalisation
 * trade-off). Also fits the observed rate −½ d log E_tr/dt on the last part of a run.
 *
 * @param s0          initialisation scale
 * @param lambdaMin   λ_min(XKXᵀ) at the run's final β
 * @param fittedRate  −½ slope of log E_tr over the last quarter of the run
 * @param kernelLimit 4γ(1−√α)²·(β′(0)/4γ), the large-initialisation prediction (κ ≡ β′(0))
 * @param testLoss    final E_te
 */
public record ConvergenceRate(double s0, double lambdaMin, double fittedRate, double kernelLimit, double testLoss) {

    /** One row per rate: s0, lambda_min, fitted_rate, kernel_limit, test_loss. */
    public static tech.tablesaw.api.Table toTable(java.util.List<ConvergenceRate> rates) {
        tech.tablesaw.api.Table t = tech.tablesaw.api.Table.create("convergence-rate");
        t.addColumns(tech.tablesaw.api.DoubleColumn.create("s0", rates.stream().mapToDouble(ConvergenceRate::s0)),
                tech.tablesaw.api.DoubleColumn.create("lambda_min", rates.stream().mapToDouble(ConvergenceRate::lambdaMin)),
                tech.tablesaw.api.DoubleColumn.create("fitted_rate", rates.stream().mapToDouble(ConvergenceRate::fittedRate)),
                tech.tablesaw.api.DoubleColumn.create("kernel_limit",
                        rates.stream().mapToDouble(ConvergenceRate::kernelLimit)),
                tech.tablesaw.api.DoubleColumn.create("test_loss", rates.stream().mapToDouble(ConvergenceRate::testLoss)));
        return t;
    }

    /** The trade-off: final test loss against the convergence rate λ∞ (log-log), one point per s₀. */
    public static org.knowm.xchart.XYChart tradeOffChart(java.util.List<ConvergenceRate> rates) {
        org.knowm.xchart.XYChart c = org.trainingdynamics.viz.Figures.xy("Convergence speed vs generalisation",
                "lambda_inf = lambda_min(X K X^T)", "test loss E_te(T)");
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setMarkerSize(8);
        c.addSeries("s0 sweep", rates.stream().mapToDouble(ConvergenceRate::lambdaMin).toArray(),
                rates.stream().mapToDouble(ConvergenceRate::testLoss).toArray());
        return c;
    }

    /** Computes the rate at the final β of a run on problem {@code p}. */
    public static ConvergenceRate of(DlnProblem p, DlnRun run) {
        DlnConfig c = run.config();
        int n = p.n();
        int d = p.d();
        double[] beta = run.finalBeta();
        double[] kappa = new double[d];
        for (int i = 0; i < d; i++) {
            kappa[i] = c.parameterization().rateAt(beta[i], c.s0());
        }
        DMatrixRMaj m = new DMatrixRMaj(n, n);
        for (int a = 0; a < n; a++) {
            for (int b = a; b < n; b++) {
                double s = 0;
                for (int i = 0; i < d; i++) {
                    s += p.x(a, i) * kappa[i] * p.x(b, i);
                }
                m.set(a, b, s);
                m.set(b, a, s);
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, false, true);
        if (!eig.decompose(m)) {
            throw new IllegalStateException("convergence rate: eigendecomposition of X K X^T failed");
        }
        double min = Double.POSITIVE_INFINITY;
        for (int e = 0; e < n; e++) {
            min = Math.min(min, eig.getEigenvalue(e).getReal());
        }
        double[] t = run.times();
        double[] l = run.trainLoss();
        int k1 = t.length - 1;
        int k0 = (int) Math.round(0.75 * k1);
        double fitted = k1 > k0 && l[k0] > 0 && l[k1] > 0
                ? -0.5 * (Math.log(l[k1]) - Math.log(l[k0])) / (t[k1] - t[k0]) : Double.NaN;
        double kernel = c.parameterization().dbeta(0, c.s0()) * Math.pow(1 - Math.sqrt(c.alpha()), 2);
        return new ConvergenceRate(c.s0(), min, fitted, kernel, run.testLoss()[k1]);
    }
}
