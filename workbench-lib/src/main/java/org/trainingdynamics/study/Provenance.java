package org.trainingdynamics.study;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Where a result came from: git commit and dirty flag, JVM, ND4J version and back end, OS and cores. */
public final class Provenance {
    private Provenance() {
    }

    /** The environment part of a provenance record (JSON-compatible values). */
    public static Map<String, Object> environment() {
        Map<String, Object> p = new LinkedHashMap<>();
        Path root;
        try {
            root = Study.root();
        } catch (IllegalStateException e) {
            root = null;
        }
        if (root != null) {
            p.put("git_commit", git(root, "rev-parse", "HEAD"));
            String status = git(root, "status", "--porcelain", "--untracked-files=no");
            p.put("git_dirty", status == null ? null : !status.isBlank());
        }
        p.put("java_version", System.getProperty("java.version"));
        p.put("java_vm", System.getProperty("java.vm.name"));
        p.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        p.put("cores", Runtime.getRuntime().availableProcessors());
        p.put("nd4j_version", "1.0.0-M2.1");
        try {
            p.put("nd4j_backend", org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName());
            p.put("nd4j_blas", org.nd4j.linalg.factory.Nd4j.getBlasWrapper().getClass().getSimpleName());
        } catch (Throwable t) {
            p.put("nd4j_backend", "unavailable: " + t.getMessage());
        }
        return p;
    }

    /** Runs {@code git -C root args...}; its trimmed output, or null when git fails or is missing. */
    static String git(Path root, String... args) {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "git";
        cmd[1] = "-C";
        cmd[2] = root.toString();
        System.arraycopy(args, 0, cmd, 3, args.length);
        try {
            Process pr = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!pr.waitFor(10, TimeUnit.SECONDS) || pr.exitValue() != 0) {
                return null;
            }
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
