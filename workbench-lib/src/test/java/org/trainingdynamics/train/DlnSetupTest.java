package org.trainingdynamics.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.cli.WorkbenchCli;
import org.trainingdynamics.dln.DlnProblem;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;
import picocli.CommandLine;

/**
 * The {@code dln} setup: determinism, what it records, and that small-init gradient descent reaches the planted
 * sparse teacher inside the ℓ1 exact-recovery region while large init (the kernel regime) does not.
 */
class DlnSetupTest {
    @TempDir
    Path tmp;

    @Test
    void runIsAPureFunctionOfConfigAndSeedAndRecordsBetaUVAndTheTeacher() {
        Setup s = Setups.dln().d(60).alpha(0.5).sparsity(0.1).noise(0.1).s0(0.05).horizon(4).checkpoints(9).build();
        s.run(5, tmp.resolve("a"));
        s.run(5, tmp.resolve("b"));
        s.run(6, tmp.resolve("c"));
        Map<String, byte[]> a = TestFiles.contents(tmp.resolve("a"));
        Map<String, byte[]> b = TestFiles.contents(tmp.resolve("b"));
        assertThat(b.keySet()).isEqualTo(a.keySet());
        for (String k : a.keySet()) {
            assertThat(Arrays.equals(a.get(k), b.get(k))).as(k + " identical").isTrue();
        }
        Trajectory ta = Trajectories.open(tmp.resolve("a"));
        Trajectory tc = Trajectories.open(tmp.resolve("c"));
        assertThat(ta.tensorNames()).containsExactly("beta", "u", "v");
        assertThat(ta.checkpointCount()).isEqualTo(9);
        assertThat(ta.steps()).containsExactly(0, 10, 20, 30, 40, 50, 60, 70, 80); // T/h = 80 steps
        assertThat(ta.epochs()[8]).isEqualTo(4.0); // epoch = flow time
        assertThat(ta.values("beta", 8)).isNotEqualTo(tc.values("beta", 8));
        // beta = u*u - v*v at every checkpoint (u, v recovered from the mirror coordinate)
        for (int k = 0; k < 9; k++) {
            double[] beta = ta.values("beta", k);
            double[] u = ta.values("u", k);
            double[] v = ta.values("v", k);
            for (int i = 0; i < beta.length; i++) {
                assertThat(u[i] * u[i] - v[i] * v[i]).isCloseTo(beta[i], org.assertj.core.data.Offset.offset(1e-12));
            }
        }
        assertThat(ta.values("u", 0)).containsOnly(0.05);
        Map<String, Object> meta = ta.metadata();
        assertThat(meta).containsEntry("seed", 5).containsEntry("setup", "dln").containsEntry("complete", true);
        assertThat(meta.get("config").toString()).contains("d=60").contains("s0=0.05").contains("sigma=0.1");
        // the teacher in the metadata is the generated problem's, and test_loss is ||beta - beta*||^2 / d
        DlnProblem p = ((DlnSetup) s).problem(5);
        double[] teacher = new double[60];
        List<?> support = (List<?>) meta.get("teacher_support");
        List<?> values = (List<?>) meta.get("teacher_values");
        assertThat(support).hasSize(6);
        for (int j = 0; j < support.size(); j++) {
            teacher[((Number) support.get(j)).intValue()] = ((Number) values.get(j)).doubleValue();
        }
        assertThat(teacher).containsExactly(p.teacher());
        double[] beta = ta.values("beta", 8);
        double se = 0;
        double tn = 0;
        for (int i = 0; i < 60; i++) {
            se += (beta[i] - teacher[i]) * (beta[i] - teacher[i]);
            tn += teacher[i] * teacher[i];
        }
        var m = ta.metrics();
        assertThat(m.rowCount()).isEqualTo(9);
        assertThat(m.doubleColumn("test_loss").getDouble(8)).isCloseTo(se / 60, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(m.doubleColumn("relative_error").getDouble(8))
                .isCloseTo(Math.sqrt(se / tn), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(m.doubleColumn("train_loss").getDouble(8)).isLessThan(m.doubleColumn("train_loss").getDouble(0));
    }

    /**
     * d = 200, n = 100, 10 non-zeros (k/n = 0.1, inside the Donoho–Tanner ℓ1 recovery region, whose boundary at
     * n/d = 0.5 is k/n ≈ 0.19). Small init (the rich regime, implicit ℓ1 bias) recovers β*; large init (the kernel
     * regime, close to the min-ℓ2 interpolator) stays ≈ √(1 − α) away from it.
     */
    @Test
    void reachesTheSparseTeacherAtSmallInitButNotAtLargeInit() {
        Path small = tmp.resolve("small");
        Path large = tmp.resolve("large");
        RunResult rs = Setups.dln().d(200).alpha(0.5).sparsity(0.05).s0(0.003).step(0.05).horizon(100).checkpoints(11)
                .recordParameters(false).build().run(1, small);
        RunResult rl = Setups.dln().d(200).alpha(0.5).sparsity(0.05).s0(2).step(0.01).horizon(10).checkpoints(11)
                .recordParameters(false).build().run(1, large);
        double errSmall = rs.finalMetrics().get("relative_error");
        double errLarge = rl.finalMetrics().get("relative_error");
        assertThat(errSmall).as("small-init relative error").isLessThan(0.05);
        assertThat(errLarge).as("large-init relative error").isGreaterThan(0.4);
        // both interpolate the training data
        assertThat(rs.finalMetrics().get("train_loss")).isLessThan(1e-3);
        assertThat(rl.finalMetrics().get("train_loss")).isLessThan(1e-6);
        assertThat(rs.finalMetrics().get("support_recall")).isEqualTo(1.0);
        assertThat(rs.finalMetrics().get("support_precision")).isEqualTo(1.0);
        assertThat(Trajectories.open(small).tensorNames()).containsExactly("beta");
    }

    @Test
    void trainsFromTheCommandLineAndRejectsBadOptions() {
        Path out = tmp.resolve("cli");
        int rc = new CommandLine(new WorkbenchCli()).execute("train", "dln", "--seed", "3", "--out", out.toString(),
                "--set", "d=40", "--set", "alpha=0.75", "--set", "sparsity=0.1", "--set", "noise=0.05",
                "--set", "gamma=0.001", "--set", "step=0.1", "--set", "horizon=2", "--set", "checkpoints=3",
                "--set", "prior=gaussian");
        assertThat(rc).isZero();
        Trajectory t = Trajectories.open(out);
        assertThat(t.checkpointCount()).isEqualTo(3);
        assertThat(t.values("u", 0)[0]).isCloseTo(Math.sqrt(0.001 / 2), org.assertj.core.data.Offset.offset(1e-15));
        assertThat(t.metadata().get("config").toString()).contains("n=30").contains("prior=gaussian");
        assertThatThrownBy(() -> Setups.fromOptions("dln", Map.of("s0", "-1")).run(0, tmp.resolve("x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("s0");
        assertThatThrownBy(() -> Setups.fromOptions("dln", Map.of("prior", "cauchy")))
                .hasMessageContaining("unknown prior 'cauchy'");
        assertThatThrownBy(() -> Setups.fromOptions("dln", Map.of("integrator", "euler")))
                .hasMessageContaining("mirror or parameters");
        assertThatThrownBy(() -> Setups.fromOptions("dln", Map.of("sparsity", "2")))
                .hasMessageContaining("rho must be in (0, 1]");
    }
}
