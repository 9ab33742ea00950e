package org.trainingdynamics.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job under test: every curated notebook executed headless in the {@code smoke} profile through
 * real Jupyter (Debian's nbclient) with this build's kernel, exactly as {@code ./workbench reproduce} runs
 * them ({@code environment/run_notebooks.py}); then a second run of the first notebook must give
 * byte-identical tables.
 */
class ReproduceTest {
    static final Path ROOT = Path.of(System.getProperty("workbench.root", "..")).toAbsolutePath().normalize();

    @TempDir
    static Path work;
    static Path jupyterPath;

    @BeforeAll
    static void setUp() throws Exception {
        KernelJupyterTest.ensureJupyter();
        jupyterPath = work.resolve("jupyter");
        KernelSpec.write(jupyterPath.resolve("kernels"), "workbench-java", "Java (Training Dynamics Workbench)",
                KernelJupyterTest.kernelClasspath(), List.of("-Xmx2g", "-Dorg.bytedeco.javacpp.maxbytes=6G"));
    }

    @Test
    void everyNotebookPassesInSmokeProfileAndTablesAreReproducible() throws Exception {
        Path first = work.resolve("results-1");
        String out = runNotebooks(first);
        List<Path> notebooks;
        try (Stream<Path> s = Files.list(ROOT.resolve("notebooks"))) {
            notebooks = s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
        assertThat(notebooks).as("curated notebooks").isNotEmpty();
        for (Path nb : notebooks) {
            String name = nb.getFileName().toString().replace(".ipynb", "");
            Path prov = first.resolve(name).resolve("provenance.json");
            assertThat(prov).as(name + " ran\n" + out).exists();
            JsonNode p = new ObjectMapper().readTree(prov.toFile());
            assertThat(p.get("status").asText()).as(name + ": " + p.get("error")).isEqualTo("ok");
            assertThat(p.get("checks").get("failed").asInt()).isZero();
            assertThat(p.get("checks").get("passed").asInt()).isPositive();
            assertThat(first.resolve(name).resolve(name + ".html")).exists();
            assertThat(p.get("git_commit")).isNotNull();
        }
        assertThat(first.resolve("index.html")).exists();

        // reproducibility: the first notebook again, same profile -> identical tables
        String firstName = notebooks.get(0).getFileName().toString().replace(".ipynb", "");
        Path second = work.resolve("results-2");
        runNotebooks(second, firstName);
        Map<String, String> a = tables(first.resolve(firstName));
        Map<String, String> b = tables(second.resolve(firstName));
        assertThat(a).as("tables written by " + firstName).isNotEmpty();
        assertThat(b).isEqualTo(a);
    }

    private static Map<String, String> tables(Path dir) throws Exception {
        Map<String, String> m = new TreeMap<>();
        Path t = dir.resolve("tables");
        if (Files.isDirectory(t)) {
            try (Stream<Path> s = Files.list(t)) {
                for (Path f : s.toList()) {
                    m.put(f.getFileName().toString(), Files.readString(f));
                }
            }
        }
        return m;
    }

    private static String runNotebooks(Path results, String... names) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(KernelJupyterTest.PYTHON,
                ROOT.resolve("environment/run_notebooks.py").toString(), "--root", ROOT.toString(),
                "--profile", "smoke", "--results", results.toString(), "--timeout", "900"));
        cmd.addAll(List.of(names));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("JUPYTER_PATH", jupyterPath.toString());
        pb.environment().put("JUPYTER_RUNTIME_DIR", work.resolve("runtime").toString());
        pb.environment().put("JUPYTER_PLATFORM_DIRS", "1");
        pb.environment().remove("PYTHONPATH");
        Path log = Files.createTempFile(work, "reproduce", ".log");
        Process p = pb.redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(40, TimeUnit.MINUTES);
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String output = Files.readString(log);
        System.out.println(output);
        assertThat(done).as("notebooks finished within 40 minutes\n" + output).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return output;
    }
}
