package org.trainingdynamics.kernel;

import org.dflib.jjava.jupyter.kernel.display.DisplayData;

/**
 * Helpers available in every cell (statically imported by the kernel): show objects as rich output and
 * update an output in place.
 *
 * <pre>{@code
 * String id = display(chart);        // shows it now, returns the display id
 * updateDisplay(id, newerChart);      // replaces that output
 * display(table, "text/plain");       // only the listed MIME types
 * display(chart, "image/svg+xml");    // a chart as SVG (charts are PNG by default)
 * html("<b>bold</b>")                // a trailing expression: shown as HTML
 * }</pre>
 */
public final class Notebook {
    private Notebook() {
    }

    /** Shows {@code o} as a new output of the running cell; returns its display id. */
    public static String display(Object o) {
        return kernel().displayNew(o);
    }

    /** Shows {@code o} rendered as the given MIME types only; returns its display id. */
    public static String display(Object o, String... mimeTypes) {
        return kernel().displayNew(o, mimeTypes);
    }

    /** Replaces the output with display id {@code id} by {@code o}. */
    public static void updateDisplay(String id, Object o) {
        kernel().displayUpdate(id, o);
    }

    /** Replaces the output {@code id} by {@code o} rendered as the given MIME types. */
    public static void updateDisplay(String id, Object o, String... mimeTypes) {
        kernel().displayUpdate(id, o, mimeTypes);
    }

    /** The rich rendering of {@code o} (as a trailing expression, it becomes the cell's result). */
    public static DisplayData render(Object o) {
        return kernel().getRenderer().render(o);
    }

    /** The rendering of {@code o} as the given MIME types only (e.g. {@code render(chart, "image/svg+xml")}). */
    public static DisplayData render(Object o, String... mimeTypes) {
        return kernel().getRenderer().renderAs(o, mimeTypes);
    }

    /** HTML to show as a result or with {@link #display(Object)}. */
    public static DisplayData html(String html) {
        DisplayData d = new DisplayData(html.replaceAll("<[^>]*>", ""));
        d.putHTML(html);
        return d;
    }

    /** Markdown to show as a result or with {@link #display(Object)}. */
    public static DisplayData markdown(String markdown) {
        DisplayData d = new DisplayData(markdown);
        d.putMarkdown(markdown);
        return d;
    }

    private static WorkbenchKernel kernel() {
        WorkbenchKernel k = WorkbenchKernel.current();
        if (k == null) {
            throw new IllegalStateException("display helpers work only inside the workbench Jupyter kernel");
        }
        return k;
    }
}
