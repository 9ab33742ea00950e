package org.trainingdynamics.kernel;

import java.util.Locale;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.trainingdynamics.study.Progress;

/**
 * The notebook form of the library's {@link Progress}: an HTML progress bar in the cell's output, updated in
 * place at most every {@value #MIN_UPDATE_MS} ms (about 5 Hz) and once more when the task ends. Each step
 * checks for interruption, so Jupyter's Interrupt stops library loops.
 */
final class NotebookProgress implements Progress {
    static final long MIN_UPDATE_MS = 200;

    private final WorkbenchKernel kernel;
    private final String task;
    private final long total;
    private final long startNanos = System.nanoTime();
    private final String displayId;
    private long done;
    private String status = "";
    private long lastUpdate;
    private boolean closed;

    NotebookProgress(WorkbenchKernel kernel, String task, long total) {
        this.kernel = kernel;
        this.task = task;
        this.total = total;
        this.displayId = kernel.displayNew(html(false));
        this.lastUpdate = System.currentTimeMillis();
    }

    @Override
    public void step(long n) {
        Progress.checkInterrupted();
        synchronized (this) {
            done += n;
            maybeUpdate();
        }
    }

    @Override
    public synchronized void status(String text) {
        status = text == null ? "" : text;
        maybeUpdate();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        update(true);
    }

    private void maybeUpdate() {
        if (System.currentTimeMillis() - lastUpdate >= MIN_UPDATE_MS) {
            update(false);
        }
    }

    private void update(boolean finished) {
        lastUpdate = System.currentTimeMillis();
        if (displayId != null) {
            kernel.displayUpdate(displayId, html(finished));
        }
    }

    private DisplayData html(boolean finished) {
        double secs = (System.nanoTime() - startNanos) / 1e9;
        String count = total > 0 ? done + "/" + total + String.format(Locale.ROOT, " (%.0f%%)", 100.0 * done / total)
                : String.valueOf(done);
        String bar = total > 0 ? "<progress value=\"" + Math.min(done, total) + "\" max=\"" + total + "\"></progress>"
                : "<progress></progress>";
        String text = task + ": " + count + String.format(Locale.ROOT, " %.1f s", secs)
                + (status.isEmpty() ? "" : " " + status) + (finished ? " done" : "");
        DisplayData d = new DisplayData(text);
        d.putHTML("<div class=\"workbench-progress\"><b>" + Displays.escape(task) + "</b> " + bar + " "
                + Displays.escape(count) + String.format(Locale.ROOT, " &middot; %.1f s", secs)
                + (status.isEmpty() ? "" : " &middot; " + Displays.escape(status))
                + (finished ? " &middot; done" : "") + "</div>");
        return d;
    }
}
