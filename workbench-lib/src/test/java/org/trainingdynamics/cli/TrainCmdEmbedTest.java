package org.trainingdynamics.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;
import picocli.CommandLine;
import tech.tablesaw.api.Table;

/** {@code workbench train … --cmd-embed}: embedded CMD as the trainer's epoch hook, and its option errors. */
class TrainCmdEmbedTest {
    @TempDir
    Path tmp;

    private record Result(int rc, String err) {
    }

    private static Result run(String... args) {
        CommandLine cl = WorkbenchCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        int rc = cl.execute(args);
        return new Result(rc, err.toString());
    }

    @Test
    void trainsSparseParityWithEmbeddedCmdAndLogsTheEmbeddedCount() {
        Path out = tmp.resolve("run");
        Result r = run("train", "sparse-parity", "--seed", "1", "--out", out.toString(), "--set", "width=24",
                "--set", "epochs=8", "--set", "checkpoint-epochs=1", "--cmd-embed", "--cmd-warmup", "2",
                "--cmd-window", "2", "--cmd-percent", "20", "--cmd-modes", "3", "--cmd-sample-size", "100");
        assertThat(r.rc()).as(r.err()).isZero();
        Trajectory t = Trajectories.open(out);
        assertThat(t.metadata().get("config").toString()).contains("epoch_hook={name=embedded_cmd, warmup=2, window=2, "
                + "percent=20.0, relative=false, modes=3, criterion=maxclust, threshold=2.0, sample_size=100, seed=0}");
        int n = t.flattened(0).length;
        assertThat(n).isEqualTo(40 * 24 + 24 + 24 + 1);
        Table m = t.metrics();
        Table logged = m.where(m.doubleColumn("cmd_embedded").isNotMissing());
        // 1000 examples, batch 32: 32 updates per epoch; one value at the start and at every epoch end
        List<Long> steps = new ArrayList<>();
        for (long e = 0; e <= 8; e++) {
            steps.add(32 * e);
        }
        assertThat(logged.longColumn("step").asList()).containsExactlyElementsOf(steps);
        double[] c = logged.doubleColumn("cmd_embedded").asDoubleArray();
        int quota = (int) Math.ceil(0.2 * n);
        // rounds after epochs 4, 6, 8 (> F = 2, divisible by L = 2), each the quota less at most M references
        for (int e = 0; e <= 3; e++) {
            assertThat(c[e]).isZero();
        }
        assertThat(c[4]).isBetween((double) quota - 3, (double) quota).isEqualTo(c[5]);
        assertThat(c[6] - c[5]).isBetween((double) quota - 3, (double) quota);
        assertThat(c[6]).isEqualTo(c[7]);
        assertThat(c[8] - c[7]).isBetween((double) quota - 3, (double) quota);
    }

    @Test
    void badOptionsAreRefusedWithAClearMessage() {
        String out = tmp.resolve("x").toString();
        Result r = run("train", "grokking-mlp", "--out", out, "--cmd-embed");
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("--cmd-embed needs a setup that trains in epochs: [sparse-parity, cnn]");
        r = run("train", "cnn", "--out", out, "--cmd-embed");
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("with F=20 and L=10 the first embedding round is after epoch 30")
                .contains("the run has 10 epochs");
        r = run("train", "cnn", "--out", out, "--cmd-embed", "--cmd-percent", "150", "--set", "epochs=40");
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("--cmd-embed: embedding percentage must be in [0, 100], got 150.0");
        r = run("train", "cnn", "--out", out, "--cmd-embed", "--cmd-window", "0", "--set", "epochs=40");
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("embedding window must be >= 1, got 0");
        r = run("train", "cnn", "--out", out, "--cmd-embed", "--cmd-warmup", "0", "--set", "epochs=40");
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("warm-up must be at least 1 epoch");
        r = run("train", "cnn", "--out", out, "--cmd-embed", "--cmd-modes", "0", "--set", "epochs=40");
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("--cmd-modes must be >= 1, got 0");
        r = run("train", "sparse-parity", "--out", out, "--cmd-warmup", "3", "--cmd-relative");
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("--cmd-warmup, --cmd-relative only apply with --cmd-embed");
        assertThat(tmp.resolve("x")).doesNotExist();
    }
}
