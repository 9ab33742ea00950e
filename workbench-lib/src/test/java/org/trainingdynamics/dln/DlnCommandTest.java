package org.trainingdynamics.dln;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.cli.WorkbenchCli;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;
import picocli.CommandLine;

class DlnCommandTest {

    @Test
    void simulateAndDmftWriteCurvesStoresAndFigures(@TempDir Path dir) throws Exception {
        CommandLine cl = new CommandLine(new WorkbenchCli());
        int rc = cl.execute("dln", "simulate", "--d", "60", "--seeds", "2", "--horizon", "1", "--checkpoints", "11",
                "-o", dir.resolve("sim").toString());
        assertThat(rc).isZero();
        assertThat(dir.resolve("sim/ensemble.csv")).exists();
        assertThat(dir.resolve("sim/loss.png")).exists();
        Trajectory t = Trajectories.open(dir.resolve("sim/seed-2"));
        assertThat(t.checkpointCount()).isEqualTo(11);
        assertThat(t.metrics().columnNames()).contains("train_loss");
        rc = cl.execute("dln", "dmft", "--step", "0.1", "--horizon", "1", "--samples", "200", "--passes", "2",
                "--compare", "40", "--seeds", "2", "-o", dir.resolve("dmft").toString());
        assertThat(rc).isZero();
        assertThat(Files.readAllLines(dir.resolve("dmft/dmft.csv")).get(0)).contains("train_loss", "test_loss");
        assertThat(Files.readAllLines(dir.resolve("dmft/dmft.csv"))).hasSize(12);
        assertThat(dir.resolve("dmft/comparison.png")).exists();
        assertThat(dir.resolve("dmft/response.png")).exists();
        // bad option -> usage error (exit 2)
        CommandLine strict = new CommandLine(new WorkbenchCli());
        strict.setExecutionExceptionHandler((ex, c, p) -> ex instanceof IllegalArgumentException ? 2 : 1);
        assertThat(strict.execute("dln", "simulate", "--prior", "cauchy", "-o", dir.resolve("x").toString())).isEqualTo(2);
    }
}
