package org.trainingdynamics.trajectory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs NumPy cross-check scripts: the first of {@code python3}, {@code /usr/bin/python3} that imports numpy. */
public final class PythonSupport {
    private static String python;

    private PythonSupport() {
    }

    /** The python executable with NumPy; fails (never skips) when none is found. */
    public static synchronized String python() {
        if (python == null) {
            for (String p : List.of("python3", "/usr/bin/python3")) {
                try {
                    Process pr = new ProcessBuilder(p, "-c", "import numpy").redirectErrorStream(true).start();
                    pr.getInputStream().readAllBytes();
                    if (pr.waitFor(60, TimeUnit.SECONDS) && pr.exitValue() == 0) {
                        python = p;
                        break;
                    }
                } catch (IOException | InterruptedException e) {
                    // try the next one
                }
            }
            if (python == null) {
                throw new IllegalStateException("no python3 with NumPy found (run environment/setup test)");
            }
        }
        return python;
    }

    /** Runs {@code python -c code args...} and returns stdout; throws with the output on failure. */
    public static String runCode(String code, String... args) {
        List<String> cmd = new ArrayList<>(List.of(python(), "-c", code));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    /** Runs a test-resource script ({@code /fixtures/...}) with arguments and returns stdout. */
    public static String runScript(String resource, String... args) {
        List<String> cmd = new ArrayList<>(List.of(python(), resource(resource).toString()));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    /** The file of a test resource. */
    public static Path resource(String name) {
        try {
            return Path.of(PythonSupport.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource " + name, e);
        }
    }

    private static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("python failed: " + cmd.subList(0, 2) + "\n" + out);
            }
            return out;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot run python: " + e.getMessage(), e);
        }
    }
}
