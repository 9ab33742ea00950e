package org.trainingdynamics.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.study.StudyBundle;
import org.trainingdynamics.study.VerifyReport;

/**
 * {@code workbench bundle} + {@code workbench verify} end to end: notebook 01 runs in the smoke profile through
 * real Jupyter (as {@code ./workbench reproduce} runs it), its results are bundled with the data sets it used, and
 * verification re-runs the notebook through {@code environment/run_notebooks.py} against the bundle's embedded
 * data sets and finds every table and the PASS/FAIL counts identical.
 */
class BundleVerifyTest {
    static final Path ROOT = ReproduceTest.ROOT;

    @TempDir
    static Path work;
    static Path jupyterPath;
    static Map<String, String> env;

    @BeforeAll
    static void setUp() throws Exception {
        KernelJupyterTest.ensureJupyter();
        jupyterPath = work.resolve("jupyter");
        KernelSpec.write(jupyterPath.resolve("kernels"), "workbench-java", "Java (Training Dynamics Workbench)",
                KernelJupyterTest.kernelClasspath(), List.of("-Xmx2g", "-Dorg.bytedeco.javacpp.maxbytes=6G"));
        env = Map.of("JUPYTER_PATH", jupyterPath.toString(), "JUPYTER_RUNTIME_DIR", work.resolve("runtime").toString(),
                "JUPYTER_PLATFORM_DIRS", "1");
    }

    @Test
    void bundleOfNotebook01VerifiesByReRunningIt() throws Exception {
        String name;
        try (Stream<Path> s = Files.list(ROOT.resolve("notebooks"))) {
            name = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("01-") && n.endsWith(".ipynb"))
                    .findFirst().orElseThrow().replace(".ipynb", "");
        }
        Path results = work.resolve("results");
        ProcessBuilder pb = new ProcessBuilder(KernelJupyterTest.PYTHON, ROOT.resolve("environment/run_notebooks.py").toString(),
                "--root", ROOT.toString(), "--profile", "smoke", "--results", results.toString(), name)
                .redirectErrorStream(true).redirectOutput(work.resolve("run.log").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(15, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(work.resolve("run.log"))).isZero();

        Path archive = work.resolve(name + ".zip");
        StudyBundle.PackResult packed = StudyBundle.pack(results.resolve(name), archive, StudyBundle.PackOptions.defaults());
        assertThat(packed.manifest().profile()).isEqualTo("smoke");
        assertThat(packed.manifest().data()).as("data sets notebook 01 opened through Study.data")
                .extracting(d -> d.name()).contains("grokking-mlp-wd1", "import-examples/torch-run");
        assertThat(packed.manifest().data()).allMatch(d -> d.embedded());

        Path verifyDir = work.resolve("verify");
        VerifyReport r = StudyBundle.verify(archive, StudyBundle.VerifyOptions.defaults().withRoot(ROOT)
                .withWorkDir(verifyDir).withEnvironment(env).withTimeout(Duration.ofMinutes(15)));
        String shown = r.toTable().printAll() + "\n" + (Files.exists(verifyDir.resolve("rerun.log"))
                ? Files.readString(verifyDir.resolve("rerun.log")) : "");
        assertThat(r.ok()).as(shown).isTrue();
        assertThat(r.of("rerun")).singleElement().extracting(VerifyReport.Outcome::result).isEqualTo(VerifyReport.Result.PASS);
        assertThat(r.of("checks")).singleElement().extracting(VerifyReport.Outcome::result).isEqualTo(VerifyReport.Result.PASS);
        assertThat(r.of("table")).as(shown).isNotEmpty().allMatch(o -> o.result() == VerifyReport.Result.PASS);

        // the re-run opened the bundle's embedded copies (WORKBENCH_DATA), with the recorded content hashes
        JsonNode prov = new ObjectMapper().readTree(verifyDir.resolve("rerun").resolve(name).resolve("provenance.json").toFile());
        Path extracted = verifyDir.resolve("bundle/data").toAbsolutePath();
        assertThat(prov.get("data")).hasSize(packed.manifest().data().size());
        for (JsonNode d : prov.get("data")) {
            assertThat(Path.of(d.get("path").asText())).startsWith(extracted);
            assertThat(packed.manifest().data()).anySatisfy(b -> {
                assertThat(b.name()).isEqualTo(d.get("name").asText());
                assertThat(b.sha256()).isEqualTo(d.get("sha256").asText());
            });
        }
        // and, independently of the comparison code, its tables are byte-identical to the first run's
        Path tables = results.resolve(name).resolve("tables");
        try (Stream<Path> s = Files.list(tables)) {
            for (Path t : s.toList()) {
                assertThat(verifyDir.resolve("rerun").resolve(name).resolve("tables").resolve(t.getFileName()))
                        .hasSameBinaryContentAs(t);
            }
        }
    }
}
