package org.trainingdynamics.study;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bundled data sets (trajectories and files under {@code data/}) a study opens through
 * {@link Study#data(String)}: where a name resolves, and which names this JVM (one notebook kernel) has used, so
 * {@link Study#finish()} can record them in provenance with a content hash ({@link ContentHash}) and
 * {@code ./workbench bundle} can embed or reference them.
 *
 * <p>The data folder is the {@code workbench.data} system property, else {@code $WORKBENCH_DATA}, else
 * {@code <root>/data}. {@code ./workbench verify} points {@code WORKBENCH_DATA} at the data sets carried by a
 * bundle when it re-runs the study.
 */
public final class DataSets {
    /** Environment variable (and, lower-cased with a dot, system property) naming the data folder. */
    public static final String ENV = "WORKBENCH_DATA";

    private static final Map<String, Path> USED = new LinkedHashMap<>();

    private DataSets() {
    }

    /**
     * One data set a study used: its name under the data folder, its path (relative to the project root when it
     * lies under it, else absolute), the content SHA-256 of its files, their total size and count.
     */
    public record DataSet(String name, String path, String sha256, long bytes, int files) {
        /** As a JSON-compatible map (the provenance form). */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("path", path);
            m.put("sha256", sha256);
            m.put("bytes", bytes);
            m.put("files", files);
            return m;
        }
    }

    /** The data folder in force (see the class comment). */
    public static Path folder() {
        String v = System.getProperty("workbench.data", System.getenv(ENV));
        if (v != null && !v.isBlank()) {
            return Path.of(v).toAbsolutePath();
        }
        return Study.root().resolve("data");
    }

    /**
     * Resolves {@code name} (a relative path such as {@code grokking-mlp-wd1} or {@code sparse-parity/seed-0})
     * against the data folder and records it as used. Names that are absolute or climb out of the data folder
     * are refused.
     */
    public static Path use(String name) {
        String n = check(name);
        Path p = folder().resolve(n);
        synchronized (USED) {
            USED.put(n, p);
        }
        return p;
    }

    /** Checks a data set name and returns it in normal form ('/'-separated, no {@code .} segments). */
    public static String check(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("data set name is empty");
        }
        Path p = Path.of(name).normalize();
        if (p.isAbsolute() || p.toString().isEmpty() || p.startsWith("..")) {
            throw new IllegalArgumentException("data set name '" + name + "' must be a relative path inside the data folder");
        }
        return p.toString().replace(java.io.File.separatorChar, '/');
    }

    /**
     * The data sets used so far in this JVM that exist on disk, in first-use order, each with its content hash
     * (computed now). A name that was only probed and does not exist is left out.
     */
    public static List<DataSet> used() {
        Map<String, Path> copy;
        synchronized (USED) {
            copy = new LinkedHashMap<>(USED);
        }
        Path root;
        try {
            root = Study.root().toAbsolutePath().normalize();
        } catch (IllegalStateException e) {
            root = null;
        }
        List<DataSet> out = new ArrayList<>();
        for (Map.Entry<String, Path> e : copy.entrySet()) {
            Path p = e.getValue().toAbsolutePath().normalize();
            if (!Files.exists(p)) {
                continue;
            }
            String shown = root != null && p.startsWith(root) ? root.relativize(p).toString().replace(java.io.File.separatorChar, '/')
                    : p.toString();
            int files = Files.isDirectory(p) ? ContentHash.files(p).size() : 1;
            out.add(new DataSet(e.getKey(), shown, ContentHash.of(p), ContentHash.size(p), files));
        }
        return out;
    }

    /** Forgets the data sets used so far (a JVM that runs several studies in turn calls it between them). */
    public static void clear() {
        synchronized (USED) {
            USED.clear();
        }
    }
}
