package org.trainingdynamics.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.trainingdynamics.study.BundleManifest.DataEntry;
import org.trainingdynamics.study.BundleManifest.FileEntry;
import org.trainingdynamics.study.VerifyReport.Outcome;
import org.trainingdynamics.study.VerifyReport.Result;

/** The work behind {@link StudyBundle#verify}: integrity, data sets, re-run, table comparison. */
final class BundleVerifier {
    private final Path archive;
    private final StudyBundle.VerifyOptions o;
    private final List<Outcome> out = new ArrayList<>();

    BundleVerifier(Path archive, StudyBundle.VerifyOptions options) {
        this.archive = archive;
        this.o = options;
    }

    VerifyReport run() {
        if (!Files.isRegularFile(archive)) {
            throw new IllegalArgumentException("archive " + archive + " does not exist");
        }
        Path work = null;
        boolean keep = o.workDir() != null;
        try (ZipFile zip = open(archive)) {
            ZipEntry me = zip.getEntry(BundleManifest.NAME);
            if (me == null) {
                throw new IllegalArgumentException(archive + " is not a workbench bundle: it has no " + BundleManifest.NAME);
            }
            byte[] json;
            try (InputStream in = zip.getInputStream(me)) {
                json = in.readAllBytes();
            } catch (IOException e) {
                throw new IllegalArgumentException(archive + ": cannot read " + BundleManifest.NAME + " (corrupt archive?): "
                        + e.getMessage());
            }
            BundleManifest manifest = BundleManifest.parse(json, archive.toString());
            String manifestSha = HexFormat.of().formatHex(StudyBundle.digest().digest(json));
            work = keep ? prepare(o.workDir()) : Files.createTempDirectory("workbench-verify-");
            Path extract = o.integrityOnly() ? null : work.resolve("bundle");
            boolean intact = checkFiles(zip, manifest, extract);
            Map<String, Path> references = checkData(manifest);
            if (!o.integrityOnly()) {
                if (!intact || out.stream().anyMatch(x -> x.result() == Result.FAIL)) {
                    out.add(new Outcome("rerun", manifest.study(), Result.SKIP,
                            "not re-run: the archive or its data sets failed the checks above"));
                } else {
                    rerun(manifest, extract, references, work);
                }
            }
            return new VerifyReport(archive, manifest, manifestSha, o.integrityOnly(), out, keep ? work : null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot verify " + archive + ": " + e.getMessage(), e);
        } finally {
            if (!keep && work != null) {
                deleteTree(work);
            }
        }
    }

    private static ZipFile open(Path archive) {
        try {
            return new ZipFile(archive.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(archive + " is not a readable zip archive (truncated or corrupt?): "
                    + e.getMessage());
        }
    }

    private static Path prepare(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw new IllegalArgumentException("work folder " + dir + " is not empty");
                }
            }
        }
        return Files.createDirectories(dir);
    }

    /** Every manifest file present with its hash and size; nothing unlisted. Extracts into {@code extract} when given. */
    private boolean checkFiles(ZipFile zip, BundleManifest m, Path extract) throws IOException {
        boolean intact = true;
        Set<String> listed = new HashSet<>();
        for (FileEntry f : m.files()) {
            listed.add(f.path());
            String problem = unsafe(f.path());
            if (problem != null) {
                out.add(new Outcome("file", f.path(), Result.FAIL, problem));
                intact = false;
                continue;
            }
            ZipEntry e = zip.getEntry(f.path());
            if (e == null || e.isDirectory()) {
                out.add(new Outcome("file", f.path(), Result.FAIL, "missing from the archive"));
                intact = false;
                continue;
            }
            MessageDigest md = StudyBundle.digest();
            long n;
            try (InputStream in = new DigestInputStream(zip.getInputStream(e), md)) {
                if (extract != null) {
                    Path target = extract.resolve(f.path());
                    Files.createDirectories(target.getParent());
                    try (OutputStream os = Files.newOutputStream(target)) {
                        n = in.transferTo(os);
                    }
                } else {
                    n = in.transferTo(OutputStream.nullOutputStream());
                }
            } catch (IOException ex) {
                out.add(new Outcome("file", f.path(), Result.FAIL, "unreadable (corrupt entry): " + ex.getMessage()));
                intact = false;
                continue;
            }
            String sha = HexFormat.of().formatHex(md.digest());
            if (!sha.equals(f.sha256())) {
                out.add(new Outcome("file", f.path(), Result.FAIL, "content differs from the manifest: sha256 "
                        + sha + ", manifest " + f.sha256()));
                intact = false;
            } else if (f.bytes() >= 0 && n != f.bytes()) {
                out.add(new Outcome("file", f.path(), Result.FAIL, n + " bytes, manifest says " + f.bytes()));
                intact = false;
            } else {
                out.add(new Outcome("file", f.path(), Result.PASS, "sha256 matches (" + n + " bytes)"));
            }
        }
        Enumeration<? extends ZipEntry> all = zip.entries();
        while (all.hasMoreElements()) {
            ZipEntry e = all.nextElement();
            if (!e.isDirectory() && !e.getName().equals(BundleManifest.NAME) && !listed.contains(e.getName())) {
                out.add(new Outcome("file", e.getName(), Result.FAIL, "in the archive but not listed in the manifest"));
                intact = false;
            }
        }
        return intact;
    }

    private static String unsafe(String path) {
        if (path.startsWith("/") || path.contains("\\")
                || Path.of(path).normalize().startsWith("..") || !Path.of(path).normalize().toString().equals(path)) {
            return "unsafe path in the manifest (absolute, '..' or not normalised): refused";
        }
        if (!path.startsWith(StudyBundle.RESULTS) && !path.startsWith(StudyBundle.DATA)) {
            return "outside results/ and data/: refused";
        }
        return null;
    }

    /** Embedded data sets hash to their recorded value; references resolve locally. Returns name -> local path of references. */
    private Map<String, Path> checkData(BundleManifest m) {
        Map<String, Path> refs = new LinkedHashMap<>();
        Path folder;
        try {
            folder = o.dataFolder() != null ? o.dataFolder() : DataSets.folder();
        } catch (IllegalStateException e) {
            folder = null;
        }
        for (DataEntry d : m.data()) {
            if (d.embedded()) {
                String file = StudyBundle.DATA + d.name();
                String prefix = file + "/";
                List<FileEntry> fs = m.files().stream().filter(f -> f.path().startsWith(prefix)).toList();
                String sha;
                if (fs.isEmpty()) {
                    FileEntry single = m.files().stream().filter(f -> f.path().equals(file)).findFirst().orElse(null);
                    if (single == null) {
                        out.add(new Outcome("data", d.name(), Result.FAIL, "marked embedded but the archive holds none of its files"));
                        continue;
                    }
                    sha = single.sha256();
                } else {
                    StringBuilder listing = new StringBuilder();
                    fs.stream().sorted(Comparator.comparing(FileEntry::path)).forEach(f ->
                            listing.append(f.sha256()).append("  ").append(f.path().substring(prefix.length())).append('\n'));
                    sha = ContentHash.ofString(listing.toString());
                }
                out.add(sha.equals(d.sha256())
                        ? new Outcome("data", d.name(), Result.PASS, "embedded, " + Math.max(fs.size(), 1) + " files, content sha256 matches")
                        : new Outcome("data", d.name(), Result.FAIL, "embedded files hash to " + sha + ", the study recorded " + d.sha256()));
                continue;
            }
            Path local = folder == null ? null : folder.resolve(d.name());
            if (local == null || !Files.exists(local)) {
                String where = folder == null ? "no data folder" : "not found under " + folder;
                out.add(new Outcome("data", d.name(), o.integrityOnly() ? Result.SKIP : Result.FAIL,
                        "referenced (not embedded), " + where + (o.integrityOnly() ? " (needed only for the re-run)"
                                : "; pass --data DIR holding it")));
                continue;
            }
            String sha = ContentHash.of(local);
            if (sha.equals(d.sha256())) {
                out.add(new Outcome("data", d.name(), Result.PASS, "referenced, local copy " + local + " has the recorded sha256"));
                refs.put(d.name(), local);
            } else {
                out.add(new Outcome("data", d.name(), Result.FAIL, "referenced, but the local copy " + local + " has sha256 "
                        + sha + ", the study recorded " + d.sha256()));
            }
        }
        return refs;
    }

    private void rerun(BundleManifest m, Path extract, Map<String, Path> references, Path work) throws IOException {
        Path root;
        try {
            root = o.root() != null ? o.root() : Study.root();
        } catch (IllegalStateException e) {
            out.add(new Outcome("rerun", m.study(), Result.FAIL, "no workbench checkout to re-run in: " + e.getMessage()));
            return;
        }
        Path notebook = root.resolve("notebooks").resolve(m.study() + ".ipynb");
        if (!Files.isRegularFile(notebook)) {
            out.add(new Outcome("rerun", m.study(), Result.FAIL, "no notebook notebooks/" + m.study() + ".ipynb in " + root));
            return;
        }
        String nbSha = ContentHash.ofFile(notebook);
        out.add(m.notebookSha256() == null
                ? new Outcome("notebook", notebook.toString(), Result.WARN, "the bundle records no notebook hash")
                : nbSha.equals(m.notebookSha256())
                ? new Outcome("notebook", notebook.toString(), Result.PASS, "same notebook as the one that made the bundle")
                : new Outcome("notebook", notebook.toString(), Result.WARN,
                        "the local notebook differs from the one that made the bundle (sha256 " + nbSha + ", bundle "
                                + m.notebookSha256() + "): tables may legitimately differ"));
        String head = Provenance.git(root, "rev-parse", "HEAD");
        boolean sameCommit = head != null && head.equals(m.gitCommit());
        out.add(new Outcome("commit", String.valueOf(m.gitCommit()), sameCommit && !Boolean.TRUE.equals(m.gitDirty())
                ? Result.PASS : Result.WARN, (sameCommit ? "re-run at the same commit" : "bundle made at " + m.gitCommit()
                + ", re-run at " + head) + (Boolean.TRUE.equals(m.gitDirty()) ? "; the bundle was made from a checkout with uncommitted changes" : "")));

        Path data = Files.createDirectories(extract.resolve("data"));
        for (Map.Entry<String, Path> r : references.entrySet()) {
            Path link = data.resolve(r.getKey());
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, r.getValue().toAbsolutePath());
        }
        Path results = work.resolve("rerun");
        Path log = work.resolve("rerun.log");
        List<String> cmd = List.of(o.python(), root.resolve("environment/run_notebooks.py").toString(), "--root",
                root.toString(), "--profile", m.profile(), "--results", results.toString(), m.study());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put(DataSets.ENV, data.toAbsolutePath().toString());
        pb.environment().putAll(o.environment());
        System.err.println("verify: re-running " + m.study() + " (profile " + m.profile() + ") with " + root
                + "/environment/run_notebooks.py ...");
        long t0 = System.nanoTime();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            out.add(new Outcome("rerun", m.study(), Result.FAIL, "cannot start " + o.python()
                    + " (the re-run needs Jupyter: environment/setup jupyter): " + e.getMessage()));
            return;
        }
        Thread tee = tee(p.getInputStream(), log);
        boolean done;
        try {
            done = p.waitFor(o.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done = false;
        }
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            out.add(new Outcome("rerun", m.study(), Result.FAIL, "stopped after " + o.timeout().toMinutes()
                    + " min without finishing; " + tail(log)));
            return;
        }
        try {
            tee.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Path rerunDir = results.resolve(m.study());
        Path prov = rerunDir.resolve("provenance.json");
        if (!Files.isRegularFile(prov)) {
            out.add(new Outcome("rerun", m.study(), Result.FAIL, "the runner wrote no results (exit code " + p.exitValue()
                    + "); " + tail(log)));
            return;
        }
        JsonNode rp = new ObjectMapper().readTree(prov.toFile());
        String status = rp.path("status").asText("?");
        String bundled = m.status() == null ? "ok" : m.status();
        String err = rp.path("error").isNull() ? "" : ": " + rp.path("error").asText();
        out.add(new Outcome("rerun", m.study(), status.equals(bundled) ? (status.equals("ok") ? Result.PASS : Result.WARN)
                : Result.FAIL, String.format(java.util.Locale.ROOT, "status %s in %.1f s (bundled run: %s)%s", status, secs,
                bundled, err)));
        JsonNode ch = rp.path("checks");
        Integer passed = ch.path("passed").isInt() ? ch.get("passed").asInt() : null;
        Integer failed = ch.path("failed").isInt() ? ch.get("failed").asInt() : null;
        boolean sameChecks = java.util.Objects.equals(passed, m.checksPassed()) && java.util.Objects.equals(failed, m.checksFailed());
        out.add(new Outcome("checks", m.study(), sameChecks ? Result.PASS : Result.FAIL, "re-run " + passed + " passed, "
                + failed + " failed; bundle " + m.checksPassed() + " passed, " + m.checksFailed() + " failed"));
        compareTables(extract.resolve("results/tables"), rerunDir.resolve("tables"));
    }

    private void compareTables(Path bundled, Path rerun) {
        Set<String> a = csvs(bundled);
        Set<String> b = csvs(rerun);
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        if (all.isEmpty()) {
            out.add(new Outcome("table", "tables/", Result.WARN, "the study saved no tables: nothing to compare"));
        }
        for (String t : all) {
            String item = "tables/" + t;
            if (!b.contains(t)) {
                out.add(new Outcome("table", item, Result.FAIL, "in the bundle, not re-generated by the re-run"));
            } else if (!a.contains(t)) {
                out.add(new Outcome("table", item, Result.FAIL, "re-generated by the re-run, absent from the bundle"));
            } else {
                TableComparison.Result r = TableComparison.compare(bundled.resolve(t), rerun.resolve(t), o.rtol());
                out.add(new Outcome("table", item, r.match() ? Result.PASS : Result.FAIL, r.detail()));
            }
        }
    }

    private static Set<String> csvs(Path dir) {
        Set<String> s = new TreeSet<>();
        if (Files.isDirectory(dir)) {
            for (ContentHash.Entry e : ContentHash.files(dir)) {
                if (e.relativePath().endsWith(".csv")) {
                    s.add(e.relativePath());
                }
            }
        }
        return s;
    }

    /** Copies the runner's output (its progress bar and verdict) to {@code log} and to this process's stderr. */
    private static Thread tee(InputStream in, Path log) throws IOException {
        OutputStream file = Files.newOutputStream(log);
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (in; file) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    file.write(buf, 0, n);
                    file.flush();
                    System.err.write(buf, 0, n);
                    System.err.flush();
                }
            } catch (IOException ignored) {
                // the runner was stopped: what was read is in the log
            }
        }, "verify-rerun-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .map(l -> l.contains("\r") ? l.substring(l.lastIndexOf('\r') + 1) : l).filter(l -> !l.isBlank()).toList();
            return "last lines of the runner's output: " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 4), lines.size()));
        } catch (IOException e) {
            return "no runner output (" + e.getMessage() + ")";
        }
    }

    /** Deletes a folder tree without following symbolic links (references into data/ are links). */
    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: a temporary folder
        }
    }
}
