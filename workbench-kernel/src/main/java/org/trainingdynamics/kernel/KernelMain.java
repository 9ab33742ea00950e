package org.trainingdynamics.kernel;

import java.nio.file.Files;
import java.nio.file.Path;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

/**
 * Starts the kernel: {@code java -cp <kernel and workbench class path> org.trainingdynamics.kernel.KernelMain
 * <connection file>} (the kernelspec written by {@code environment/install-kernel} does this).
 * SIGINT interrupts the running cell instead of ending the JVM.
 */
public final class KernelMain {
    private KernelMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: KernelMain <jupyter connection file>");
            System.exit(2);
        }
        KernelConnectionProperties props = KernelConnectionProperties.parse(Files.readString(Path.of(args[0])));
        WorkbenchKernel kernel = WorkbenchKernel.create();
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> kernel.interrupt());
        } catch (IllegalArgumentException e) {
            // no SIGINT on this platform; interrupt_request still works
        }
        PollingConnection connection = new PollingConnection(props);
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        kernel.log("workbench kernel: listening " + WorkbenchKernel.jvmUptimeMs() + " ms after JVM start");
        connection.waitUntilClose();
        kernel.onShutdown(false);
        Runtime.getRuntime().halt(0);
    }
}
