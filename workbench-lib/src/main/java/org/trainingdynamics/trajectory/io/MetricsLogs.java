package org.trainingdynamics.trajectory.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.trainingdynamics.trajectory.Metrics;
import org.trainingdynamics.trajectory.TrajectoryFormatException;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

/**
 * Training logs merged into one metrics table keyed by step. Reads CSV (a header row with a {@code step}
 * column, or {@code global_step}), JSON (an array of objects, an object with a {@code log_history} array as
 * in Hugging Face's {@code trainer_state.json}, or JSON Lines), each record carrying a {@code step}. Numeric
 * values become double columns; other values are ignored. Records with the same step are merged; when two
 * records give different values for the same step and metric, the later one (later file, later line) wins.
 */
public final class MetricsLogs {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, TreeMap<Long, Double>> columns = new LinkedHashMap<>();

    /** An empty log collection. */
    public MetricsLogs() {
    }

    /** Adds a CSV or JSON/JSONL log file (chosen by extension: .csv, .json, .jsonl). */
    public MetricsLogs add(Path file) {
        String n = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new TrajectoryFormatException(file, "metrics log not found");
        } catch (IOException e) {
            throw new TrajectoryFormatException(file, "cannot read metrics log: " + e.getMessage());
        }
        if (n.endsWith(".csv") || n.endsWith(".tsv")) {
            addCsv(file, text, n.endsWith(".tsv") ? '\t' : ',');
        } else if (n.endsWith(".jsonl") || n.endsWith(".ndjson")) {
            int line = 0;
            for (String l : text.split("\n")) {
                line++;
                if (!l.isBlank()) {
                    addRecord(file, parse(file, l, line), "line " + line);
                }
            }
        } else if (n.endsWith(".json")) {
            addJson(file, parse(file, text, 0));
        } else {
            throw new TrajectoryFormatException(file, "unknown metrics log type (expected .csv, .tsv, .json or .jsonl)");
        }
        return this;
    }

    /** Adds one record (e.g. a {@code log_history} entry); it must hold a numeric {@code step}. */
    public MetricsLogs add(long step, Map<String, ? extends Number> values) {
        values.forEach((k, v) -> {
            if (v != null && !k.equals("step")) {
                columns.computeIfAbsent(k, x -> new TreeMap<>()).put(step, v.doubleValue());
            }
        });
        return this;
    }

    /** True when nothing has been added. */
    public boolean isEmpty() {
        return columns.isEmpty();
    }

    /** The merged table: a {@code step} column (sorted, unique) and one double column per metric, missing as NaN. */
    public Table toTable() {
        TreeSet<Long> steps = new TreeSet<>();
        columns.values().forEach(m -> steps.addAll(m.keySet()));
        LongColumn step = LongColumn.create("step");
        steps.forEach(step::append);
        Table t = Table.create("metrics", step);
        for (Map.Entry<String, TreeMap<Long, Double>> e : columns.entrySet()) {
            DoubleColumn c = DoubleColumn.create(e.getKey());
            for (long s : steps) {
                Double v = e.getValue().get(s);
                if (v == null) {
                    c.appendMissing();
                } else {
                    c.append(v);
                }
            }
            t.addColumns(c);
        }
        return t;
    }

    private static JsonNode parse(Path file, String text, int line) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            String msg = e.getMessage() == null ? "" : e.getMessage().split("\n")[0];
            throw new TrajectoryFormatException(file, "invalid JSON" + (line > 0 ? " on line " + line : "") + ": " + msg);
        }
    }

    private void addJson(Path file, JsonNode root) {
        JsonNode records = root;
        if (root != null && root.isObject() && root.has("log_history")) {
            records = root.get("log_history");
        }
        if (records == null || !records.isArray()) {
            throw new TrajectoryFormatException(file, "expected a JSON array of records with a 'step', or an object with "
                    + "a 'log_history' array");
        }
        int i = 0;
        for (JsonNode r : records) {
            addRecord(file, r, "record " + i++);
        }
    }

    private void addRecord(Path file, JsonNode r, String where) {
        if (r == null || !r.isObject()) {
            throw new TrajectoryFormatException(file, where + " is not a JSON object");
        }
        JsonNode s = r.has("step") ? r.get("step") : r.get("global_step");
        if (s == null || !s.isNumber() || s.asDouble() != Math.rint(s.asDouble())) {
            throw new TrajectoryFormatException(file, where + " has no integer 'step'");
        }
        long step = s.asLong();
        for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("step") || e.getKey().equals("global_step")) {
                continue;
            }
            JsonNode v = e.getValue();
            if (v.isNumber()) {
                columns.computeIfAbsent(e.getKey(), x -> new TreeMap<>()).put(step, v.asDouble());
            } else if (v.isTextual() && (v.asText().equals("NaN") || v.asText().equals("Infinity")
                    || v.asText().equals("-Infinity"))) {
                columns.computeIfAbsent(e.getKey(), x -> new TreeMap<>()).put(step, Double.parseDouble(v.asText()));
            }
        }
    }

    private void addCsv(Path file, String text, char sep) {
        String[] lines = text.split("\r?\n");
        if (lines.length == 0 || lines[0].isBlank()) {
            throw new TrajectoryFormatException(file, "empty metrics CSV");
        }
        String[] head = fields(file, 1, lines[0], sep);
        int stepCol = -1;
        for (int i = 0; i < head.length; i++) {
            head[i] = head[i].trim();
            if (stepCol < 0 && (head[i].equals("step") || head[i].equals("global_step"))) {
                stepCol = i;
            }
        }
        if (stepCol < 0) {
            throw new TrajectoryFormatException(file, "metrics CSV has no 'step' column (header: " + lines[0] + ")");
        }
        List<TreeMap<Long, Double>> cols = new ArrayList<>();
        for (int i = 0; i < head.length; i++) {
            cols.add(i == stepCol ? null : columns.computeIfAbsent(head[i], x -> new TreeMap<>()));
        }
        for (int li = 1; li < lines.length; li++) {
            if (lines[li].isBlank()) {
                continue;
            }
            String[] f = fields(file, li + 1, lines[li], sep);
            if (f.length != head.length) {
                throw new TrajectoryFormatException(file, "line " + (li + 1) + " has " + f.length + " fields, header has "
                        + head.length);
            }
            long step;
            try {
                double d = Double.parseDouble(f[stepCol].trim());
                if (d != Math.rint(d)) {
                    throw new NumberFormatException();
                }
                step = (long) d;
            } catch (NumberFormatException e) {
                throw new TrajectoryFormatException(file, "line " + (li + 1) + ": step '" + f[stepCol] + "' is not an integer");
            }
            for (int i = 0; i < f.length; i++) {
                if (i == stepCol) {
                    continue;
                }
                String v = f[i].trim();
                if (v.isEmpty()) {
                    continue;
                }
                try {
                    cols.get(i).put(step, Double.parseDouble(v));
                } catch (NumberFormatException e) {
                    // non-numeric cell (e.g. a phase label): not a metric
                }
            }
        }
        columns.values().removeIf(Map::isEmpty);
    }

    private static String[] fields(Path file, int lineNo, String line, char sep) {
        try {
            return Metrics.splitCsvLine(line, sep).toArray(String[]::new);
        } catch (IllegalArgumentException e) {
            throw new TrajectoryFormatException(file, "line " + lineNo + ": unterminated quoted field");
        }
    }
}
