package org.trainingdynamics.kernel;

import java.io.File;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jdk.jshell.execution.LoaderDelegate;
import jdk.jshell.spi.ExecutionControl.ClassBytecodes;
import jdk.jshell.spi.ExecutionControl.ClassInstallException;
import jdk.jshell.spi.ExecutionControl.InternalException;
import jdk.jshell.spi.ExecutionControl.NotImplementedException;

/**
 * Class loading for cell code: one class loader (parent: the kernel's application loader) that defines
 * JShell's snippet classes from their bytecode and takes jars added with {@code %classpath}/{@code %maven}.
 *
 * <p>Fixes of known JShell-in-process pitfalls: bytecode passes through {@link ExitGuard} so
 * {@code System.exit} in a cell cannot end the kernel; {@link #redefine} really redefines loaded snippet
 * classes (through {@link RedefineAgent}) instead of refusing, so a later import does not reset earlier
 * variables; a {@link LinkageError} while resolving a class is reported as {@link ClassNotFoundException}
 * so a changed method signature cannot wedge the kernel; added class-path entries are appended to
 * {@code java.class.path} once each, with {@link File#pathSeparator}.
 */
final class SnippetLoader implements LoaderDelegate {

    /** The loader that owns snippet classes and added jars. */
    static final class Loader extends URLClassLoader {
        static {
            registerAsParallelCapable();
        }

        private final Map<String, byte[]> declared = new ConcurrentHashMap<>();

        Loader(ClassLoader parent) {
            super("workbench-cells", new URL[0], parent);
        }

        void declare(String name, byte[] bytes) {
            declared.put(name, bytes);
        }

        void forget(String name) {
            declared.remove(name);
        }

        Class<?> loadedOrNull(String name) {
            return findLoadedClass(name);
        }

        void addJar(URL url) {
            addURL(url);
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes = declared.get(name);
            if (bytes == null) {
                return super.findClass(name);
            }
            return defineClass(name, bytes, 0, bytes.length, (ProtectionDomain) null);
        }
    }

    private final Loader loader;
    private final Set<String> addedPaths = new LinkedHashSet<>();

    SnippetLoader(ClassLoader parent) {
        this.loader = new Loader(parent);
    }

    ClassLoader classLoader() {
        return loader;
    }

    @Override
    public void load(ClassBytecodes[] cbcs) throws ClassInstallException {
        boolean[] installed = new boolean[cbcs.length];
        for (ClassBytecodes c : cbcs) {
            loader.declare(c.name(), ExitGuard.rewrite(c.bytecodes()));
        }
        for (int i = 0; i < cbcs.length; i++) {
            try {
                loader.loadClass(cbcs[i].name());
                installed[i] = true;
            } catch (ClassNotFoundException | LinkageError e) {
                throw new ClassInstallException("cannot load " + cbcs[i].name() + ": " + e, installed);
            }
        }
    }

    /**
     * Redefines snippet classes after JShell recompiled them (e.g. a new import, or a changed method they call).
     * Classes not yet loaded just get their new bytecode; loaded ones are redefined in place with
     * {@link Instrumentation#redefineClasses}, which keeps their static state (the cells' variables) when only
     * method bodies changed and fails, as JShell expects, when the class shape changed.
     */
    void redefine(ClassBytecodes[] cbcs) throws ClassInstallException, NotImplementedException {
        boolean[] installed = new boolean[cbcs.length];
        List<ClassDefinition> defs = new ArrayList<>();
        List<Integer> defIndex = new ArrayList<>();
        byte[][] bytes = new byte[cbcs.length][];
        for (int i = 0; i < cbcs.length; i++) {
            bytes[i] = ExitGuard.rewrite(cbcs[i].bytecodes());
            Class<?> live = loader.loadedOrNull(cbcs[i].name());
            if (live == null) {
                loader.declare(cbcs[i].name(), bytes[i]);
                installed[i] = true;
            } else {
                defs.add(new ClassDefinition(live, bytes[i]));
                defIndex.add(i);
            }
        }
        if (defs.isEmpty()) {
            return;
        }
        Instrumentation inst = RedefineAgent.instrumentation();
        if (inst == null) {
            throw new ClassInstallException("class redefinition is unavailable in this JVM", installed);
        }
        try {
            inst.redefineClasses(defs.toArray(new ClassDefinition[0]));
        } catch (ClassNotFoundException | java.lang.instrument.UnmodifiableClassException | UnsupportedOperationException | LinkageError e) {
            throw new ClassInstallException("cannot redefine: " + e, installed);
        }
        for (int i : defIndex) {
            loader.declare(cbcs[i].name(), bytes[i]);
            installed[i] = true;
        }
    }

    @Override
    public void classesRedefined(ClassBytecodes[] cbcs) {
        for (ClassBytecodes c : cbcs) {
            loader.declare(c.name(), ExitGuard.rewrite(c.bytecodes()));
        }
    }

    @Override
    public synchronized void addToClasspath(String path) throws InternalException {
        for (String p : path.split(File.pathSeparator)) {
            if (p.isBlank()) {
                continue;
            }
            String abs = Path.of(p).toAbsolutePath().normalize().toString();
            if (!addedPaths.add(abs)) {
                continue;
            }
            try {
                loader.addJar(Path.of(abs).toUri().toURL());
            } catch (MalformedURLException e) {
                throw new InternalException("bad class-path entry " + p + ": " + e.getMessage());
            }
            appendToJavaClassPath(abs);
        }
    }

    /** Appends to {@code java.class.path} unless already there (separator {@link File#pathSeparator}). */
    static synchronized void appendToJavaClassPath(String entry) {
        String cp = System.getProperty("java.class.path", "");
        for (String e : cp.split(File.pathSeparator)) {
            if (e.equals(entry)) {
                return;
            }
        }
        System.setProperty("java.class.path", cp.isEmpty() ? entry : cp + File.pathSeparator + entry);
    }

    /** Forgets the bytecode of a class no longer used (its snippet was overwritten). */
    void forget(String className) {
        loader.forget(className);
    }

    Class<?> loadedOrNull(String className) {
        return loader.loadedOrNull(className);
    }

    @Override
    public Class<?> findClass(String name) throws ClassNotFoundException {
        try {
            return loader.loadClass(name);
        } catch (LinkageError e) {
            throw new ClassNotFoundException(name + " (" + e + ")", e);
        }
    }
}
