package org.trainingdynamics.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.trajectory.Npy;
import org.trainingdynamics.trajectory.NpyArray;
import picocli.CommandLine;

/** The {@code dmd} and {@code conjugacy} commands against the golden PyDMD case and the paper's saved spectra. */
class KoopmanCommandsTest {
    private static Path golden(String sub) {
        return Path.of(System.getProperty("workbench.shared", "/work/shared"), "golden", sub);
    }

    @Test
    void dmdCommandWritesPyDmdEigenvalues(@TempDir Path dir) throws Exception {
        int rc = new CommandLine(new WorkbenchCli()).execute("dmd", "--snapshots",
                golden("dmd").resolve("planted-noisy.npy").toString(), "--optimal-threshold", "--out", dir.toString());
        assertThat(rc).isZero();
        NpyArray eig = Npy.read(dir.resolve("eigenvalues.npy"));
        assertThat(eig.shape()).containsExactly(6, 2);
        JsonNode expected = new ObjectMapper().readTree(golden("dmd").resolve("expected.json").toFile())
                .get("cases").get("planted-noisy-optht");
        double[] v = eig.toDoubleArray();
        // sorted by modulus descending; every written eigenvalue has a golden partner within 1e-8
        double prev = Double.POSITIVE_INFINITY;
        for (int k = 0; k < 6; k++) {
            double mod = Math.hypot(v[2 * k], v[2 * k + 1]);
            assertThat(mod).isLessThanOrEqualTo(prev + 1e-15);
            prev = mod;
            double best = Double.POSITIVE_INFINITY;
            for (JsonNode e : expected.get("eigenvalues")) {
                best = Math.min(best, Math.hypot(e.get(0).asDouble() - v[2 * k], e.get(1).asDouble() - v[2 * k + 1]));
            }
            assertThat(best).isLessThan(1e-8);
        }
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        assertThat(summary.get("rank").asInt()).isEqualTo(6);
        assertThat(summary.get("reconstruction_relative_error").asDouble())
                .isCloseTo(expected.get("reconstruction_relative_error").asDouble(), Offset.offset(1e-9));
        assertThat(Npy.read(dir.resolve("amplitudes.npy")).shape()).containsExactly(6, 2);
        assertThat(dir.resolve("eigenvalues.png")).exists();
    }

    @Test
    void conjugacyCommandOnThePapersSavedFcnSpectra(@TempDir Path dir) throws Exception {
        Path k = golden("koopman");
        int rc = new CommandLine(new WorkbenchCli()).execute("conjugacy", "--spectra",
                k.resolve("Koopman_eigenvalues_FCN_MNIST_h_5.npy").toString(), "--vs",
                k.resolve("Koopman_eigenvalues_FCN_MNIST_h_40.npy").toString(), "--permutations", "999",
                "--out", dir.toString());
        assertThat(rc).isZero();
        JsonNode r = new ObjectMapper().readTree(dir.resolve("result.json").toFile());
        assertThat(r.get("spectra_a")).hasSize(25);
        assertThat(r.get("cross_distances")).hasSize(625);
        assertThat(r.get("within_b")).hasSize(300);
        // the h = 40 between-seed null of research/koopman.md §2b: 0.0043 ± 0.0016
        double mean = 0;
        for (JsonNode x : r.get("within_b")) {
            mean += x.asDouble() / 300;
        }
        assertThat(mean).isCloseTo(0.0043, Offset.offset(5e-5));
        assertThat(r.get("decision").asText()).isIn("NOT_CONJUGATE", "CONSISTENT_WITH_CONJUGACY");
        assertThat(r.get("p_value").asDouble()).isBetween(0.0, 1.0);
    }

    @Test
    void badOptionsGiveUsageErrors(@TempDir Path dir) throws Exception {
        Path x = dir.resolve("x.npy");
        Npy.write(x, new double[]{1, 2, 3, 4, 5, 6}, 2, 3);
        CommandLine cl = new CommandLine(new WorkbenchCli());
        cl.setExecutionExceptionHandler((ex, cmd, parse) -> ex instanceof IllegalArgumentException ? 2 : 1);
        assertThat(cl.execute("dmd", "--snapshots", x.toString(), "--variant", "magic", "--out", dir.toString())).isEqualTo(2);
        assertThat(cl.execute("dmd", "--snapshots", x.toString(), "--rank", "2", "--energy", "0.9", "--out",
                dir.toString())).isEqualTo(2);
        assertThat(Files.exists(dir.resolve("eigenvalues.npy"))).isFalse();
    }
}
