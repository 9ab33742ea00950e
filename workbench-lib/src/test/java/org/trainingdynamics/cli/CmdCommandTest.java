package org.trainingdynamics.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.trajectory.DType;
import org.trainingdynamics.trajectory.Npy;
import org.trainingdynamics.trajectory.NpyArray;
import picocli.CommandLine;

/** {@code workbench cmd} on the golden planted weights writes the documented files with the official answer. */
class CmdCommandTest {
    @TempDir
    Path tmp;

    @Test
    void writesArraysSummaryAndFigures() throws Exception {
        Path g = Path.of(System.getProperty("workbench.shared", "../../shared"), "golden", "cmd");
        Path out = tmp.resolve("out");
        int rc = new CommandLine(new WorkbenchCli()).execute("cmd", g.resolve("planted-weights.npy").toString(),
                "--modes", "4", "--sample", g.resolve("planted-sample.npy").toString(), "--out", out.toString());
        assertThat(rc).isZero();
        NpyArray a = Npy.read(out.resolve("a.npy"));
        NpyArray mode = Npy.read(out.resolve("mode.npy"));
        NpyArray ref = Npy.read(out.resolve("ref.npy"));
        assertThat(a.dtype()).isEqualTo(DType.FLOAT64);
        assertThat(Npy.read(out.resolve("b.npy")).dtype()).isEqualTo(DType.FLOAT64);
        assertThat(mode.dtype()).isEqualTo(DType.INT64);
        assertThat(a.shape()).containsExactly(3000);
        assertThat(ref.toLongArray()).containsExactly(Npy.read(g.resolve("planted-maxclust-4-ref.npy")).toLongArray());
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertThat(s.get("modes").asInt()).isEqualTo(4);
        assertThat(s.get("relative_error").asDouble()).isCloseTo(0.1275381595, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(s.get("constant_parameters").asInt()).isEqualTo(5);
        for (String f : new String[]{"correlation.png", "mode-profiles.png", "error-vs-modes.png", "modes.csv"}) {
            assertThat(Files.size(out.resolve(f))).as(f).isPositive();
        }
    }

    @Test
    void readsARunFolderWithWindowAndSelection() throws Exception {
        Path g = Path.of(System.getProperty("workbench.shared", "../../shared"), "golden", "cmd");
        Path run = tmp.resolve("run");
        org.trainingdynamics.trajectory.Trajectories.write(
                org.trainingdynamics.trajectory.Trajectories.fromNpyMatrix(g.resolve("mlp-weights.npy")), run, DType.FLOAT32);
        Path out = tmp.resolve("out2");
        int rc = new CommandLine(new WorkbenchCli()).execute("cmd", run.toString(), "--criterion", "distance",
                "--threshold", "2", "--sample-size", "300", "--seed", "4", "--window", "0:30:2", "--select", "weig*",
                "--out", out.toString());
        assertThat(rc).isZero();
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertThat(s.get("checkpoints").asInt()).isEqualTo(15);
        assertThat(s.get("parameters").asInt()).isEqualTo(5634);
        assertThat(s.get("modes").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(Npy.read(out.resolve("ref.npy")).size()).isEqualTo(s.get("modes").asLong());
    }

    @Test
    void badOptionsAreUsageErrors() {
        CommandLine cl = new CommandLine(new WorkbenchCli());
        cl.setExecutionExceptionHandler((ex, cmd, parse) -> ex instanceof IllegalArgumentException ? 2 : 1);
        assertThat(cl.execute("cmd", tmp.resolve("missing.npy").toString(), "--out", tmp.toString())).isEqualTo(2);
    }
}
