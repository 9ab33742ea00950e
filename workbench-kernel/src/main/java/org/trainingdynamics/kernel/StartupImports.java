package org.trainingdynamics.kernel;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.trainingdynamics.trajectory.Trajectory;

/**
 * The imports every notebook starts with: common JDK packages, every workbench package present in the
 * workbench-lib build the kernel runs with (found by scanning it, so packages added later are picked up
 * without changing the kernel), common ND4J types, Tablesaw's API, XChart, and the {@link Notebook} helpers.
 * Public so benchmarks can give a bare JShell the same imports.
 */
public final class StartupImports {
    private static final String ROOT = "org/trainingdynamics/";
    private static final List<String> SKIPPED = List.of("org.trainingdynamics.cli", "org.trainingdynamics.kernel",
            "org.trainingdynamics.bench");

    private StartupImports() {
    }

    public static List<String> imports() {
        List<String> l = new ArrayList<>(List.of(
                "java.util.*", "java.util.function.*", "java.util.stream.*", "java.io.*", "java.nio.file.*",
                "java.time.*", "java.math.*"));
        for (String pkg : workbenchPackages()) {
            l.add(pkg + ".*");
        }
        l.addAll(List.of("org.nd4j.linalg.api.ndarray.INDArray", "org.nd4j.linalg.factory.Nd4j",
                "org.nd4j.linalg.api.buffer.DataType", "org.nd4j.linalg.ops.transforms.Transforms",
                "tech.tablesaw.api.*", "org.knowm.xchart.*", "org.knowm.xchart.style.Styler",
                "static org.trainingdynamics.kernel.Notebook.*"));
        return l;
    }

    /** Packages under {@code org.trainingdynamics} (any depth) holding classes in workbench-lib's build. */
    static List<String> workbenchPackages() {
        TreeSet<String> pkgs = new TreeSet<>();
        try {
            Path src = Path.of(Trajectory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(src)) {
                Path root = src.resolve(ROOT);
                try (Stream<Path> walk = Files.walk(root)) {
                    walk.filter(p -> p.toString().endsWith(".class")).forEach(p ->
                            pkgs.add(src.relativize(p.getParent()).toString().replace(java.io.File.separatorChar, '.')));
                }
            } else {
                try (JarFile jar = new JarFile(src.toFile())) {
                    jar.stream().map(e -> e.getName()).filter(n -> n.startsWith(ROOT) && n.endsWith(".class"))
                            .forEach(n -> pkgs.add(n.substring(0, n.lastIndexOf('/')).replace('/', '.')));
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            pkgs.add("org.trainingdynamics.trajectory");
        }
        pkgs.removeIf(p -> SKIPPED.stream().anyMatch(s -> p.equals(s) || p.startsWith(s + ".")));
        return new ArrayList<>(pkgs);
    }
}
