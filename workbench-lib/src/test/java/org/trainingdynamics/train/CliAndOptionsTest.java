package org.trainingdynamics.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.cli.WorkbenchCli;
import org.trainingdynamics.trajectory.Trajectories;
import picocli.CommandLine;

class CliAndOptionsTest {
    @TempDir
    Path tmp;

    @Test
    void trainSubcommandRecordsARun() {
        Path out = tmp.resolve("omd");
        int rc = new CommandLine(new WorkbenchCli()).execute("train", "omd-ogd", "--seed", "0", "--out", out.toString(),
                "--set", "steps=20");
        assertThat(rc).isZero();
        assertThat(Trajectories.open(out.resolve("ogd")).checkpointCount()).isEqualTo(20);
        Path sweep = tmp.resolve("sweep");
        rc = new CommandLine(new WorkbenchCli()).execute("train", "grokking-mlp", "--seed", "2", "--seeds", "2",
                "--out", sweep.toString(), "--set", "p=7", "--set", "width=8", "--set", "steps=3", "--set", "checkpoint-every=1");
        assertThat(rc).isZero();
        assertThat(Trajectories.open(sweep.resolve("seed-3")).checkpointCount()).isEqualTo(4);
    }

    @Test
    void badOptionsNameTheProblem() {
        assertThatThrownBy(() -> Setups.fromOptions("grokking-mlp", Map.of("wd", "1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no option 'wd'")
                .hasMessageContaining("weight-decay");
        assertThatThrownBy(() -> Setups.fromOptions("grokking-mlp", Map.of("lr", "fast")))
                .hasMessageContaining("lr=fast: not a number");
        assertThatThrownBy(() -> Setups.fromOptions("grokking-mlp", Map.of("weight-decay", "-1")))
                .hasMessageContaining("weightDecay");
        assertThatThrownBy(() -> Setups.fromOptions("resnet", Map.of())).hasMessageContaining("unknown setup 'resnet'");
        assertThatThrownBy(() -> Setups.fromOptions("fcn", Map.of("record-first-layer", "maybe")))
                .hasMessageContaining("true or false");
        assertThatThrownBy(() -> Setups.fromOptions("omd-ogd", Map.of("eta", "0"))).hasMessageContaining("eta");
    }
}
