package org.trainingdynamics.kernel;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.dflib.jjava.jupyter.kernel.magic.CellMagic;
import org.dflib.jjava.jupyter.kernel.magic.LineMagic;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;

/**
 * The kernel's magics. A line whose first character is {@code %} is a line magic; a cell whose first line
 * starts with {@code %%} is a cell magic applied to the rest of the cell.
 * <ul>
 *   <li>{@code %classpath <paths or globs...>} (alias {@code %jars}): add jars/folders to the class path of
 *       compilation and execution; without arguments, print the class path;</li>
 *   <li>{@code %maven g:a:v ...}: resolve artifacts and their runtime dependencies with the machine's Maven and
 *       add them ({@code --offline} uses only the local repository); jars of artifacts already on the class
 *       path are skipped;</li>
 *   <li>{@code %%time} / {@code %time <statement>}: wall time and the cell thread's CPU time;</li>
 *   <li>{@code %env}: list ({@code %env}), read ({@code %env NAME}) or set ({@code %env NAME=value}) environment
 *       variables of the kernel process (seen by {@code System.getenv} and child processes);</li>
 *   <li>{@code %lsmagic}: list the magics.</li>
 * </ul>
 */
final class Magics {
    private Magics() {
    }

    static void register(MagicsRegistry r, WorkbenchKernel k) {
        LineMagic<Object, WorkbenchKernel> classpath = (kernel, args) -> {
            classpath(kernel, args);
            return null;
        };
        r.registerLineMagic("classpath", classpath);
        r.registerLineMagic("jars", classpath);
        r.registerLineMagic("maven", (LineMagic<Object, WorkbenchKernel>) (kernel, args) -> {
            maven(kernel, args);
            return null;
        });
        r.registerLineMagic("env", (LineMagic<Object, WorkbenchKernel>) (kernel, args) -> {
            env(args);
            return null;
        });
        r.registerLineMagic("lsmagic", (LineMagic<Object, WorkbenchKernel>) (kernel, args) -> {
            System.out.println("line magics: %" + String.join(" %", new java.util.TreeSet<>(r.getLineMagicNames())));
            System.out.println("cell magics: %%" + String.join(" %%", new java.util.TreeSet<>(r.getCellMagicNames())));
            return null;
        });
        r.registerLineMagic("time", (LineMagic<Object, WorkbenchKernel>) (kernel, args) ->
                timed(() -> kernel.runJava(String.join(" ", args))));
        r.registerCellMagic("time", (CellMagic<Object, WorkbenchKernel>) (kernel, args, body) ->
                timed(() -> kernel.runCellBody(body)));
    }

