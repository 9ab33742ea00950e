package org.trainingdynamics.kernel;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Obtains {@link Instrumentation} for the kernel's own JVM, lazily, by loading a manifest-only agent jar into
 * itself (needs {@code -Djdk.attach.allowAttachSelf=true}, which the kernelspec sets). Used only to redefine
 * recompiled snippet classes; when attaching is not allowed, redefinition falls back to JShell's replacement.
 */
public final class RedefineAgent {
    private static final Logger LOG = LoggerFactory.getLogger(RedefineAgent.class);
    private static volatile Instrumentation instrumentation;
    private static volatile boolean tried;

    private RedefineAgent() {
    }

    /** Agent entry point, called by the JVM when the agent jar is loaded. */
    public static void agentmain(String args, Instrumentation inst) {
        instrumentation = inst;
    }

    /** The JVM's instrumentation, attaching on first use; null when unavailable. */
    static synchronized Instrumentation instrumentation() {
        if (instrumentation != null || tried) {
            return instrumentation;
        }
        tried = true;
        try {
            Path jar = Files.createTempFile("workbench-kernel-agent", ".jar");
            jar.toFile().deleteOnExit();
            Manifest mf = new Manifest();
            mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            mf.getMainAttributes().putValue("Agent-Class", RedefineAgent.class.getName());
            mf.getMainAttributes().putValue("Can-Redefine-Classes", "true");
            try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, mf)) {
                j.flush();
            }
            com.sun.tools.attach.VirtualMachine vm =
                    com.sun.tools.attach.VirtualMachine.attach(String.valueOf(ProcessHandle.current().pid()));
            try {
                vm.loadAgent(jar.toString());
            } finally {
                vm.detach();
            }
        } catch (IOException | RuntimeException | com.sun.tools.attach.AttachNotSupportedException
                 | com.sun.tools.attach.AgentLoadException | com.sun.tools.attach.AgentInitializationException e) {
            LOG.warn("snippet class redefinition unavailable ({}); start the JVM with -Djdk.attach.allowAttachSelf=true", e.toString());
        }
        return instrumentation;
    }
}
