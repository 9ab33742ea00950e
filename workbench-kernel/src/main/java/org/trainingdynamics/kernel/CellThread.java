package org.trainingdynamics.kernel;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread on which cell code runs (JShell compiles on the caller's thread; the snippets' code runs here).
 * Interrupt first sets the thread's interrupt flag (library loops check it in {@code Progress.step()}); if the
 * cell is still running after a grace period, the thread is stopped, as JShell's own local engine does.
 */
final class CellThread {
    private static final Logger LOG = LoggerFactory.getLogger(CellThread.class);
    private static final long STOP_GRACE_MS = 3000;

    private final ExecutorService executor;
    private volatile Thread thread;
    private volatile boolean inUserCode;
    private volatile long cellSerial;

    CellThread(ClassLoader contextLoader) {
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cell");
            t.setDaemon(true);
            t.setContextClassLoader(contextLoader);
            thread = t;
            return t;
        });
    }

    /** The cell thread (null before the first cell). */
    Thread thread() {
        return thread;
    }

    /** Runs cell code on the cell thread and waits; nested calls from cell code run directly. */
    Object call(Callable<Object> code) throws Exception {
        if (Thread.currentThread() == thread) {
            return code.call();
        }
        Future<Object> f = executor.submit(() -> {
            Thread.interrupted();
            cellSerial++;
            inUserCode = true;
            try {
                return code.call();
            } finally {
                inUserCode = false;
                Thread.interrupted();
            }
        });
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw (Error) cause;
        }
    }

    /** Asks running cell code to stop: interrupt now, stop the thread after a grace period. */
    void interrupt() {
        Thread t = thread;
        if (t == null || !inUserCode) {
            return;
        }
        long serial = cellSerial;
        t.interrupt();
        Thread watchdog = new Thread(() -> {
            try {
                TimeUnit.MILLISECONDS.sleep(STOP_GRACE_MS);
            } catch (InterruptedException e) {
                return;
            }
            if (inUserCode && cellSerial == serial && thread == t) {
                stop(t);
            }
        }, "cell-interrupt");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    @SuppressWarnings({"deprecation", "removal"})
    private static void stop(Thread t) {
        try {
            t.stop();
        } catch (UnsupportedOperationException e) {
            LOG.warn("cell ignores interruption and this JVM cannot stop threads; it keeps running");
        }
    }
}
