package org.trainingdynamics.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the Jupyter kernelspec ({@code kernels/<name>/kernel.json}) that starts {@link KernelMain} with a given
 * class path: the one place that knows the kernel's command line and JVM options. Used by
 * {@code environment/install-kernel} and by the kernel's tests.
 *
 * <pre>java -cp CP org.trainingdynamics.kernel.KernelSpec KERNELS_DIR NAME "DISPLAY NAME" CLASSPATH [JVM options...]</pre>
 */
public final class KernelSpec {
    /** The installed kernel's name. */
    public static final String NAME = "workbench-java";
    /** The name Jupyter shows. */
    public static final String DISPLAY_NAME = "Java (Training Dynamics Workbench)";

    /**
     * JVM options every kernel gets: headless AWT (charts), self-attach (redefinition of recompiled snippets),
     * access to JShell's snippet internals (releasing overwritten variables) and to the environment map
     * ({@code %env}). ND4J 1.0.0-M2.1 needs no {@code --add-opens} on Java 17.
     */
    public static final List<String> BASE_JVM_OPTIONS = List.of("-Djava.awt.headless=true",
            "-Djdk.attach.allowAttachSelf=true", "--add-opens=jdk.jshell/jdk.jshell=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED");

    private KernelSpec() {
    }

    /** Writes {@code kernelsDir/name/kernel.json}; returns its path. */
    public static Path write(Path kernelsDir, String name, String displayName, String classpath, List<String> jvmOptions)
            throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.addAll(BASE_JVM_OPTIONS);
        argv.addAll(jvmOptions);
        argv.addAll(List.of("-cp", classpath, KernelMain.class.getName(), "{connection_file}"));
        StringBuilder json = new StringBuilder("{\n  \"argv\": [");
        for (int i = 0; i < argv.size(); i++) {
            json.append(i == 0 ? "" : ", ").append(quote(argv.get(i)));
        }
        json.append("],\n  \"display_name\": ").append(quote(displayName))
                .append(",\n  \"language\": \"java\",\n  \"interrupt_mode\": \"message\",\n")
                .append("  \"metadata\": {\"debugger\": false}\n}\n");
        Path dir = kernelsDir.resolve(name);
        Files.createDirectories(dir);
        Path file = dir.resolve("kernel.json");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        return file;
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 4) {
            System.err.println("usage: KernelSpec KERNELS_DIR NAME DISPLAY_NAME CLASSPATH [JVM options...]");
            System.exit(2);
        }
        Path file = write(Path.of(args[0]), args[1], args[2], args[3], List.of(args).subList(4, args.length));
        System.out.println(file);
    }
}
