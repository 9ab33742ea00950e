package org.trainingdynamics.kernel;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * JShell execution engine running snippets in the kernel's JVM (so results are real objects the renderers
 * can draw), on the {@link CellThread}, with classes loaded by the {@link SnippetLoader}. It keeps the real
 * value and the real exception of the last invocation for the kernel, instead of JShell's string forms.
 */
final class InProcessExecutionControl extends DirectExecutionControl {
    private final SnippetLoader loader;
    private final CellThread cell;
    private volatile Object lastValue;
    private volatile Throwable lastThrowable;

    InProcessExecutionControl(SnippetLoader loader, CellThread cell) {
        super(loader);
        this.loader = loader;
        this.cell = cell;
    }

    @Override
    protected String invoke(Method doit) throws Exception {
        lastValue = null;
        lastThrowable = null;
        try {
            Object v = cell.call(() -> doit.invoke(null));
            lastValue = v;
            return "";
        } catch (InvocationTargetException e) {
            lastThrowable = e.getCause();
            throw e;
        }
    }

    @Override
    public void redefine(ClassBytecodes[] cbcs) throws ClassInstallException, NotImplementedException {
        loader.redefine(cbcs);
    }

    /** The value returned by the last snippet invocation. */
    Object lastValue() {
        return lastValue;
    }

    /** The exception thrown by the last snippet invocation, or null. */
    Throwable lastThrowable() {
        return lastThrowable;
    }

    void clearLast() {
        lastValue = null;
        lastThrowable = null;
    }

    /** Provider handing JShell the (single) control built by the kernel. */
    static final class Provider implements ExecutionControlProvider {
        private final InProcessExecutionControl control;

        Provider(InProcessExecutionControl control) {
            this.control = control;
        }

        @Override
        public String name() {
            return "workbench-in-process";
        }

        @Override
        public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
            return control;
        }
    }
}
