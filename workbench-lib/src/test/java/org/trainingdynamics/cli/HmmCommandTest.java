package org.trainingdynamics.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.trajectory.Npy;
import picocli.CommandLine;

/** {@code workbench hmm fit|select} on the golden inputs. */
class HmmCommandTest {

    static Path golden() {
        return Path.of(System.getProperty("workbench.shared", "/work/shared"), "golden", "hmm");
    }

    static int run(StringWriter err, String... args) {
        CommandLine cl = new CommandLine(new WorkbenchCli());
        cl.setErr(new PrintWriter(err));
        cl.setExecutionExceptionHandler((ex, cmd, parse) -> {
            cmd.getErr().println("error: " + ex.getMessage());
            return ex instanceof IllegalArgumentException ? 2 : 1;
        });
        return cl.execute(args);
    }

    @Test
    void fitWithTheGoldenInitReproducesHmmlearn(@TempDir Path dir) throws Exception {
        ObjectMapper om = new ObjectMapper();
        JsonNode cases = om.readTree(golden().resolve("expected.json").toFile()).get("cases");
        for (String cov : new String[]{"full", "tied"}) {
            JsonNode c = cases.get(cov);
            Path init = dir.resolve(cov + "-init.json");
            om.writeValue(init.toFile(), c.get("init"));
            Path out = dir.resolve(cov);
            int rc = run(new StringWriter(), "hmm", "fit", "--data", golden().resolve("X.npy").toString(), "--lengths",
                    golden().resolve("lengths.npy").toString(), "--states", "3", "--covariance", cov, "--init",
                    init.toString(), "--iterations", "10", "--tol", "-1e300", "--out", out.toString());
            assertThat(rc).isZero();
            JsonNode m = om.readTree(out.resolve("model.json").toFile());
            for (String key : new String[]{"startprob", "transmat", "means", "covars", "loglik_history", "objective_history", "score", "bic", "aic"}) {
                assertThat(m.has(key)).as(key).isTrue();
            }
            assertThat(m.get("score").asDouble()).isCloseTo(c.get("score").asDouble(),
                    org.assertj.core.api.Assertions.within(1e-8 * Math.abs(c.get("score").asDouble())));
            assertThat(m.get("bic").asDouble()).isCloseTo(c.get("bic").asDouble(),
                    org.assertj.core.api.Assertions.within(1e-9 * c.get("bic").asDouble()));
            assertThat(m.get("loglik_history").size()).isEqualTo(10);
            assertThat(m.get("objective_history").size()).isEqualTo(10);
            assertThat(m.get("covars").size()).isEqualTo(3); // full per-state form
            long[] vit = Npy.read(out.resolve("viterbi.npy")).toLongArray();
            assertThat(vit).containsExactly(Npy.read(golden().resolve(cov + "-viterbi.npy")).toLongArray());
            double[] post = Npy.read(out.resolve("posteriors.npy")).toDoubleArray();
            double[] want = Npy.read(golden().resolve(cov + "-posteriors.npy")).toDoubleArray();
            for (int i = 0; i < post.length; i++) {
                assertThat(Math.abs(post[i] - want[i])).isLessThan(1e-6);
            }
        }
    }

    @Test
    void selectWritesTheTableAndBadInputExitsTwo(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("sel");
        int rc = run(new StringWriter(), "hmm", "select", "--data", golden().resolve("X.npy").toString(), "--lengths",
                golden().resolve("lengths.npy").toString(), "--states", "1..4", "--covariance", "diag", "--restarts", "2",
                "--out", out.toString());
        assertThat(rc).isZero();
        String csv = Files.readString(out.resolve("selection.csv"));
        assertThat(csv.lines().count()).isEqualTo(5);
        assertThat(csv).startsWith("states,heldout_loglik_mean");
        assertThat(Files.exists(out.resolve("selection.png"))).isTrue();

        StringWriter err = new StringWriter();
        assertThat(run(err, "hmm", "fit", "--data", golden().resolve("X.npy").toString(), "--states", "3",
                "--covariance", "banana", "--out", dir.resolve("x").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("unknown covariance type 'banana'");
        err = new StringWriter();
        assertThat(run(err, "hmm", "fit", "--data", dir.resolve("missing.npy").toString(), "--states", "3",
                "--out", dir.resolve("x").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no such file");
        err = new StringWriter();
        assertThat(run(err, "hmm", "select", "--data", golden().resolve("X.npy").toString(), "--states", "5..2",
                "--out", dir.resolve("x").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("1 <= from <= to");
    }
}