    private static Object timed(java.util.function.Supplier<Object> body) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Thread cell = WorkbenchKernel.current().engine().cellThread().thread();
        long cpu0 = cell == null ? 0 : cpuTime(mx, cell);
        long user0 = cell == null ? 0 : userTime(mx, cell);
        long t0 = System.nanoTime();
        try {
            return body.get();
        } finally {
            long wall = System.nanoTime() - t0;
            Thread after = WorkbenchKernel.current().engine().cellThread().thread();
            long cpu = after == null ? 0 : cpuTime(mx, after) - (after == cell ? cpu0 : 0);
            long user = after == null ? 0 : userTime(mx, after) - (after == cell ? user0 : 0);
            System.out.println(String.format(Locale.ROOT, "Wall time: %s; CPU time (cell thread): user %s, sys %s",
                    fmt(wall), fmt(user), fmt(Math.max(0, cpu - user))));
        }
    }

    private static long cpuTime(ThreadMXBean mx, Thread t) {
        long v = mx.isThreadCpuTimeSupported() ? mx.getThreadCpuTime(t.getId()) : -1;
        return Math.max(0, v);
    }

    private static long userTime(ThreadMXBean mx, Thread t) {
        long v = mx.isThreadCpuTimeSupported() ? mx.getThreadUserTime(t.getId()) : -1;
        return Math.max(0, v);
    }

    static String fmt(long nanos) {
        if (nanos >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
        }
        if (nanos >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.0f µs", nanos / 1e3);
    }

    private static void classpath(WorkbenchKernel kernel, List<String> args) throws IOException {
        if (args.isEmpty()) {
            for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
                System.out.println(e);
            }
            return;
        }
        for (String a : args) {
            List<Path> found = glob(a);
            if (found.isEmpty()) {
                throw new IllegalArgumentException("%classpath: nothing matches '" + a + "' (relative to "
                        + Path.of("").toAbsolutePath() + ")");
            }
            for (Path p : found) {
                kernel.engine().addToClasspath(p.toString());
                System.out.println("added " + p);
            }
        }
    }

    /** Paths matching a path or glob ({@code *}, {@code **}, {@code ?}, {@code {a,b}}), relative to the working directory. */
    static List<Path> glob(String pattern) throws IOException {
        String expanded = pattern.startsWith("~/") ? System.getProperty("user.home") + pattern.substring(1) : pattern;
        if (!expanded.matches(".*[*?{\\[].*")) {
            Path p = Path.of(expanded).toAbsolutePath().normalize();
            return Files.exists(p) ? List.of(p) : List.of();
        }
        Path abs = Path.of(expanded).isAbsolute() ? Path.of("/") : Path.of("").toAbsolutePath();
        String[] parts = expanded.split("/");
        Path base = abs;
        int i = 0;
        for (; i < parts.length; i++) {
            if (parts[i].matches(".*[*?{\\[].*")) {
                break;
            }
            if (!parts[i].isEmpty()) {
                base = base.resolve(parts[i]);
            }
        }
        String rest = String.join("/", java.util.Arrays.copyOfRange(parts, i, parts.length));
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + rest);
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        Path root = base;
        try (Stream<Path> s = Files.walk(base)) {
            s.filter(p -> !p.equals(root) && m.matches(root.relativize(p))).sorted().forEach(p -> out.add(p.normalize()));
        }
        return out;
    }

    private static void maven(WorkbenchKernel kernel, List<String> args) throws IOException, InterruptedException {
        boolean offline = args.contains("--offline") || args.contains("-o");
        List<String> coords = args.stream().filter(a -> !a.startsWith("-")).toList();
        List<Path> jars = MavenResolver.resolve(coords, offline);
        Set<String> present = new HashSet<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String key = e.isBlank() ? null : MavenResolver.artifactKey(Path.of(e));
            if (key != null) {
                present.add(key);
            }
        }
        int added = 0;
        for (Path jar : jars) {
            String key = MavenResolver.artifactKey(jar);
            if (key != null && present.contains(key)) {
                System.out.println("kept " + key + " (already on the class path): skipped " + jar.getFileName());
                continue;
            }
            kernel.engine().addToClasspath(jar.toString());
            System.out.println("added " + jar.getFileName());
            added++;
        }
        System.out.println(added + " jar(s) added for " + String.join(", ", coords));
    }

    private static void env(List<String> args) {
        if (args.isEmpty()) {
            new TreeMap<>(System.getenv()).forEach((k, v) -> System.out.println(k + "=" + v));
            return;
        }
        String a = String.join(" ", args);
        int eq = a.indexOf('=');
        if (eq < 0 && args.size() == 1) {
            String v = System.getenv(a);
            System.out.println(v == null ? a + " is not set" : v);
            return;
        }
        String name = eq >= 0 ? a.substring(0, eq).trim() : args.get(0);
        String value = eq >= 0 ? a.substring(eq + 1).trim() : String.join(" ", args.subList(1, args.size()));
        if (name.isEmpty()) {
            throw new IllegalArgumentException("%env: missing variable name in '" + a + "'");
        }
        setenv(name, value);
        System.out.println("env: " + name + "=" + value);
    }

    /** Sets a variable in this process's environment view (System.getenv and ProcessBuilder's copy). */
    @SuppressWarnings("unchecked")
    static void setenv(String name, String value) {
        try {
            Map<String, String> env = System.getenv();
            Field m = env.getClass().getDeclaredField("m");
            m.setAccessible(true);
            // on Unix the wrapped map is a view of ProcessEnvironment's map, which ProcessBuilder copies
            ((Map<String, String>) m.get(env)).put(name, value);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("%env cannot change the environment of this JVM (" + e
                    + "); start the kernel with --add-opens java.base/java.util=ALL-UNNAMED (the kernelspec does)", e);
        }
    }
}
