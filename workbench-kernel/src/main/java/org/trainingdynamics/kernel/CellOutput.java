package org.trainingdynamics.kernel;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Standard output or error of a running cell, sent to Jupyter as {@code stream} messages while the cell runs:
 * text is buffered and published when a line ends and at most every {@value #MIN_INTERVAL_MS} ms (so a loop
 * printing thousands of lines sends a few messages per second, not thousands), when the buffer grows large,
 * and at the end of the cell ({@link #flushNow}).
 */
final class CellOutput extends OutputStream {
    static final long MIN_INTERVAL_MS = 50;
    private static final int MAX_BUFFER = 64 * 1024;

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private volatile Consumer<String> sink;
    private long lastSent;

    /** Sets where text goes (null: discard, between cells). */
    synchronized void attach(Consumer<String> target) {
        this.sink = target;
        this.lastSent = 0;
    }

    @Override
    public synchronized void write(int b) {
        buffer.write(b);
        if (b == '\n') {
            maybeSend(false);
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        buffer.write(b, off, len);
        boolean newline = false;
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                newline = true;
                break;
            }
        }
        if (newline || buffer.size() > MAX_BUFFER) {
            maybeSend(buffer.size() > MAX_BUFFER);
        }
    }

    @Override
    public synchronized void flush() {
        maybeSend(false);
    }

    /** Sends whatever is buffered now. */
    synchronized void flushNow() {
        send();
    }

    /** Called periodically by the kernel so partial lines and throttled text appear while a cell runs. */
    synchronized void tick() {
        if (buffer.size() > 0 && System.currentTimeMillis() - lastSent >= MIN_INTERVAL_MS) {
            send();
        }
    }

    private void maybeSend(boolean force) {
        if (force || System.currentTimeMillis() - lastSent >= MIN_INTERVAL_MS) {
            send();
        }
    }

    private void send() {
        if (buffer.size() == 0) {
            return;
        }
        String text = buffer.toString(StandardCharsets.UTF_8);
        buffer.reset();
        lastSent = System.currentTimeMillis();
        Consumer<String> s = sink;
        if (s != null) {
            s.accept(text);
        }
    }
}
