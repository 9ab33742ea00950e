package org.trainingdynamics.dln;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.trainingdynamics.study.Progress;
import org.trainingdynamics.trajectory.InMemoryTrajectory;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

/**
 * Finite-d gradient flow of a diagonal linear network on sparse regression (dmft.md §1), integrated by small-step
 * gradient descent, recorded as a {@link org.trainingdynamics.trajectory.Trajectory} (tensor {@code beta} [d], and
 * {@code u}, {@code v} when asked) with metrics per checkpoint: {@code time}, {@code train_loss} E_tr = ‖y−Xβ‖²/n,
 * {@code test_loss} E_te = ‖β−β*‖²/d (excess population risk; population MSE = E_te + σ²), {@code l1} = ‖β‖₁/d,
 * {@code active_fraction}, {@code support_precision} and {@code support_recall} of {i : |β_i| &gt; threshold}
 * against supp β*. The checkpoint's epoch is its gradient-flow time.
 *
 * <p>The two mat-vecs per step (Xβ and Xᵀr) are plain row-major Java loops (memory-bound; for the sizes used here
 * they beat ND4J's per-op overhead).
 */
public final class DlnSimulation {
    private DlnSimulation() {
    }

    /** Generates the config's problem and runs it. */
    public static DlnRun run(DlnConfig config) {
        return run(DlnProblem.generate(config), config);
    }

    /** Runs gradient flow on a given problem (its n, d must match the config's). */
    public static DlnRun run(DlnProblem p, DlnConfig c) {
        if (p.n() != c.n() || p.d() != c.d()) {
            throw new IllegalArgumentException("DLN run: problem is " + p.n() + "x" + p.d() + " but config asks "
                    + c.n() + "x" + c.d());
        }
        int n = p.n();
        int d = p.d();
        Parameterization par = c.parameterization();
        double s0 = c.s0();
        double h = c.step();
        double[] x = p.x();
        double[] y = p.y();
        double[] r = new double[n];
        double[] grad = new double[d];
        double[] teacher = p.teacher();
        double[] a = new double[d];
        double[] u = new double[d];
        double[] v = new double[d];
        java.util.Arrays.fill(u, par.u0(s0));
        java.util.Arrays.fill(v, par.v0(s0));
        double[] beta = new double[d];
        double maxA = par.maxAbsA(s0);
        boolean mirror = c.integrator() == DlnConfig.Integrator.MIRROR;

        int cps = c.checkpoints();
        InMemoryTrajectory.Builder tb = InMemoryTrajectory.builder().tensor("beta", d);
        if (c.recordParameters()) {
            tb.tensor("u", d).tensor("v", d);
        }
        LongColumn stepCol = LongColumn.create("step");
        String[] names = {"time", "train_loss", "test_loss", "l1", "active_fraction", "support_precision",
            "support_recall"};
        double[][] cols = new double[names.length][cps];
        int steps = c.steps();
        int next = 0;
        try (Progress prog = Progress.start("DLN gradient flow d=" + d, steps)) {
            for (int k = 0; k <= steps; k++) {
                for (int i = 0; i < d; i++) {
                    beta[i] = mirror ? par.beta(a[i], s0) : par.betaOf(u[i], v[i]);
                    if (!Double.isFinite(beta[i])) {
                        throw new IllegalStateException("DLN run diverged at step " + k + " (coordinate " + i
                                + "); reduce the step size h=" + h);
                    }
                }
                double trainLoss = 0;
                for (int mu = 0; mu < n; mu++) {
                    double acc = 0;
                    int off = mu * d;
                    for (int i = 0; i < d; i++) {
                        acc += x[off + i] * beta[i];
                    }
                    r[mu] = y[mu] - acc;
                    trainLoss += r[mu] * r[mu];
                }
                trainLoss /= n;
                while (next < cps && c.checkpointStep(next) == k) {
                    if (mirror && c.recordParameters()) {
                        for (int i = 0; i < d; i++) {
                            u[i] = par.u(a[i], s0);
                            v[i] = par.v(a[i], s0);
                        }
                    }
                    Map<String, double[]> m = new LinkedHashMap<>();
                    m.put("beta", beta.clone());
                    if (c.recordParameters()) {
                        m.put("u", u.clone());
                        m.put("v", v.clone());
                    }
                    tb.checkpoint(k, k * h, m);
                    stepCol.append(k);
                    double[] row = metrics(beta, teacher, c.supportThreshold());
                    cols[0][next] = k * h;
                    cols[1][next] = trainLoss;
                    for (int j = 0; j < row.length; j++) {
                        cols[2 + j][next] = row[j];
                    }
                    next++;
                }
                if (k == steps) {
                    break;
                }
                java.util.Arrays.fill(grad, 0);
                for (int mu = 0; mu < n; mu++) {
                    double rm = r[mu];
                    int off = mu * d;
                    for (int i = 0; i < d; i++) {
                        grad[i] += x[off + i] * rm;
                    }
                }
                if (mirror) {
                    for (int i = 0; i < d; i++) {
                        a[i] += h * grad[i];
                        if (Math.abs(a[i]) >= maxA) {
                            throw new IllegalStateException("DLN run: coordinate " + i + " escaped to infinity at step "
                                    + k + " (depth-" + par.depth() + " finite-time blow-up); reduce h or the horizon");
                        }
                    }
                } else {
                    for (int i = 0; i < d; i++) {
                        double du = par.dBetaDu(u[i], v[i]) * grad[i];
                        double dv = par.dBetaDv(u[i], v[i]) * grad[i];
                        u[i] += h * du;
                        v[i] += h * dv;
                    }
                }
                prog.step();
            }
        }
        Table t = Table.create("dln-metrics", stepCol);
        for (int j = 0; j < names.length; j++) {
            t.addColumns(DoubleColumn.create(names[j], cols[j]));
        }
        tb.metrics(t);
        tb.meta("source", "org.trainingdynamics.dln.DlnSimulation");
        tb.meta("seed", c.seed());
        tb.meta("d", d);
        tb.meta("n", n);
        tb.meta("alpha", c.alpha());
        tb.meta("s0", s0);
        tb.meta("gamma", c.gamma());
        tb.meta("sigma", c.sigma());
        tb.meta("prior", c.prior().toString());
        tb.meta("parameterization", par.toString());
        tb.meta("integrator", c.integrator().toString());
        tb.meta("step_size", h);
        tb.meta("horizon", c.horizon());
        return new DlnRun(c, teacher.clone(), cols[0], cols[1], cols[2], beta.clone(), tb.build());
    }

