package org.trainingdynamics.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.trainingdynamics.dln.DlnConfig;
import org.trainingdynamics.dln.DlnProblem;
import org.trainingdynamics.dln.DlnRun;
import org.trainingdynamics.dln.DlnSimulation;
import org.trainingdynamics.dln.Parameterization;
import org.trainingdynamics.dln.SparsePrior;
import org.trainingdynamics.trajectory.DType;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.Trajectory;
import org.trainingdynamics.trajectory.TrajectoryRecorder;
import tech.tablesaw.api.Table;

/**
 * Diagonal linear networks on sparse regression (workbench notes dmft.md §1; Nishiyama &amp; Imaizumi 2025,
 * arXiv 2510.01930), as a recorded training run: the finite-d simulation of {@link DlnSimulation} — gradient
 * flow on L = ½‖y − Xβ‖² with β = u⊙u − v⊙v, u(0) = v(0) = s₀, X_{μi} ~ N(0, 1/d), n = αd, y = Xβ* + σε and a
 * fixed-count sparse teacher β* — integrated by round(T/h) gradient-descent steps of size h (the gradient-flow
 * proxy), written with the {@link TrajectoryRecorder}. Tensors (float64): {@code beta} [d] and, by default,
 * {@code u} and {@code v} [d]; the checkpoint epoch is the flow time t = kh. Metrics at every checkpoint:
 * {@code time}, {@code train_loss} ‖y − Xβ‖²/n, {@code test_loss} ‖β − β*‖²/d, {@code relative_error}
 * ‖β − β*‖/‖β*‖, {@code l1} ‖β‖₁/d, {@code active_fraction}, {@code support_precision},
 * {@code support_recall}. The metadata hold the configuration, the seed and the teacher's support and values
 * ({@code teacher_support}, {@code teacher_values}); {@link #problem(long)} regenerates X, y and β*.
 *
 * <p>Defaults are the notes' (those of {@link DlnConfig}): d = 1000, α = 0.5, P* = Bernoulli(0.1)×Rademacher,
 * σ = 0, s₀ = 0.1 (γ = 2s₀² = 0.02), h = 0.05, T = 10, 101 checkpoints, GD on the mirror coordinate.
 */
public final class DlnSetup implements Setup {
    private final DlnConfig base;
    private final String priorSpec;

    private DlnSetup(Builder b) {
        this.base = b.config.build();
        this.priorSpec = b.priorSpec;
    }

    /** A builder with the notes' defaults. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "dln";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", "diagonal linear network, beta = " + base.parameterization());
        m.put("simulator", DlnSimulation.class.getName());
        m.put("loss", "0.5 * ||y - X beta||^2 (sum over samples), X_ij ~ N(0, 1/d)");
        m.put("d", base.d());
        m.put("alpha", base.alpha());
        m.put("n", base.n());
        m.put("prior", priorSpec);
        m.put("rho", base.prior().rho());
        m.put("teacher", base.prior().toString() + ", fixed count");
        m.put("sigma", base.sigma());
        m.put("s0", base.s0());
        m.put("gamma", base.gamma());
        m.put("parameterization", base.parameterization().toString());
        m.put("integrator", base.integrator().toString());
        m.put("step", base.step());
        m.put("horizon", base.horizon());
        m.put("steps", base.steps());
        m.put("checkpoints", base.checkpoints());
        m.put("support_threshold", base.supportThreshold());
        m.put("record_parameters", base.recordParameters());
        return m;
    }

    /** The simulation's configuration for {@code seed}. */
    public DlnConfig dlnConfig(long seed) {
        return base.toBuilder().seed(seed).build();
    }

    /** The problem (X, y, β*) of {@code seed}: what {@link #run} trains on. */
    public DlnProblem problem(long seed) {
        return DlnProblem.generate(dlnConfig(seed));
    }

