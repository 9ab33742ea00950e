package org.trainingdynamics.spectral;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a Python script with NumPy (python3, then /usr/bin/python3); fails loudly when neither has NumPy. */
final class Python {
    private Python() {
    }

    static String run(Path script, String... args) throws IOException, InterruptedException {
        String why = "";
        for (String exe : List.of("python3", "/usr/bin/python3")) {
            try {
                Process probe = new ProcessBuilder(exe, "-c", "import numpy").redirectErrorStream(true).start();
                if (!probe.waitFor(60, TimeUnit.SECONDS) || probe.exitValue() != 0) {
                    why += exe + ": no numpy; ";
                    continue;
                }
            } catch (IOException e) {
                why += exe + ": " + e.getMessage() + "; ";
                continue;
            }
            List<String> cmd = new java.util.ArrayList<>(List.of(exe, script.toString()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(exe + " " + script + " failed:\n" + out);
            }
            return out;
        }
        throw new IllegalStateException("no python with numpy found for the cross-check: " + why);
    }

    static Path write(Path dir, String name, String code) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, code);
        return f;
    }
}
