package org.trainingdynamics.koopman;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a NumPy/SciPy script for an independent cross-check; fails (never skips) when no Python has numpy. */
final class PythonCheck {
    private PythonCheck() {
    }

    static String run(String script) {
        for (String py : List.of("python3", "/usr/bin/python3")) {
            try {
                Path f = Files.createTempFile("koopman-check", ".py");
                Files.writeString(f, script);
                Process p = new ProcessBuilder(py, f.toString()).redirectErrorStream(true).start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("python check timed out");
                }
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                Files.deleteIfExists(f);
                if (p.exitValue() == 0) {
                    return out;
                }
                if (!out.contains("ModuleNotFoundError")) {
                    throw new AssertionError("python check failed:\n" + out);
                }
            } catch (IOException e) {
                // try the next interpreter
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no python3 with numpy and scipy found for the cross-check");
    }
}
