package org.trainingdynamics.study;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.knowm.xchart.internal.chartpart.Chart;
import org.trainingdynamics.trajectory.AtomicFiles;
import org.trainingdynamics.trajectory.Metrics;
import org.trainingdynamics.viz.Figures;
import tech.tablesaw.api.Table;

/**
 * One study run (a notebook or a CLI job): where its results go, the scale profile, the seeds it used,
 * and its provenance. Figures are saved as PNG+SVG under {@code figures/}, tables as CSV under
 * {@code tables/}, and {@link #finish()} writes {@code provenance-java.json} (git commit and dirty flag,
 * JVM, ND4J version and back end, profile, seeds, wall time, and the data sets opened through
 * {@link #data(String)} with their content hashes).
 *
 * <p>The results folder is {@code $WORKBENCH_RESULTS_DIR} when set (the reproduce runner sets it per
 * notebook), else {@code <root>/results/<name>}, where the root is {@code $WORKBENCH_ROOT} or the nearest
 * folder above the working directory that holds the {@code workbench} launcher.
 */
public final class Study {
    private final String name;
    private final Path dir;
    private final Profile profile;
    private final Map<String, Long> seeds = new LinkedHashMap<>();
    private final long startNanos = System.nanoTime();
    private final Instant started = Instant.now();

    private Study(String name, Path dir, Profile profile) {
        this.name = name;
        this.dir = dir;
        this.profile = profile;
    }

    /** Starts a study named {@code name} under the current profile. */
    public static Study start(String name) {
        String env = System.getenv("WORKBENCH_RESULTS_DIR");
        Path dir = env != null && !env.isBlank() ? Path.of(env) : root().resolve("results").resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create results folder " + dir + ": " + e.getMessage(), e);
        }
        return new Study(name, dir, Profile.current());
    }

    /** The project root: {@code $WORKBENCH_ROOT}, or the nearest ancestor of the working directory holding {@code workbench}. */
    public static Path root() {
        String env = System.getenv("WORKBENCH_ROOT");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("workbench")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the workbench root above " + Path.of("").toAbsolutePath()
                + "; set WORKBENCH_ROOT");
    }

    /**
     * A bundled data set (trajectory folder or file) by name, e.g. {@code data("grokking-mlp-wd1")}: a path under
     * the data folder ({@code <root>/data}, or {@code $WORKBENCH_DATA}; see {@link DataSets}). The name is
     * recorded, and {@link #finish()} writes every data set used, with its content SHA-256, into provenance.
     */
    public static Path data(String name) {
        return DataSets.use(name);
    }

    /** Study name. */
    public String name() {
        return name;
    }

    /** Results folder. */
    public Path dir() {
        return dir;
    }

    /** Scale profile in force. */
    public Profile profile() {
        return profile;
    }

    /** Records a seed used by the study (for provenance) and returns it. */
    public long seed(String what, long seed) {
        seeds.put(what, seed);
        return seed;
    }

    /** Saves a chart as {@code figures/<name>.png} and {@code .svg}; returns the chart for display. */
    public <C extends Chart<?, ?>> C save(C chart, String figureName) {
        Figures.save(chart, dir.resolve("figures").resolve(figureName));
        return chart;
    }

    /** Saves a table as {@code tables/<name>.csv}; returns the table for display. */
    public Table save(Table table, String tableName) {
        Path f = dir.resolve("tables").resolve(tableName + ".csv");
        if (table.columnNames().contains("step")) {
            Metrics.writeCsv(table, f);
        } else {
            writeCsv(table, f);
        }
        return table;
    }

    private static void writeCsv(Table table, Path f) {
        java.io.StringWriter w = new java.io.StringWriter();
        table.write().csv(w);
        AtomicFiles.writeString(f, w.toString());
    }

    /** Writes {@code provenance-java.json} and returns its content. */
    public Map<String, Object> finish() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("study", name);
        p.put("profile", profile.label());
        p.put("started", started.toString());
        p.put("wall_seconds", (System.nanoTime() - startNanos) / 1e9);
        p.put("seeds", seeds);
        p.put("data", DataSets.used().stream().map(DataSets.DataSet::toMap).toList());
        p.putAll(Provenance.environment());
        try {
            AtomicFiles.writeString(dir.resolve("provenance-java.json"),
                    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
