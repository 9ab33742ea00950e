package org.trainingdynamics.kernel;

import java.nio.file.Files;
import java.nio.file.Path;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

/**
 * Starts the kernel: {@code java -cp <kernel and workbench class path> org.trainingdynamics.kernel.KernelMain
 * <connection file>} (the kernelspec written by {@code environment/install-kernel} does this).
 * SIGINT interrupts the running cell instead of ending the JVM.
 *
 * <p>{@code KernelMain --warm-up} starts JShell, runs a few typical cells without Jupyter and exits; run with
 * {@code -XX:ArchiveClassesAtExit=<file>} it records the class-data-sharing archive that
 * {@code environment/install-kernel} gives the kernel to shorten its start-up.
 */
public final class KernelMain {
    private KernelMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: KernelMain <jupyter connection file> | --warm-up");
            System.exit(2);
        }
        if ("--warm-up".equals(args[0])) {
            warmUp();
            System.exit(0);
        }
        KernelConnectionProperties props = KernelConnectionProperties.parse(Files.readString(Path.of(args[0])));
        WorkbenchKernel kernel = WorkbenchKernel.create();
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> kernel.interrupt());
        } catch (IllegalArgumentException e) {
            // no SIGINT on this platform; interrupt_request still works
        }
        watchParent();
        PollingConnection connection = new PollingConnection(props);
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        kernel.log("workbench kernel: listening " + WorkbenchKernel.jvmUptimeMs() + " ms after JVM start");
        connection.waitUntilClose();
        kernel.onShutdown(false);
        Runtime.getRuntime().halt(0);
    }

    /**
     * Ends the kernel when the process that started it (jupyter_client passes its pid as {@code JPY_PARENT_PID})
     * is gone, so a crashed notebook server or test leaves no orphaned kernel behind.
     */
    private static void watchParent() {
        String pid = System.getenv("JPY_PARENT_PID");
        if (pid == null || !pid.matches("\\d+")) {
            return;
        }
        java.util.Optional<ProcessHandle> parent = ProcessHandle.of(Long.parseLong(pid));
        if (parent.isEmpty()) {
            return;
        }
        parent.get().onExit().thenRun(() -> Runtime.getRuntime().halt(0));
    }

    /** Loads what a session typically loads: JShell with the imports, a few cells, a table and a chart render. */
    private static void warmUp() {
        WorkbenchKernel kernel = WorkbenchKernel.create();
        kernel.runCell("int warm = 1 + 1;\nString s = \"x\" + warm;\ns.length()");
        kernel.runCell("Table t = Table.create(\"t\", DoubleColumn.create(\"a\", new double[]{1, 2}));\n"
                + "render(t);\nvar c = org.trainingdynamics.viz.Figures.xy(\"t\", \"x\", \"y\");\n"
                + "c.addSeries(\"s\", new double[]{1, 2}, new double[]{3, 4});\nrender(c);");
        kernel.complete("Stri", 4);
        kernel.isComplete("for (int i = 0; i < 3; i++) {");
        kernel.log("workbench kernel: warm-up done " + WorkbenchKernel.jvmUptimeMs() + " ms after JVM start");
        kernel.onShutdown(false);
    }
}
