package org.trainingdynamics.trajectory;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/** Reading and writing the metrics table of a trajectory ({@code metrics.csv}: a {@code step} column plus metrics). */
public final class Metrics {
    private Metrics() {
    }

    /** An empty metrics table with only a {@code step} column. */
    public static Table empty() {
        return Table.create("metrics", LongColumn.create("step"));
    }

    /**
     * Reads a metrics CSV. A trailing line without its newline (a writer killed mid-line) is dropped;
     * {@code step} is read as a long column and every other column as double.
     */
    public static Table readCsv(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            return empty();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        int lastNl = text.lastIndexOf('\n');
        text = lastNl < 0 ? "" : text.substring(0, lastNl + 1);
        if (text.isBlank()) {
            return empty();
        }
        String header = text.substring(0, text.indexOf('\n'));
        List<String> cols = splitCsvLine(header, ',');
        ColumnType[] types = new ColumnType[cols.size()];
        boolean hasStep = false;
        for (int i = 0; i < cols.size(); i++) {
            boolean step = cols.get(i).trim().equals("step");
            hasStep |= step;
            types[i] = step ? ColumnType.LONG : ColumnType.DOUBLE;
        }
        if (!hasStep) {
            throw new TrajectoryFormatException(file, "metrics CSV has no 'step' column (header: " + header + ")");
        }
        try {
            return Table.read().usingOptions(CsvReadOptions.builder(new StringReader(text)).tableName("metrics")
                    .columnTypes(types).missingValueIndicator("", "nan", "NaN").build());
        } catch (RuntimeException e) {
            throw new TrajectoryFormatException(file, "unreadable metrics CSV: " + e.getMessage());
        }
    }

    /** Writes a metrics table as CSV atomically. */
    public static void writeCsv(Table table, Path file) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < table.columnCount(); c++) {
            sb.append(c > 0 ? "," : "").append(quote(table.column(c).name()));
        }
        sb.append('\n');
        for (int r = 0; r < table.rowCount(); r++) {
            for (int c = 0; c < table.columnCount(); c++) {
                if (c > 0) {
                    sb.append(',');
                }
                sb.append(cell(table.column(c), r));
            }
            sb.append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    /** A CSV cell: integers and doubles at full precision (round-trip exact), missing as empty. */
    static String cell(tech.tablesaw.columns.Column<?> col, int r) {
        if (col.isMissing(r)) {
            return "";
        }
        if (col instanceof tech.tablesaw.api.LongColumn l) {
            return Long.toString(l.getLong(r));
        }
        if (col instanceof tech.tablesaw.api.IntColumn i) {
            return Integer.toString(i.getInt(r));
        }
        if (col instanceof tech.tablesaw.api.NumberColumn<?, ?> n) {
            return Double.toString(n.getDouble(r));
        }
        return quote(col.getString(r));
    }

    /** A CSV field, quoted (RFC 4180) when it holds a comma, a quote or a line break. */
    static String quote(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")
                ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /**
     * Splits one CSV line into fields following RFC 4180: a field in double quotes may hold the separator, and
     * {@code ""} inside it is one quote. Quoted fields spanning several lines are not supported.
     *
     * @throws IllegalArgumentException if a quoted field is not closed on the line
     */
    public static List<String> splitCsvLine(String line, char sep) {
        List<String> fields = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    f.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == sep) {
                fields.add(f.toString());
                f.setLength(0);
            } else {
                f.append(ch);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quoted field in CSV line: " + line);
        }
        fields.add(f.toString());
        return fields;
    }
}
