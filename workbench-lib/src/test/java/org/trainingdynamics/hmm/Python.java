package org.trainingdynamics.hmm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs NumPy/SciPy cross-check scripts: {@code python3}, else {@code /usr/bin/python3}, whichever imports numpy. */
final class Python {
    private static String exe;

    private Python() {
    }

    static synchronized String exe() {
        if (exe == null) {
            for (String c : new String[]{"python3", "/usr/bin/python3"}) {
                try {
                    Process p = new ProcessBuilder(c, "-c", "import numpy").redirectErrorStream(true).start();
                    if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                        exe = c;
                        break;
                    }
                } catch (IOException | InterruptedException e) {
                    // try the next
                }
            }
            if (exe == null) {
                throw new IllegalStateException("no python3 with numpy found (tried python3, /usr/bin/python3); "
                        + "the NumPy cross-checks need it");
            }
        }
        return exe;
    }

    /** Runs {@code script} with arguments; returns stdout; fails with stderr on a non-zero exit. */
    static String run(String script, String... args) throws Exception {
        Path f = Files.createTempFile("hmm-check", ".py");
        try {
            Files.writeString(f, script);
            String[] cmd = new String[args.length + 2];
            cmd[0] = exe();
            cmd[1] = f.toString();
            System.arraycopy(args, 0, cmd, 2, args.length);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("python failed: " + new String(err, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
