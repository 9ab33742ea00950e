package org.trainingdynamics.trajectory.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.cli.WorkbenchCli;
import org.trainingdynamics.trajectory.DType;
import org.trainingdynamics.trajectory.Npy;
import org.trainingdynamics.trajectory.NpyArray;
import org.trainingdynamics.trajectory.PythonSupport;
import org.trainingdynamics.trajectory.StoredTrajectory;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.Trajectories;
import picocli.CommandLine;
import tech.tablesaw.api.Table;

/**
 * Every importer on fixtures written by NumPy (npz/npy) or exactly to the safetensors spec by a Python script
 * (make_fixtures.py), and on genuine torch.save files (make_torch_fixtures.py, committed). Expected values
 * come from the generating scripts (expected.npz), so each check is against NumPy's own numbers.
 */
class ImporterTest {
    @TempDir
    static Path fx;
    @TempDir
    Path out;

    @BeforeAll
    static void fixtures() {
        PythonSupport.runScript("/fixtures/make_fixtures.py", fx.toString());
    }

    static Path torch(String name) {
        return PythonSupport.resource("/fixtures/torch/" + name);
    }

    /** Every "tensor@step" entry of the expected archive equals the stored values exactly. */
    static void assertMatchesExpected(StoredTrajectory s, Path expectedNpz) {
        Map<String, NpyArray> exp = Npy.readNpz(expectedNpz);
        List<Long> steps = Arrays.stream(s.steps()).boxed().toList();
        int seen = 0;
        for (Map.Entry<String, NpyArray> e : exp.entrySet()) {
            int at = e.getKey().lastIndexOf('@');
            String tensor = e.getKey().substring(0, at);
            long step = Long.parseLong(e.getKey().substring(at + 1));
            int t = steps.indexOf(step);
            assertThat(t).as("step %d of %s", step, e.getKey()).isGreaterThanOrEqualTo(0);
            assertThat(s.tensor(tensor).shape()).as(tensor).isEqualTo(e.getValue().shape());
            assertThat(s.values(tensor, t)).as(e.getKey()).containsExactly(e.getValue().toDoubleArray());
            seen++;
        }
        assertThat(seen).isEqualTo(s.checkpointCount() * s.tensors().size());
    }

    @Test
    void npzFolderPlainAndCompressed() {
        for (String run : List.of("npz_run", "npzc_run")) {
            ImportSummary sum = Importer.importTo(fx.resolve(run), out.resolve(run));
            StoredTrajectory s = Trajectories.open(out.resolve(run));
            assertThat(sum.format()).isEqualTo(Importer.Format.NPZ);
            assertThat(s.steps()).containsExactly(0, 5, 10);
            assertThat(s.tensor("layer.weight").dtype()).isEqualTo(DType.FLOAT32);
            assertThat(s.tensor("layer.bias").dtype()).isEqualTo(DType.FLOAT64);
            assertMatchesExpected(s, fx.resolve(run + "_expected.npz"));
            assertThat(sum.checkpoints()).isEqualTo(3);
            assertThat(sum.parameters()).isEqualTo(10);
            assertThat(sum.bytesWritten()).isEqualTo(3 * (6 * 4 + 4 * 8));
        }
    }

    @Test
    void npyFolderAndFolderOfTensorFiles() {
        Importer.importTo(fx.resolve("npy_run"), out.resolve("a"));
        StoredTrajectory a = Trajectories.open(out.resolve("a"));
        assertThat(a.steps()).containsExactly(1, 2, 3);
        assertThat(a.tensorNames()).containsExactly("weights");
        assertMatchesExpected(a, fx.resolve("npy_run_expected.npz"));

        Importer.importTo(fx.resolve("npydir_run"), out.resolve("b"));
        StoredTrajectory b = Trajectories.open(out.resolve("b"));
        assertThat(b.steps()).containsExactly(100, 200);
        assertThat(b.tensorNames()).containsExactlyInAnyOrder("w", "b");
        assertMatchesExpected(b, fx.resolve("npydir_run_expected.npz")); // w was Fortran-order on disk
    }

