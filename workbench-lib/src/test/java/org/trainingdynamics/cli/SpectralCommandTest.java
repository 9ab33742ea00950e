package org.trainingdynamics.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.linalg.Svd;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.TrajectoryRecorder;
import picocli.CommandLine;
import tech.tablesaw.api.Table;

class SpectralCommandTest {

    @Test
    void writesLongTableAndFigures(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        List<TensorSpec> specs = List.of(TensorSpec.of("a.weight", 12, 8), TensorSpec.of("a.bias", 12),
                TensorSpec.of("b.weight", 5, 12));
        Random r = new Random(1);
        double[] first = null;
        try (TrajectoryRecorder rec = TrajectoryRecorder.create(run, specs, Map.of())) {
            for (int t = 0; t < 3; t++) {
                Map<String, double[]> w = new HashMap<>();
                for (TensorSpec s : specs) {
                    double[] x = new double[(int) s.size()];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) r.nextGaussian();
                    }
                    w.put(s.name(), x);
                }
                if (t == 0) {
                    first = w.get("a.weight");
                }
                rec.append(t, t, w);
            }
        }
        Path out = tmp.resolve("out");
        int code = new CommandLine(new WorkbenchCli()).execute("spectral", run.toString(), "--tensors", "*.weight",
                "--out", out.toString());
        assertThat(code).isEqualTo(0);
        Table t = Table.read().csv(out.resolve("spectral.csv").toFile());
        assertThat(t.columnNames()).containsExactly("layer", "checkpoint", "step", "metric", "value");
        Table sv = Table.read().csv(out.resolve("singular_values.csv").toFile());
        double s0 = Svd.values(first, 12, 8)[0];
        Table row = sv.where(sv.stringColumn("layer").isEqualTo("a.weight").and(sv.intColumn("checkpoint").isEqualTo(0))
                .and(sv.intColumn("index").isEqualTo(0)));
        assertThat(row.doubleColumn("sigma").get(0)).isCloseTo(s0, org.assertj.core.data.Offset.offset(1e-9 * s0));
        assertThat(t.where(t.stringColumn("metric").isEqualTo("align_score")).rowCount()).isEqualTo(3);
        assertThat(out.resolve("figures/heatmap_effective_rank.png")).exists();
        assertThat(out.resolve("figures/sv_a.weight.png")).exists();
        assertThat(out.resolve("figures/align_diag_a.weight-_b.weight.png")).exists();
        assertThat(Files.list(out.resolve("figures")).count()).isGreaterThan(8);

        int bad = new CommandLine(new WorkbenchCli()).execute("spectral", run.toString(), "--split", "nocolon",
                "--out", out.toString());
        assertThat(bad).isNotEqualTo(0);
    }
}
