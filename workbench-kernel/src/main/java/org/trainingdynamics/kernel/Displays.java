package org.trainingdynamics.kernel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.dflib.jjava.jupyter.kernel.display.RenderContext;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.nd4j.linalg.api.ndarray.INDArray;
import tech.tablesaw.api.Table;

/**
 * Rich display of the workbench's types in notebooks:
 * <ul>
 *   <li>XChart charts: {@code image/png}; {@code image/svg+xml} on request ({@code display(chart, "image/svg+xml")}:
 *       an SVG is about 20 times larger than the PNG, so it is not put in every notebook);</li>
 *   <li>Tablesaw tables: {@code text/html} with at most {@link #TABLE_ROWS} rows (first and last rows when
 *       longer) and a caption with the table's name and size, plus a {@code text/plain} rendering;</li>
 *   <li>ND4J arrays: a shape/dtype header and ND4J's (truncating) values, as text and HTML;</li>
 *   <li>records with a public no-argument {@code toTable()} returning a Table (the workbench's result
 *       records): that table, captioned with the record's type; other records: their {@code toString}.</li>
 * </ul>
 */
final class Displays {
    /** Most table rows shown inline. */
    static final int TABLE_ROWS = 20;

    private Displays() {
    }

    static void register(Renderer r) {
        r.createRegistration(Chart.class)
                .preferring(MIMEType.IMAGE_PNG, MIMEType.TEXT_PLAIN)
                .supporting(MIMEType.IMAGE_SVG)
                .register(Displays::renderChart);
        r.createRegistration(Table.class)
                .preferring(MIMEType.TEXT_HTML, MIMEType.TEXT_PLAIN)
                .register((t, ctx) -> renderTable(t, t.name(), ctx));
        r.createRegistration(INDArray.class)
                .preferring(MIMEType.TEXT_HTML, MIMEType.TEXT_PLAIN)
                .register(Displays::renderArray);
        r.createRegistration(Record.class)
                .preferring(MIMEType.TEXT_HTML, MIMEType.TEXT_PLAIN)
                .register(Displays::renderRecord);
    }

    private static void renderChart(Chart<?, ?> chart, RenderContext ctx) {
        ctx.renderIfRequested(MIMEType.IMAGE_PNG, () -> {
            try {
                return Base64.getEncoder().encodeToString(
                        BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        ctx.renderIfRequested(MIMEType.IMAGE_SVG, () -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // inline SVG starts at the <svg> element: an XML declaration or DOCTYPE breaks HTML export (nbconvert)
            String svg = out.toString(StandardCharsets.UTF_8);
            int start = svg.indexOf("<svg");
            return start > 0 ? svg.substring(start) : svg;
        });
        ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> chart.getClass().getSimpleName() + " \""
                + chart.getTitle() + "\" (" + chart.getWidth() + "x" + chart.getHeight() + ")");
    }

    private static void renderTable(Table t, String caption, RenderContext ctx) {
        ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> tableHtml(t, caption));
        ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> t.print(TABLE_ROWS));
    }

    /** HTML of a table: caption, header, first rows (and the last few when longer than {@link #TABLE_ROWS}). */
    static String tableHtml(Table t, String caption) {
        int rows = t.rowCount();
        int cols = t.columnCount();
        StringBuilder sb = new StringBuilder(256 + 32 * Math.min(rows, TABLE_ROWS) * Math.max(1, cols));
        sb.append("<table class=\"workbench-table\" style=\"font-size:90%\"><caption style=\"text-align:left\"><b>")
                .append(escape(caption == null || caption.isBlank() ? "table" : caption)).append("</b> &mdash; ")
                .append(rows).append(" rows &times; ").append(cols).append(" columns");
        int head = rows;
        int tail = 0;
        if (rows > TABLE_ROWS) {
            head = TABLE_ROWS - 5;
            tail = 5;
            sb.append(" (showing first ").append(head).append(" and last ").append(tail).append(")");
        }
        sb.append("</caption><thead><tr>");
        for (String name : t.columnNames()) {
            sb.append("<th>").append(escape(name)).append("</th>");
        }
        sb.append("</tr></thead><tbody>");
        for (int r = 0; r < head; r++) {
            row(t, r, sb);
        }
        if (tail > 0) {
            sb.append("<tr>");
            for (int c = 0; c < cols; c++) {
                sb.append("<td>&hellip;</td>");
            }
            sb.append("</tr>");
            for (int r = rows - tail; r < rows; r++) {
                row(t, r, sb);
            }
        }
        return sb.append("</tbody></table>").toString();
    }

    private static void row(Table t, int r, StringBuilder sb) {
        sb.append("<tr>");
        for (int c = 0; c < t.columnCount(); c++) {
            sb.append("<td>").append(escape(t.getString(r, c))).append("</td>");
        }
        sb.append("</tr>");
    }

    private static void renderArray(INDArray a, RenderContext ctx) {
        String header = "INDArray " + a.dataType().name().toLowerCase() + " " + Arrays.toString(a.shape())
                + " (" + a.length() + " elements" + (a.ordering() == 'f' ? ", Fortran order" : "") + ")";
        ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> header + "\n" + a);
        ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> "<div><b>" + escape(header) + "</b><pre>" + escape(a.toString())
                + "</pre></div>");
    }

    private static void renderRecord(Record rec, RenderContext ctx) {
        Table table = toTable(rec);
        if (table != null) {
            renderTable(table, rec.getClass().getSimpleName()
                    + (table.name() == null || table.name().isBlank() ? "" : ": " + table.name()), ctx);
        } else {
            ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> "<pre>" + escape(String.valueOf(rec)) + "</pre>");
            ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> String.valueOf(rec));
        }
    }

    /** The record's {@code toTable()} result, or null when it has no such public method. */
    static Table toTable(Record rec) {
        try {
            Method m = rec.getClass().getMethod("toTable");
            if (!Table.class.isAssignableFrom(m.getReturnType())) {
                return null;
            }
            m.setAccessible(true);
            return (Table) m.invoke(rec);
        } catch (NoSuchMethodException e) {
            return null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException(rec.getClass().getSimpleName() + ".toTable() failed: " + cause, cause);
        }
    }

    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }
}
