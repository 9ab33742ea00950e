package org.trainingdynamics.study;

import java.util.concurrent.CancellationException;
import java.util.function.BiFunction;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of long library work (training, streaming passes, EM, DMFT iterations), and its cancellation
 * point: every {@link #step} checks the thread's interrupt flag, so a notebook's Interrupt or a CLI's
 * Ctrl-C stops real work, not only sleeps.
 *
 * <p>Library loops call {@code try (Progress p = Progress.start("EM", iterations)) { ... p.step(); }}.
 * Where the progress goes is chosen once per JVM by {@link #setFactory}: a console bar for the CLI
 * (the default when a console is attached or {@code workbench.progress=console}), a notebook display
 * in the kernel, nothing in tests.
 */
public interface Progress extends AutoCloseable {

    /** Advances by {@code n} units; throws {@link CancellationException} if the thread was interrupted. */
    void step(long n);

    /** Advances by one unit. */
    default void step() {
        step(1);
    }

    /** Sets a short status text (e.g. the current loss). */
    void status(String text);

    @Override
    void close();

    /** Starts reporting a task of {@code total} units (use -1 when unknown). */
    static Progress start(String task, long total) {
        return Holder.factory.apply(task, total);
    }

    /** Replaces the factory used by {@link #start} (the kernel installs a notebook display). */
    static void setFactory(BiFunction<String, Long, Progress> factory) {
        Holder.factory = factory;
    }

    /** Throws {@link CancellationException} if the current thread has been interrupted (clearing the flag). */
    static void checkInterrupted() {
        if (Thread.interrupted()) {
            throw new CancellationException("interrupted");
        }
    }

    /** A progress that only checks for interruption. */
    static Progress silent() {
        return new Progress() {
            @Override
            public void step(long n) {
                checkInterrupted();
            }

            @Override
            public void status(String text) {
                // silent
            }

            @Override
            public void close() {
                // nothing to release
            }
        };
    }

    /** A console progress bar on standard error. */
    static Progress console(String task, long total) {
        ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate()
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build();
        return new Progress() {
            @Override
            public void step(long n) {
                checkInterrupted();
                bar.stepBy(n);
            }

            @Override
            public void status(String text) {
                bar.setExtraMessage(text);
            }

            @Override
            public void close() {
                bar.close();
            }
        };
    }

    /** Holds the process-wide factory. */
    final class Holder {
        private static volatile BiFunction<String, Long, Progress> factory = defaultFactory();

        private Holder() {
        }

        private static BiFunction<String, Long, Progress> defaultFactory() {
            String mode = System.getProperty("workbench.progress", System.console() != null ? "console" : "none");
            return "console".equals(mode) ? Progress::console : (t, n) -> silent();
        }
    }
}
