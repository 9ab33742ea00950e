package org.trainingdynamics.kernel;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code %maven}: resolves artifacts and their runtime dependencies with the machine's Maven (so the user's
 * {@code settings.xml}, mirrors and local repository apply), by running {@code dependency:build-classpath}
 * on a throw-away POM that lists them.
 */
final class MavenResolver {
    private MavenResolver() {
    }

    /** The jars of {@code coordinates} (groupId:artifactId[:type[:classifier]]:version) and their dependencies. */
    static List<Path> resolve(List<String> coordinates, boolean offline) throws IOException, InterruptedException {
        if (coordinates.isEmpty()) {
            throw new IllegalArgumentException("%maven needs at least one groupId:artifactId:version");
        }
        StringBuilder deps = new StringBuilder();
        for (String c : coordinates) {
            String[] p = c.split(":");
            if (p.length < 3 || p.length > 5 || java.util.Arrays.stream(p).anyMatch(String::isBlank)) {
                throw new IllegalArgumentException("bad Maven coordinate '" + c
                        + "' (expected groupId:artifactId:version or groupId:artifactId:type[:classifier]:version)");
            }
            deps.append("<dependency><groupId>").append(xml(p[0])).append("</groupId><artifactId>").append(xml(p[1]))
                    .append("</artifactId><version>").append(xml(p[p.length - 1])).append("</version>");
            if (p.length >= 4) {
                deps.append("<type>").append(xml(p[2])).append("</type>");
            }
            if (p.length == 5) {
                deps.append("<classifier>").append(xml(p[3])).append("</classifier>");
            }
            deps.append("</dependency>");
        }
        Path dir = Files.createTempDirectory("workbench-maven");
        try {
            Path pom = dir.resolve("pom.xml");
            Files.writeString(pom, "<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion>"
                    + "<groupId>workbench.kernel</groupId><artifactId>maven-magic</artifactId><version>1</version>"
                    + "<dependencies>" + deps + "</dependencies></project>", StandardCharsets.UTF_8);
            Path out = dir.resolve("classpath.txt");
            List<String> cmd = new ArrayList<>(List.of(System.getenv().getOrDefault("WORKBENCH_MVN", "mvn"), "-B", "-q"));
            if (offline) {
                cmd.add("-o");
            }
            cmd.addAll(List.of("-f", pom.toString(),
                    "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:build-classpath",
                    "-Dmdep.includeScope=runtime", "-Dmdep.outputFile=" + out));
            Path log = dir.resolve("mvn.log");
            Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!proc.waitFor(10, TimeUnit.MINUTES)) {
                proc.destroyForcibly();
                throw new IOException("Maven did not finish within 10 minutes");
            }
            if (proc.exitValue() != 0 || !Files.exists(out)) {
                List<String> lines = Files.readAllLines(log);
                String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
                throw new IOException("Maven could not resolve " + coordinates + ":\n" + tail);
            }
            List<Path> jars = new ArrayList<>();
            for (String e : Files.readString(out).trim().split(File.pathSeparator)) {
                if (!e.isBlank()) {
                    jars.add(Path.of(e.trim()));
                }
            }
            return jars;
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** groupPath/artifactId of a jar in a Maven repository layout (…/group/path/artifact/version/file.jar), or null. */
    static String artifactKey(Path jar) {
        Path version = jar.getParent();
        Path artifact = version == null ? null : version.getParent();
        if (artifact == null || !jar.getFileName().toString().startsWith(artifact.getFileName() + "-" + version.getFileName())) {
            return null;
        }
        Path group = artifact.getParent();
        return (group == null ? "" : group.getFileName().toString()) + "/" + artifact.getFileName();
    }

    private static String xml(String s) {
        return Displays.escape(s.trim());
    }
}
