package org.trainingdynamics.hmm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline at a reduced size (research note §5) on stored runs of the project's trainer: the 4 bundled
 * sparse-parity runs {@code data/sparse-parity/seed-0..3} ({@code Setups.sparseParity()}, official settings but
 * width 100; 31 checkpoints each) -> 14 metrics + test accuracy per checkpoint -> HMM selection -> states -> map ->
 * detours. At this size the replication criteria are reported, not asserted; the invariants of every stage are.
 */
class SparseParityStudyTest {

    static Path bundled() {
        String root = System.getProperty("workbench.root");
        Path d = Path.of(root == null ? ".." : root, "data", "sparse-parity");
        assertThat(Files.isDirectory(d)).as("bundled runs at " + d.toAbsolutePath()).isTrue();
        return d;
    }

    @Test
    void featureCacheRoundTripsExactly(@TempDir Path tmp) {
        List<Path> dirs = SparseParityReplication.runDirs(bundled()).subList(0, 2);
        List<TrainingHmmStudy.Run> fresh = SparseParityReplication.runs(dirs, tmp);
        assertThat(tmp.resolve("seed-0.npy")).exists();
        List<TrainingHmmStudy.Run> cached = SparseParityReplication.runs(dirs, tmp);
        for (int i = 0; i < dirs.size(); i++) {
            assertThat(cached.get(i).name()).isEqualTo(fresh.get(i).name());
            assertThat(cached.get(i).features().values()).isDeepEqualTo(fresh.get(i).features().values());
            assertThat(cached.get(i).features().steps()).containsExactly(fresh.get(i).features().steps());
            assertThat(cached.get(i).convergenceMetric()).containsExactly(fresh.get(i).convergenceMetric());
        }
    }

    @Test
    void pipelineRunsEndToEndOnBundledSparseParityRuns() {
        List<Path> dirs = SparseParityReplication.runDirs(bundled());
        assertThat(dirs).extracting(p -> p.getFileName().toString())
                .containsExactly("seed-0", "seed-1", "seed-2", "seed-3");
        List<TrainingHmmStudy.Run> runs = SparseParityReplication.runs(dirs);
        assertThat(runs).hasSize(4);
        for (TrainingHmmStudy.Run r : runs) {
            assertThat(r.features().values()).hasNumberOfRows(31);
            assertThat(r.features().values()[0]).hasSize(14);
            // hidden-layer l2 norm changes during training
            assertThat(r.features().values()[30][1]).isNotEqualTo(r.features().values()[0][1]);
            // test accuracy at the checkpoints: chance (~0.5) at initialisation, a probability throughout
            assertThat(r.convergenceMetric()).hasSize(31);
            assertThat(java.util.Arrays.stream(r.convergenceMetric()).allMatch(a -> a >= 0 && a <= 1)).isTrue();
            assertThat(r.convergenceMetric()[0]).isBetween(0.3, 0.7);
        }
        // the metric is read at the checkpoint steps from the per-step metrics table: checkpoint 0 (step 0) of
        // seed-0 has test accuracy 0.49 in data/sparse-parity/seed-0/metrics.csv, checkpoint 1 (step 32) 0.5
        assertThat(runs.get(0).convergenceMetric()[0]).isEqualTo(bundledTestAccAtStep0(dirs.get(0))).isEqualTo(0.49);
        assertThat(runs.get(0).convergenceMetric()[1]).isEqualTo(0.5);
        TrainingHmmStudy.Config cfg = TrainingHmmStudy.Config.defaults().withSelection(1, 3, 2).withStates(3);
        TrainingHmmStudy.Result res = TrainingHmmStudy.of(cfg).run(runs);
        System.out.println(res.selection().toTable().print());
        System.out.println(res.detours().toTable().print());
        System.out.println(res.criteriaTable().printAll());
        assertThat(res.states()).isEqualTo(3);
        assertThat(res.paths()).hasSize(4);
        assertThat(res.paths().get(0)).hasSize(31);
        assertThat(res.convergenceTimes()).hasSize(4);
        assertThat(java.util.Arrays.stream(res.convergenceTimes()).allMatch(c -> c >= 0 && c <= 31)).isTrue();
        assertThat(res.detours().rows()).hasSize(3);
        for (DetourAnalysis.Row row : res.detours().rows()) {
            assertThat(row.obligatory() || Double.isNaN(row.rho()) || (row.p() >= 0 && row.p() <= 1)).isTrue();
        }
        assertThat(res.criteria()).hasSize(5);
        assertThat(res.criteria().get(4).passed()).isNull();
        int starts = 0;
        for (int s : res.map().startCounts()) {
            starts += s;
        }
        assertThat(starts).isEqualTo(4);
        assertThat(res.map().graph().vertexSet()).hasSize(3);
        BadInputTest.assertFinite(res.model());
    }

    /** test_acc of the step-0 row, read from the CSV text directly (independent of the Tablesaw path). */
    private static double bundledTestAccAtStep0(Path run) {
        try {
            List<String> lines = Files.readAllLines(run.resolve("metrics.csv"));
            List<String> header = List.of(lines.get(0).split(",", -1));
            int col = header.indexOf("test_acc");
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",", -1);
                if (f[0].equals("0") && !f[col].isEmpty()) {
                    return Double.parseDouble(f[col]);
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError("no test_acc at step 0 in " + run);
    }
}