    @Test
    void safetensorsFolderAllFloatTypesWithMergedMetrics() {
        ImportSummary sum = Importer.builder().metrics(fx.resolve("st_metrics.csv")).metrics(fx.resolve("st_metrics.jsonl"))
                .build().run(fx.resolve("st_run"), out.resolve("st"));
        StoredTrajectory s = Trajectories.open(out.resolve("st"));
        assertThat(sum.format()).isEqualTo(Importer.Format.SAFETENSORS);
        assertThat(s.steps()).containsExactly(0, 100, 200);
        assertThat(s.tensor("enc.half").dtype()).isEqualTo(DType.FLOAT32);  // F16 widened
        assertThat(s.tensor("enc.bf16").dtype()).isEqualTo(DType.FLOAT32);  // BF16 widened
        assertThat(s.tensor("head.f64").dtype()).isEqualTo(DType.FLOAT64);
        assertMatchesExpected(s, fx.resolve("st_run_expected.npz"));
        assertThat(sum.skipped()).singleElement().asString().contains("steps_seen").contains("int64");
        assertThat(s.metadata()).containsKey("source_metadata");
        Table m = s.metrics();
        assertThat(m.longColumn("step").asList()).containsExactly(0L, 100L, 150L, 200L);
        assertThat(m.doubleColumn("train_loss").get(3)).isEqualTo(0.625);
        assertThat(m.doubleColumn("test_acc").get(2)).isEqualTo(0.625);
        assertThat(m.doubleColumn("test_acc").isMissing(0)).isTrue();
        assertThat(m.columnNames()).doesNotContain("phase");
    }

    @Test
    void metricsCsvWithQuotedFieldsAndSeparators() throws Exception {
        Path csv = out.resolve("quoted.csv");
        Files.writeString(csv, "step,\"acc,top1\",phase,\"say \"\"hi\"\"\"\n"
                + "0,0.5,\"warm-up, early\",1\n"
                + "\"10\",0.75,\"main\",2\n");
        Table m = new MetricsLogs().add(csv).toTable();
        assertThat(m.longColumn("step").asList()).containsExactly(0L, 10L);
        assertThat(m.doubleColumn("acc,top1").asList()).containsExactly(0.5, 0.75);
        assertThat(m.doubleColumn("say \"hi\"").asList()).containsExactly(1.0, 2.0);
        assertThat(m.columnNames()).doesNotContain("phase");
        Path bad = out.resolve("unterminated.csv");
        Files.writeString(bad, "step,loss\n0,\"0.5\n");
        assertThatThrownBy(() -> new MetricsLogs().add(bad)).hasMessageContaining("unterminated.csv")
                .hasMessageContaining("line 2").hasMessageContaining("unterminated quoted field");
        // the native store writes and reads such names back unchanged
        Path stored = out.resolve("metrics-roundtrip.csv");
        org.trainingdynamics.trajectory.Metrics.writeCsv(m, stored);
        Table back = org.trainingdynamics.trajectory.Metrics.readCsv(stored);
        assertThat(back.columnNames()).isEqualTo(m.columnNames());
        assertThat(back.doubleColumn("acc,top1").asList()).containsExactly(0.5, 0.75);
    }

    @Test
    void huggingFaceTrainerOutputWithLogHistory() {
        ImportSummary sum = Importer.importTo(fx.resolve("hf_run"), out.resolve("hf"));
        StoredTrajectory s = Trajectories.open(out.resolve("hf"));
        assertThat(sum.format()).isEqualTo(Importer.Format.HF_TRAINER);
        assertThat(s.steps()).containsExactly(10, 20, 30);
        assertThat(s.epochs()).containsExactly(0.5, 1.0, 1.5);
        assertMatchesExpected(s, fx.resolve("hf_run_expected.npz"));
        Table m = s.metrics();
        assertThat(m.longColumn("step").asList()).containsExactly(10L, 20L, 30L);
        assertThat(m.doubleColumn("loss").asList()).containsExactly(2.0, 1.0, 2.0 / 3);
        assertThat(m.doubleColumn("eval_loss").get(1)).isEqualTo(1.25);
    }

