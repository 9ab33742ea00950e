package org.trainingdynamics.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel under real Jupyter (Debian's jupyter_client, jupyter_kernel_test, nbconvert on /usr/bin/python3):
 * a kernelspec pointing at this build is written to a temporary JUPYTER_PATH, then Python scripts drive it.
 * Jupyter is installed with {@code environment/setup jupyter} when missing.
 */
class KernelJupyterTest {
    static final String PYTHON = "/usr/bin/python3";
    static final String KERNEL = "workbench-java-test";

    @TempDir
    static Path work;
    static Path jupyterPath;
    static Path jar;

    @BeforeAll
    static void setUp() throws Exception {
        ensureJupyter();
        jupyterPath = work.resolve("jupyter");
        KernelSpec.write(jupyterPath.resolve("kernels"), KERNEL, "workbench kernel under test", kernelClasspath(),
                List.of("-Xmx768m", "-Dorg.bytedeco.javacpp.maxbytes=4G"));
        jar = helloJar(work.resolve("hello"));
    }

    @Test
    void jupyterKernelTestSuitePasses() throws Exception {
        Result r = python(List.of("-m", "unittest", "-v", "kernel_suite"), 300);
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output).contains("OK").doesNotContain("skipped 'test_");
    }

    @Test
    void protocolChecksPass() throws Exception {
        Result r = python(List.of("kernel_checks.py"), 420);
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output).contains("all kernel checks passed").doesNotContain("FAIL ");
    }

    @Test
    void notebookExecutesWithNbconvert() throws Exception {
        Path nb = Path.of("src/test/resources/kernel-smoke.ipynb").toAbsolutePath();
        Path outDir = work.resolve("nb");
        Files.createDirectories(outDir);
        Result r = run(List.of(PYTHON, "-m", "nbconvert", "--to", "notebook", "--execute",
                "--ExecutePreprocessor.kernel_name=" + KERNEL, "--ExecutePreprocessor.timeout=300",
                "--output-dir", outDir.toString(), "--output", "executed.ipynb", nb.toString()), 420);
        assertThat(r.exit).as(r.output).isZero();
        JsonNode root = new ObjectMapper().readTree(outDir.resolve("executed.ipynb").toFile());
        Set<String> mimes = new LinkedHashSet<>();
        StringBuilder text = new StringBuilder();
        for (JsonNode cell : root.get("cells")) {
            if (!"code".equals(cell.get("cell_type").asText())) {
                continue;
            }
            assertThat(cell.get("execution_count").isInt()).as("every code cell ran").isTrue();
            for (JsonNode out : cell.get("outputs")) {
                assertThat(out.get("output_type").asText()).as("no cell failed: " + out).isNotEqualTo("error");
                if (out.has("data")) {
                    out.get("data").fieldNames().forEachRemaining(mimes::add);
                }
                if (out.has("text")) {
                    out.get("text").forEach(t -> text.append(t.asText()));
                }
            }
        }
        assertThat(mimes).contains("image/png", "image/svg+xml", "text/html", "text/plain");
        assertThat(text.toString()).contains("points: 50", "Wall time:", "PASS: positive sum");

        // the executed notebook exports to HTML (inline SVG without an XML declaration, PNG as data URI)
        Result html = run(List.of(PYTHON, "-m", "nbconvert", "--to", "html", "--output-dir", outDir.toString(),
                "--output", "executed.html", outDir.resolve("executed.ipynb").toString()), 300);
        assertThat(html.exit).as(html.output).isZero();
        assertThat(Files.readString(outDir.resolve("executed.html"))).contains("<svg", "data:image/png;base64,",
                "damped oscillation", "PASS: positive sum");
    }

    // ------------------------------------------------------------------ helpers

    record Result(int exit, String output) {
    }

    static Result python(List<String> args, long timeoutSeconds) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(PYTHON);
        cmd.addAll(args);
        return run(cmd, timeoutSeconds);
    }

    static Result run(List<String> cmd, long timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(Path.of("src/test/python").toFile())
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("JUPYTER_PATH", jupyterPath.toString());
        env.put("JUPYTER_RUNTIME_DIR", work.resolve("runtime").toString());
        env.put("JUPYTER_PLATFORM_DIRS", "1");
        env.put("WORKBENCH_TEST_KERNEL", KERNEL);
        env.put("WORKBENCH_TEST_JAR", jar.toString());
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        env.remove("PYTHONPATH");
        Path log = Files.createTempFile(work, "proc", ".log");
        Process p = pb.redirectOutput(log.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            return new Result(-1, "timed out after " + timeoutSeconds + " s:\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        System.out.println(String.join(" ", cmd.subList(0, Math.min(3, cmd.size()))) + "\n" + output);
        return new Result(p.exitValue(), output);
    }

    /** Installs Debian's Jupyter packages through the project's script when they are missing. */
    static void ensureJupyter() throws Exception {
        if (jupyterPresent()) {
            return;
        }
        Path setup = Path.of(System.getProperty("workbench.root", "..")).resolve("environment/setup");
        Process p = new ProcessBuilder(setup.toString(), "jupyter").inheritIO().start();
        assertThat(p.waitFor(20, TimeUnit.MINUTES)).isTrue();
        assertThat(jupyterPresent()).as("Jupyter (jupyter_client, nbconvert, jupyter_kernel_test) after "
                + setup + " jupyter").isTrue();
    }

    static boolean jupyterPresent() throws IOException, InterruptedException {
        if (!new File(PYTHON).canExecute()) {
            return false;
        }
        Process p = new ProcessBuilder(PYTHON, "-c", "import jupyter_client, nbclient, nbconvert, jupyter_kernel_test")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    /** The kernel's class path: this module's classes, then the test JVM's class path (workbench-lib and deps). */
    static String kernelClasspath() {
        Set<String> cp = new LinkedHashSet<>();
        cp.add(Path.of("target/classes").toAbsolutePath().toString());
        String testCp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String e : testCp.split(File.pathSeparator)) {
            if (!e.isBlank() && !e.contains("surefire") && new File(e).exists()) {
                cp.add(new File(e).getAbsolutePath());
            }
        }
        return String.join(File.pathSeparator, cp);
    }

    /** A jar holding {@code wbtest.Hello.hi()}, compiled now, for the {@code %classpath} check. */
    static Path helloJar(Path dir) throws IOException {
        Path src = dir.resolve("src/wbtest/Hello.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, "package wbtest; public class Hello { public static String hi() { return \"hi from jar\"; } }");
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, "-d", classes.toString(), src.toString())).isZero();
        Path jarFile = dir.resolve("hello.jar");
        try (OutputStream out = Files.newOutputStream(jarFile); JarOutputStream j = new JarOutputStream(out)) {
            j.putNextEntry(new JarEntry("wbtest/Hello.class"));
            j.write(Files.readAllBytes(classes.resolve("wbtest/Hello.class")));
            j.closeEntry();
        }
        return jarFile;
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
