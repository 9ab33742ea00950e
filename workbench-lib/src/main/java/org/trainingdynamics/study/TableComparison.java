package org.trainingdynamics.study;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Cell-by-cell comparison of two CSV tables (a bundled result table and its re-generated twin). With
 * {@code rtol = 0} every cell's text must be identical (so {@code 0.1} and {@code 0.10} differ); with
 * {@code rtol > 0} two cells that both parse as numbers match when {@code |a - b| <= rtol * max(|a|, |b|)}
 * (NaN matches NaN, equal infinities match), and any other cells must be identical text. The header row is
 * always compared as text. Quoted fields (RFC 4180: commas, doubled quotes and line breaks inside quotes) are
 * understood, so quoting and line endings alone never make a difference.
 */
public final class TableComparison {
    private TableComparison() {
    }

    /**
     * Outcome of one comparison.
     *
     * @param match          whether the tables match under the tolerance
     * @param cells          cells compared
     * @param differing      cells that did not match
     * @param maxRelativeDiff largest relative difference seen between numeric cells (0 when none differ)
     * @param detail         one readable line: what matched, or the first difference and the counts
     */
    public record Result(boolean match, long cells, long differing, double maxRelativeDiff, String detail) {
    }

    /** Compares two CSV files (see the class comment). */
    public static Result compare(Path expected, Path actual, double rtol) {
        return compare(read(expected), read(actual), rtol);
    }

    /** Compares two CSV texts (see the class comment). */
    public static Result compare(String expectedCsv, String actualCsv, double rtol) {
        if (!(rtol >= 0) || Double.isInfinite(rtol)) {
            throw new IllegalArgumentException("rtol must be a finite number >= 0, got " + rtol);
        }
        List<List<String>> a = parse(expectedCsv);
        List<List<String>> b = parse(actualCsv);
        if (a.isEmpty() || b.isEmpty()) {
            boolean both = a.isEmpty() && b.isEmpty();
            return new Result(both, 0, both ? 0 : 1, 0, both ? "both empty" : "one table is empty, the other is not");
        }
        if (!a.get(0).equals(b.get(0))) {
            return new Result(false, 0, 1, 0, "header differs: expected " + a.get(0) + ", got " + b.get(0));
        }
        if (a.size() != b.size()) {
            return new Result(false, 0, 1, 0, "row count differs: expected " + (a.size() - 1) + ", got " + (b.size() - 1));
        }
        List<String> header = a.get(0);
        long cells = 0;
        long differing = 0;
        double maxRel = 0;
        String first = null;
        for (int r = 1; r < a.size(); r++) {
            List<String> ra = a.get(r);
            List<String> rb = b.get(r);
            if (ra.size() != rb.size()) {
                differing++;
                if (first == null) {
                    first = "row " + r + " has " + rb.size() + " fields, expected " + ra.size();
                }
                continue;
            }
            for (int c = 0; c < ra.size(); c++) {
                cells++;
                String x = ra.get(c);
                String y = rb.get(c);
                if (x.equals(y)) {
                    continue;
                }
                double rel = relativeDiff(x, y);
                if (!Double.isNaN(rel)) {
                    maxRel = Math.max(maxRel, rel);
                }
                if (rtol > 0 && !Double.isNaN(rel) && rel <= rtol) {
                    continue;
                }
                differing++;
                if (first == null) {
                    String col = c < header.size() ? "'" + header.get(c) + "'" : "#" + (c + 1);
                    first = "row " + r + ", column " + col + ": expected " + x + ", got " + y;
                }
            }
        }
        if (differing == 0) {
            String how = rtol == 0 ? "identical" : (maxRel == 0 ? "identical" : "within rtol " + rtol + " (max relative difference " + fmt(maxRel) + ")");
            return new Result(true, cells, 0, maxRel, (a.size() - 1) + " rows, " + cells + " cells " + how);
        }
        return new Result(false, cells, differing, maxRel, differing + " of " + cells + " cells differ"
                + (maxRel > 0 ? " (max relative difference " + fmt(maxRel) + ")" : "") + "; first: " + first);
    }

    /** Relative difference of two numeric cells, 0 for NaN/NaN or equal infinities, NaN when either is not a number. */
    static double relativeDiff(String x, String y) {
        Double a = number(x);
        Double b = number(y);
        if (a == null || b == null) {
            return Double.NaN;
        }
        if (a.isNaN() || b.isNaN()) {
            return a.isNaN() && b.isNaN() ? 0 : Double.POSITIVE_INFINITY;
        }
        if (a.equals(b) || a.doubleValue() == b.doubleValue()) {
            return 0;
        }
        if (a.isInfinite() || b.isInfinite()) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
    }

    private static Double number(String s) {
        String t = s.trim();
        if (t.isEmpty()) {
            return null;
        }
        try {
            return Double.valueOf(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.3g", v);
    }

    private static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read table " + f + ": " + e.getMessage(), e);
        }
    }

    /** Parses CSV text into rows of fields (RFC 4180 quoting; CRLF or LF line ends; no trailing empty row). */
    static List<List<String>> parse(String csv) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        int n = csv.length();
        for (int i = 0; i < n; i++) {
            char ch = csv.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < n && csv.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(ch);
                }
                continue;
            }
            if (ch == '"') {
                quoted = true;
                any = true;
            } else if (ch == ',') {
                row.add(field.toString());
                field.setLength(0);
                any = true;
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r' && i + 1 < n && csv.charAt(i + 1) == '\n') {
                    i++;
                }
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                any = false;
            } else {
                field.append(ch);
                any = true;
            }
        }
        if (any || field.length() > 0 || !row.isEmpty()) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