    @Test
    void torchZipFolderMatchesTorchValues() {
        ImportSummary sum = Importer.importTo(torch("run"), out.resolve("pt"));
        StoredTrajectory s = Trajectories.open(out.resolve("pt"));
        assertThat(sum.format()).isEqualTo(Importer.Format.TORCH);
        assertThat(s.steps()).containsExactly(0, 10, 20);
        assertThat(s.tensorNames()).containsExactly("lin1.weight", "lin1.bias", "bn.weight", "bn.bias",
                "bn.running_mean", "bn.running_var", "lin2.weight", "lin2.bias");
        assertThat(sum.skipped()).singleElement().asString().contains("bn.num_batches_tracked");
        assertMatchesExpected(s, torch("run_expected.npz"));
    }

    @Test
    void globsSelectTensors() {
        ImportSummary sum = Importer.builder().include("lin*.weight").exclude("lin2.*").build()
                .run(torch("run"), out.resolve("sel"));
        assertThat(Trajectories.open(out.resolve("sel")).tensorNames()).containsExactly("lin1.weight");
        assertThat(sum.tensors()).isEqualTo(1);
        assertThat(sum.parameters()).isEqualTo(12);
    }

    @Test
    void forcedFloat64AndSingleFileSource() {
        Importer.builder().dtype(DType.FLOAT64).build().run(fx.resolve("st_run/model_step100.safetensors"), out.resolve("one"));
        StoredTrajectory s = Trajectories.open(out.resolve("one"));
        assertThat(s.checkpointCount()).isEqualTo(1);
        assertThat(s.steps()).containsExactly(100);
        assertThat(s.tensors()).extracting(TensorSpec::dtype).containsOnly(DType.FLOAT64);
    }

    @Test
    void failedImportLeavesTheExistingStoreIntact() throws Exception {
        Path target = out.resolve("keep");
        Importer.importTo(fx.resolve("npz_run"), target);
        String before = Files.readString(target.resolve("trajectory.json"));
        Path broken = out.resolve("broken");
        Files.createDirectories(broken);
        Files.copy(fx.resolve("npz_run/step_0000.npz"), broken.resolve("step_0.npz"));
        Files.write(broken.resolve("step_1.npz"), new byte[]{'P', 'K', 3, 4, 0, 0});
        assertThatThrownBy(() -> Importer.importTo(broken, target)).hasMessageContaining("step_1.npz");
        assertThat(Files.readString(target.resolve("trajectory.json"))).isEqualTo(before);
        assertThat(Trajectories.open(target).checkpointCount()).isEqualTo(3);
        try (var l = Files.list(out)) {
            assertThat(l.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }
        // a folder that is not a store is never replaced
        Path other = out.resolve("other");
        Files.createDirectories(other);
        Files.writeString(other.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> Importer.importTo(fx.resolve("npz_run"), other)).hasMessageContaining("not a trajectory store");
        assertThat(Files.readString(other.resolve("notes.txt"))).isEqualTo("mine");
    }

    @Test
    void cliImportsWithSummaryAndRefusesToClobberWithoutForce() {
        Path target = out.resolve("cli");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        int code;
        try {
            System.setOut(new java.io.PrintStream(buf, true));
            code = WorkbenchCli.commandLine().execute("import", fx.resolve("hf_run").toString(), target.toString(),
                    "--exclude", "enc.half");
        } finally {
            System.setOut(old);
        }
        String text = buf.toString();
        assertThat(code).isEqualTo(0);
        assertThat(text).contains("tensors:     3").contains("checkpoints: 3").contains("parameters:  19 per checkpoint")
                .contains("bytes:");
        CommandLine cl = WorkbenchCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("import", fx.resolve("hf_run").toString(), target.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("already exists").contains("--force");
        cl = WorkbenchCli.commandLine();
        cl.setErr(new PrintWriter(new StringWriter()));
        assertThat(cl.execute("import", fx.resolve("hf_run").toString(), target.toString(), "--force", "--nonfinite",
                "allow")).isEqualTo(0);
        cl = WorkbenchCli.commandLine();
        err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("import", fx.resolve("hf_run").toString(), target.toString(), "--nonfinite", "maybe"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--nonfinite must be reject or allow");
    }
}