    @Override
    public RunResult run(long seed, Path out) {
        DlnConfig c = dlnConfig(seed);
        DlnRun run = DlnSimulation.run(c);
        Trajectory t = run.trajectory();
        double[] teacher = run.teacher();
        double teacherNorm = 0;
        List<Integer> support = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < teacher.length; i++) {
            teacherNorm += teacher[i] * teacher[i];
            if (teacher[i] != 0) {
                support.add(i);
                values.add(teacher[i]);
            }
        }
        teacherNorm = Math.sqrt(teacherNorm);
        Map<String, Object> meta = RunMetadata.of(this, seed, null);
        meta.put("teacher_support", support);
        meta.put("teacher_values", values);
        List<TensorSpec> specs = new ArrayList<>();
        for (TensorSpec s : t.tensors()) {
            specs.add(new TensorSpec(s.name(), s.shape(), DType.FLOAT64));
        }
        Table metrics = t.metrics();
        String[] cols = metrics.columnNames().stream().filter(n -> !n.equals("step")).toArray(String[]::new);
        Map<String, Double> last = new LinkedHashMap<>();
        try (TrajectoryRecorder rec = TrajectoryRecorder.create(out, specs, meta)) {
            for (int k = 0; k < t.checkpointCount(); k++) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (TensorSpec s : specs) {
                    row.put(s.name(), t.values(s.name(), k));
                }
                rec.append(t.steps()[k], t.epochs()[k], row);
                last.clear();
                for (String col : cols) {
                    last.put(col, metrics.doubleColumn(col).getDouble(k));
                    if (col.equals("test_loss")) {
                        last.put("relative_error", teacherNorm == 0 ? Double.NaN
                                : Math.sqrt(last.get(col) * c.d()) / teacherNorm);
                    }
                }
                rec.logMetrics(t.steps()[k], last);
            }
            RunMetadata.markComplete(rec);
        }
        return new RunResult(out, List.of(out), last);
    }

    /** Builder for {@link DlnSetup}; every option validated by {@link DlnConfig} on {@link #build()}. */
    public static final class Builder {
        private final DlnConfig.Builder config = DlnConfig.builder().recordParameters(true);
        private String priorSpec = "rademacher";
        private double rho = 0.1;

        private Builder() {
        }

        /** Dimension d (default 1000). */
        public Builder d(int d) {
            config.d(d);
            return this;
        }

        /** Samples per dimension α = n/d (default 0.5). */
        public Builder alpha(double alpha) {
            config.alpha(alpha);
            return this;
        }

        /** Teacher sparsity ρ: the fraction of non-zero entries of β* (default 0.1). */
        public Builder sparsity(double rho) {
            this.rho = rho;
            config.prior(SparsePrior.parse(priorSpec, rho));
            return this;
        }

        /** Law of the teacher's non-zeros: {@code rademacher} (default), {@code gaussian} or {@code atoms:1,2,4}. */
        public Builder prior(String spec) {
            config.prior(SparsePrior.parse(spec, rho));
            this.priorSpec = spec.trim().toLowerCase(java.util.Locale.ROOT);
            return this;
        }

        /** Label-noise standard deviation σ (default 0). */
        public Builder noise(double sigma) {
            config.sigma(sigma);
            return this;
        }

        /** Initialisation scale s₀, γ = 2s₀² (default 0.1). */
        public Builder s0(double s0) {
            config.s0(s0);
            return this;
        }

        /** Sets s₀ from γ = 2s₀². */
        public Builder gamma(double gamma) {
            config.gamma(gamma);
            return this;
        }

        /** Network form: {@code diff-squares} (default), {@code product} or {@code depth-D}. */
        public Builder parameterization(String form) {
            config.parameterization(Parameterization.parse(form));
            return this;
        }

        /** Gradient descent on the mirror coordinate (default) or on (u, v) themselves. */
        public Builder integrator(DlnConfig.Integrator integrator) {
            config.integrator(integrator);
            return this;
        }

        /** GD step size h (default 0.05). */
        public Builder step(double h) {
            config.step(h);
            return this;
        }

        /** Final flow time T (default 10); the run takes round(T/h) steps. */
        public Builder horizon(double t) {
            config.horizon(t);
            return this;
        }

        /** Number of checkpoints, uniform in time, t = 0 and t = T included (default 101). */
        public Builder checkpoints(int k) {
            config.checkpoints(k);
            return this;
        }

        /** |β_i| above which a coordinate counts as active for the support metrics (default 0.1). */
        public Builder supportThreshold(double thr) {
            config.supportThreshold(thr);
            return this;
        }

        /** Whether u and v are recorded besides β (default true). */
        public Builder recordParameters(boolean on) {
            config.recordParameters(on);
            return this;
        }

        /** The configured setup (validated). */
        public DlnSetup build() {
            return new DlnSetup(this);
        }
    }
}
