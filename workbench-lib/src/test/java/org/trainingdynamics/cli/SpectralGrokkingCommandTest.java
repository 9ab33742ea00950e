package org.trainingdynamics.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.train.Setups;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;
import picocli.CommandLine;
import tech.tablesaw.api.Table;

/**
 * {@code workbench spectral-grokking} on two tiny grokking-mlp runs: the trainer evaluator rebuilt from a run's
 * metadata reproduces the accuracies the trainer itself logged at a checkpoint (an independent path: the
 * training loop's evaluation vs a fresh model loaded from the stored weights); the command writes the six
 * criteria and the per-run table; a run that is not grokking-mlp is refused by name.
 */
class SpectralGrokkingCommandTest {

    @Test
    void evaluatesCriteriaOnTrainerRuns(@TempDir Path tmp) throws Exception {
        Path wd = Setups.grokkingMlp().p(11).width(16).trainFraction(0.5).lr(1e-2).steps(60).checkpointEvery(20)
                .weightDecay(1.0).build().run(3, tmp.resolve("wd")).dir();
        Path ctl = Setups.grokkingMlp().p(11).width(16).trainFraction(0.5).lr(1e-2).steps(60).checkpointEvery(20)
                .weightDecay(0.0).build().run(3, tmp.resolve("ctl")).dir();

        Trajectory run = Trajectories.open(wd);
        int t = 2;
        Map<String, double[]> params = new LinkedHashMap<>();
        for (TensorSpec s : run.tensors()) {
            params.put(s.name(), run.values(s.name(), t));
        }
        Map<String, Double> ev = SpectralGrokkingCommand.trainerEvaluator(run).evaluate(params);
        Table m = run.metrics();
        Table row = m.where(m.longColumn("step").isEqualTo(run.steps()[t]).and(m.doubleColumn("test_acc").isNotMissing()));
        assertThat(row.rowCount()).isEqualTo(1);
        assertThat(ev.get("train_error")).isCloseTo(1 - row.doubleColumn("train_acc").get(0), within(1e-9));
        assertThat(ev.get("val_error")).isCloseTo(1 - row.doubleColumn("test_acc").get(0), within(1e-9));
        assertThat(ev.get("val_loss")).isCloseTo(row.doubleColumn("test_loss").get(0), within(1e-4));

        Path out = tmp.resolve("out");
        int code = new CommandLine(new WorkbenchCli()).execute("spectral-grokking", "--wd", wd.toString(),
                "--control", ctl.toString(), "--out", out.toString());
        assertThat(code).isEqualTo(0);
        Table crit = Table.read().csv(out.resolve("criteria.csv").toFile());
        assertThat(crit.rowCount()).isEqualTo(6);
        assertThat(crit.columnNames()).containsExactly("criterion", "expected", "measured", "pass");
        assertThat(Table.read().csv(out.resolve("runs.csv").toFile()).rowCount()).isEqualTo(4);
        assertThat(out.resolve("effective_rank_embed.png")).exists();

        Trajectory other = Trajectories.fromMatrix("x", new double[][]{{1, 2}, {3, 4}});
        assertThatThrownBy(() -> SpectralGrokkingCommand.trainerEvaluator(other))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("grokking-mlp");
    }
}