    /** test loss, l1/d, active fraction, precision, recall. */
    static double[] metrics(double[] beta, double[] teacher, double thr) {
        int d = beta.length;
        double te = 0;
        double l1 = 0;
        int active = 0;
        int truePos = 0;
        int support = 0;
        for (int i = 0; i < d; i++) {
            double e = beta[i] - teacher[i];
            te += e * e;
            l1 += Math.abs(beta[i]);
            boolean on = Math.abs(beta[i]) > thr;
            boolean real = teacher[i] != 0;
            active += on ? 1 : 0;
            support += real ? 1 : 0;
            truePos += on && real ? 1 : 0;
        }
        double precision = active == 0 ? 1 : (double) truePos / active;
        double recall = support == 0 ? 1 : (double) truePos / support;
        return new double[] {te / d, l1 / d, (double) active / d, precision, recall};
    }

    /** Runs {@code seeds} independent instances (seeds config.seed(), config.seed()+1, …) and averages them. */
    public static DlnEnsemble runSeeds(DlnConfig config, int seeds) {
        if (seeds < 1) {
            throw new IllegalArgumentException("DLN ensemble: need >= 1 seed, got " + seeds);
        }
        List<DlnRun> runs = new ArrayList<>();
        for (int s = 0; s < seeds; s++) {
            runs.add(run(config.toBuilder().seed(config.seed() + s).build()));
        }
        return DlnEnsemble.of(runs);
    }
}
