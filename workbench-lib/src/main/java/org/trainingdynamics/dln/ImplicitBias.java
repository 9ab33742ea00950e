package org.trainingdynamics.dln;

import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.trainingdynamics.viz.Figures;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

/**
 * Kernel vs rich regime (Woodworth et al. 2020, arXiv:1906.05827; dmft.md §2 "long-time fixed point", §4): where the
 * interpolator found by long gradient flow from initialisation scale s₀ sits between the minimum-ℓ2 interpolator
 * (s₀ → ∞) and the minimum-ℓ1 one (s₀ → 0), both computed directly by {@link MinNormInterpolators}. Distances are
 * relative: ‖β − β_ℓ2‖/‖β_ℓ2‖ and ‖β − β_ℓ1‖/‖β_ℓ1‖.
 *
 * @param s0        initialisation scale
 * @param beta      β at the end of the run
 * @param distL2    relative distance to the min-ℓ2 interpolator
 * @param distL1    relative distance to the min-ℓ1 interpolator
 * @param trainLoss final E_tr (should be ≈ 0: the run has interpolated)
 * @param testLoss  final E_te = ‖β − β*‖²/d
 */
public record ImplicitBias(double s0, double[] beta, double distL2, double distL1, double trainLoss, double testLoss) {

    /** Compares a finished run with the two interpolators of its problem. */
    public static ImplicitBias of(DlnRun run, double[] minL2, double[] minL1) {
        double[] b = run.finalBeta();
        int last = run.times().length - 1;
        return new ImplicitBias(run.config().s0(), b.clone(), relDist(b, minL2), relDist(b, minL1),
                run.trainLoss()[last], run.testLoss()[last]);
    }

    static double relDist(double[] a, double[] ref) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - ref[i]) * (a[i] - ref[i]);
            den += ref[i] * ref[i];
        }
        return Math.sqrt(num / Math.max(den, 1e-300));
    }

    /**
     * A stable step for diff-squares-like flows at scale s₀: h = c/(κ_max(1+√α)²) with κ_max = β′ at |β| = 2 max|β*|
     * and c = 0.2 (dmft.md §3 stability: keep hκ(1+√α)² ≲ 0.3 for a faithful flow).
     */
    public static double stableStep(DlnConfig c, double maxTeacher) {
        double kappa = c.parameterization().rateAt(2 * maxTeacher + c.gamma(), c.s0());
        return 0.2 / (kappa * Math.pow(1 + Math.sqrt(c.alpha()), 2));
    }

    /**
     * Runs the same problem from each s₀ (step from {@link #stableStep}, capped at the base step; horizon from
     * {@code horizonOf(s₀)}) and compares each end point with the interpolators.
     */
    public static Sweep sweep(DlnProblem p, DlnConfig base, double[] s0s, java.util.function.DoubleUnaryOperator horizonOf) {
        double[] l2 = MinNormInterpolators.minL2(p);
        MinNormInterpolators.L1Solution l1 = MinNormInterpolators.minL1(p);
        double maxT = 0;
        for (double v : p.teacher()) {
            maxT = Math.max(maxT, Math.abs(v));
        }
        List<ImplicitBias> out = new ArrayList<>();
        for (double s0 : s0s) {
            DlnConfig c = base.toBuilder().s0(s0).build();
            double h = Math.min(base.step(), stableStep(c, maxT));
            c = c.toBuilder().step(h).horizon(horizonOf.applyAsDouble(s0)).checkpoints(Math.min(base.checkpoints(), 51))
                    .build();
            out.add(of(DlnSimulation.run(p, c), l2, l1.beta()));
        }
        return new Sweep(List.copyOf(out), l2, l1);
    }

    /**
     * A sweep over s₀ on one problem.
     *
     * @param points  one comparison per s₀
     * @param minL2   the min-ℓ2 interpolator
     * @param minL1   the certified min-ℓ1 interpolator
     */
    public record Sweep(List<ImplicitBias> points, double[] minL2, MinNormInterpolators.L1Solution minL1) {

        /** Columns s0, dist_l2, dist_l1, train_loss, test_loss. */
        public Table toTable() {
            Table t = Table.create("implicit-bias", DoubleColumn.create("s0"), DoubleColumn.create("dist_l2"),
                    DoubleColumn.create("dist_l1"), DoubleColumn.create("train_loss"), DoubleColumn.create("test_loss"));
            for (ImplicitBias b : points) {
                t.doubleColumn("s0").append(b.s0());
                t.doubleColumn("dist_l2").append(b.distL2());
                t.doubleColumn("dist_l1").append(b.distL1());
                t.doubleColumn("train_loss").append(b.trainLoss());
                t.doubleColumn("test_loss").append(b.testLoss());
            }
            return t;
        }

        /** Relative distances to the two interpolators against s₀ (log x). */
        public XYChart chart() {
            XYChart c = Figures.xy("Kernel vs rich regime", "s0", "relative distance");
            c.getStyler().setXAxisLogarithmic(true);
            double[] s = points.stream().mapToDouble(ImplicitBias::s0).toArray();
            c.addSeries("to min-l2", s, points.stream().mapToDouble(ImplicitBias::distL2).toArray());
            c.addSeries("to min-l1", s, points.stream().mapToDouble(ImplicitBias::distL1).toArray());
            return c;
        }
    }
}
