package org.trainingdynamics.train;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a NumPy script for cross-checks: {@code python3}, then {@code /usr/bin/python3}; fails (never skips) if neither has NumPy. */
final class Python {
    private Python() {
    }

    static String interpreter() {
        for (String py : List.of("python3", "/usr/bin/python3")) {
            try {
                Process p = new ProcessBuilder(py, "-c", "import numpy").redirectErrorStream(true).start();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return py;
                }
            } catch (IOException | InterruptedException e) {
                // try the next one
            }
        }
        fail("no python3 with NumPy found (tried python3, /usr/bin/python3); run environment/setup test");
        return null;
    }

    /** Runs {@code script} with the given arguments and returns its standard output; fails on a non-zero exit. */
    static String run(String script, String... args) throws IOException, InterruptedException {
        Path f = Files.createTempFile("check", ".py");
        try {
            Files.writeString(f, script);
            List<String> cmd = new ArrayList<>(List.of(interpreter(), f.toString()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            p.waitFor(120, TimeUnit.SECONDS);
            String s = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                fail("python check failed:\n" + s);
            }
            return s;
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
