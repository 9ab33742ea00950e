package org.trainingdynamics.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.trainingdynamics.trajectory.AtomicFiles;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Sharing a study: {@link #pack} puts a study's results folder (executed notebook, HTML, figures, tables,
 * provenance), the data sets it used (embedded when small, else referenced by name and content hash) and a
 * {@link BundleManifest} with the SHA-256 of every file into one {@code .zip}; {@link #verify} checks such an
 * archive on another machine — integrity of every file, then (unless integrity-only) a re-run of the study's
 * notebook in the recorded profile through the reproduce runner ({@code environment/run_notebooks.py}) and a
 * cell-by-cell comparison of every re-generated table ({@link TableComparison}) and of the PASS/FAIL counts.
 *
 * <p>Archive layout: {@code results/...} (the results folder), {@code data/<name>/...} (embedded data sets),
 * {@code manifest.json}. The archive is written to a temporary sibling and renamed into place, so a crash never
 * leaves a half archive, and an existing archive is replaced only with {@link PackOptions#force()}.
 */
public final class StudyBundle {
    /** Archive folder holding the results files. */
    public static final String RESULTS = "results/";
    /** Archive folder holding embedded data sets. */
    public static final String DATA = "data/";

    private StudyBundle() {
    }

    /**
     * Options of {@link #pack}.
     *
     * @param maxEmbedBytes data sets up to this size are embedded, larger ones referenced (name + hash)
     * @param force         replace an existing archive
     * @param dataFolder    where to look for the data sets (null: the recorded path, then {@link DataSets#folder()})
     */
    public record PackOptions(long maxEmbedBytes, boolean force, Path dataFolder) {
        /** Default embedding threshold: 64 MiB. */
        public static final long DEFAULT_MAX_EMBED_BYTES = 64L << 20;

        /** Validates. */
        public PackOptions {
            if (maxEmbedBytes < 0) {
                throw new IllegalArgumentException("the embedding threshold must be >= 0 bytes, got " + maxEmbedBytes);
            }
        }

        /** 64 MiB threshold, no overwriting, default data folder. */
        public static PackOptions defaults() {
            return new PackOptions(DEFAULT_MAX_EMBED_BYTES, false, null);
        }

        /** With another embedding threshold. */
        public PackOptions withMaxEmbedBytes(long bytes) {
            return new PackOptions(bytes, force, dataFolder);
        }

        /** Allowing an existing archive to be replaced. */
        public PackOptions withForce(boolean f) {
            return new PackOptions(maxEmbedBytes, f, dataFolder);
        }

        /** Looking for data sets in {@code folder}. */
        public PackOptions withDataFolder(Path folder) {
            return new PackOptions(maxEmbedBytes, force, folder);
        }
    }

    /**
     * What {@link #pack} wrote.
     *
     * @param archive        the archive
     * @param bytes          its size
     * @param manifest       its manifest
     * @param manifestSha256 SHA-256 of {@code manifest.json} (quote it beside the archive so a recipient can check it)
     * @param notes          remarks (e.g. a data set that could not be found locally and is only referenced)
     */
    public record PackResult(Path archive, long bytes, BundleManifest manifest, String manifestSha256, List<String> notes) {
        /** Defensive copy. */
        public PackResult {
            notes = List.copyOf(notes);
        }

        /** One row per data set: name, size, files, embedded or referenced, content hash. */
        public Table dataTable() {
            Table t = Table.create("data sets", StringColumn.create("data set"), LongColumn.create("bytes"),
                    IntColumn.create("files"), BooleanColumn.create("embedded"), StringColumn.create("sha256"));
            for (BundleManifest.DataEntry d : manifest.data()) {
                t.stringColumn(0).append(d.name());
                t.longColumn(1).append(d.bytes());
                t.intColumn(2).append(d.files());
                t.booleanColumn(3).append(d.embedded());
                t.stringColumn(4).append(d.sha256());
            }
            return t;
        }
    }

    /**
     * Packs {@code resultsDir} (a study's results folder, holding {@code provenance.json} as written by the
     * reproduce runner, or at least {@code provenance-java.json} from {@link Study#finish()}) into {@code archive}.
     */
    public static PackResult pack(Path resultsDir, Path archive, PackOptions options) {
        if (!Files.isDirectory(resultsDir)) {
            throw new IllegalArgumentException("results folder " + resultsDir + " does not exist");
        }
        Path results = resultsDir.toAbsolutePath().normalize();
        Path target = archive.toAbsolutePath().normalize();
        if (target.startsWith(results)) {
            throw new IllegalArgumentException("archive " + archive + " lies inside the results folder it would pack");
        }
        if (Files.isDirectory(target)) {
            throw new IllegalArgumentException("archive " + archive + " is a folder");
        }
        if (Files.exists(target) && !options.force()) {
            throw new IllegalArgumentException("archive " + archive + " already exists (use --force to replace it)");
        }
        JsonNode prov = provenance(results);
        String study = text(prov, "study", results.getFileName().toString());
        String profile = text(prov, "profile", null);
        if (profile == null) {
            throw new IllegalArgumentException(results + ": provenance records no profile");
        }
        List<String> notes = new ArrayList<>();

        // every results file, then every embedded data file: archive path -> source file
        List<String> names = new ArrayList<>();
        List<Path> sources = new ArrayList<>();
        for (ContentHash.Entry e : ContentHash.files(results)) {
            names.add(RESULTS + e.relativePath());
            sources.add(e.file());
        }
        List<BundleManifest.DataEntry> data = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>(names);
        JsonNode used = prov.path("data");
        if (!used.isArray()) {
            notes.add("provenance lists no data sets (results written before data sets were recorded?)");
        }
        for (JsonNode d : used) {
            String name = DataSets.check(d.path("name").asText());
            String sha = d.path("sha256").asText(null);
            if (sha == null) {
                throw new IllegalArgumentException(results + ": provenance lists data set " + name + " without a sha256");
            }
            Path found = locate(name, d.path("path").asText(null), sha, options.dataFolder());
            if (found == null) {
                notes.add("data set " + name + " not found locally: stored as a reference (name + sha256)");
                data.add(new BundleManifest.DataEntry(name, d.path("path").asText(null), sha, d.path("bytes").asLong(-1),
                        d.path("files").asInt(-1), false));
                continue;
            }
            long bytes = ContentHash.size(found);
            boolean embed = bytes <= options.maxEmbedBytes();
            List<ContentHash.Entry> files = Files.isDirectory(found) ? ContentHash.files(found)
                    : List.of(new ContentHash.Entry(found.getFileName().toString(), found, bytes));
            data.add(new BundleManifest.DataEntry(name, d.path("path").asText(null), sha, bytes, files.size(), embed));
            if (embed) {
                String prefix = Files.isDirectory(found) ? DATA + name + "/" : DATA + parentOf(name);
                for (ContentHash.Entry e : files) {
                    String n = prefix + e.relativePath();
                    if (seen.add(n)) {
                        names.add(n);
                        sources.add(e.file());
                    }
                }
            }
        }

        Instant created = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<BundleManifest.FileEntry> entries = new ArrayList<>();
        String[] manifestSha = new String[1];
        BundleManifest[] manifest = new BundleManifest[1];
        writeArchive(target, options.force(), out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (int i = 0; i < names.size(); i++) {
                entries.add(copyEntry(zip, names.get(i), sources.get(i), created));
            }
            JsonNode checks = prov.path("checks");
            manifest[0] = new BundleManifest(study, profile, text(prov, "git_commit", null),
                    prov.path("git_dirty").isBoolean() ? prov.get("git_dirty").asBoolean() : null, created.toString(),
                    text(prov, "notebook_sha256", null),
                    checks.path("passed").isInt() ? checks.get("passed").asInt() : null,
                    checks.path("failed").isInt() ? checks.get("failed").asInt() : null,
                    text(prov, "status", null), entries, data);
            byte[] json = manifest[0].toJson().getBytes(StandardCharsets.UTF_8);
            manifestSha[0] = HexFormat.of().formatHex(digest().digest(json));
            ZipEntry me = new ZipEntry(BundleManifest.NAME);
            me.setTime(created.toEpochMilli());
            zip.putNextEntry(me);
            zip.write(json);
            zip.closeEntry();
            zip.finish();
        });
        try {
            return new PackResult(target, Files.size(target), manifest[0], manifestSha[0], notes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Verifies an archive made by {@link #pack} (see {@link VerifyOptions} and {@link VerifyReport}). */
    public static VerifyReport verify(Path archive, VerifyOptions options) {
        return new BundleVerifier(archive, options).run();
    }

    private static String parentOf(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? "" : name.substring(0, slash + 1);
    }

    private static JsonNode provenance(Path results) {
        Path f = results.resolve("provenance.json");
        if (!Files.isRegularFile(f)) {
            f = results.resolve("provenance-java.json");
        }
        if (!Files.isRegularFile(f)) {
            throw new IllegalArgumentException(results + " is not a study's results folder: it has no provenance.json");
        }
        try {
            JsonNode n = new ObjectMapper().readTree(f.toFile());
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException(f + " is not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new IllegalArgumentException(f + " is not valid JSON: " + e.getMessage());
        }
    }

    /** The local copy of a data set with the recorded hash; null when none exists; error when one exists but differs. */
    private static Path locate(String name, String recordedPath, String sha, Path dataFolder) {
        List<Path> candidates = new ArrayList<>();
        if (dataFolder != null) {
            candidates.add(dataFolder.resolve(name));
        } else {
            if (recordedPath != null) {
                Path p = Path.of(recordedPath);
                if (p.isAbsolute()) {
                    candidates.add(p);
                } else {
                    try {
                        candidates.add(Study.root().resolve(p));
                    } catch (IllegalStateException ignored) {
                        // not inside a checkout: only the data folder is searched
                    }
                }
            }
            try {
                candidates.add(DataSets.folder().resolve(name));
            } catch (IllegalStateException ignored) {
                // no data folder
            }
        }
        for (Path c : candidates) {
            if (Files.exists(c)) {
                String now = ContentHash.of(c);
                if (!now.equals(sha)) {
                    throw new IllegalArgumentException("data set " + name + " at " + c + " has changed since the study ran"
                            + " (recorded sha256 " + sha + ", now " + now + "); re-run the study before bundling it");
                }
                return c;
            }
        }
        return null;
    }

    private static BundleManifest.FileEntry copyEntry(ZipOutputStream zip, String name, Path source, Instant time)
            throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setTime(time.toEpochMilli());
        zip.putNextEntry(e);
        MessageDigest md = digest();
        long n;
        try (InputStream in = new DigestInputStream(Files.newInputStream(source), md)) {
            n = in.transferTo(zip);
        }
        zip.closeEntry();
        return new BundleManifest.FileEntry(name, HexFormat.of().formatHex(md.digest()), n);
    }

    interface ArchiveBody {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes to a hidden temporary sibling, forces it to disk and moves it into place: atomically replacing when
     * {@code force}, else by a hard link that fails if the target appeared meanwhile (falling back to a move that
     * refuses to replace where hard links are unsupported). The temporary is removed on any failure.
     */
    static void writeArchive(Path target, boolean force, ArchiveBody body) {
        Path dir = target.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            AtomicFiles.publicReadable(tmp, false);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = new java.io.BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                body.write(out);
                out.flush();
                ch.force(true);
            }
            if (force) {
                AtomicFiles.move(tmp, target);
            } else {
                try {
                    Files.createLink(target, tmp);
                    Files.delete(tmp);
                } catch (FileAlreadyExistsException e) {
                    throw e;
                } catch (UnsupportedOperationException | IOException e) {
                    Files.move(tmp, target);
                }
            }
            tmp = null;
            AtomicFiles.fsyncDir(dir);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException("archive " + target + " already exists (use --force to replace it)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary is hidden
                }
            }
        }
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(JsonNode o, String field, String dflt) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? dflt : v.asText();
    }

    /**
     * Options of {@link #verify}.
     *
     * @param integrityOnly only check the archive's files against the manifest (no re-run)
     * @param rtol          relative tolerance for numeric table cells (0: identical text)
     * @param dataFolder    where referenced data sets are looked up (null: {@link DataSets#folder()})
     * @param root          the checkout whose notebook and reproduce runner re-run the study (null: {@link Study#root()})
     * @param workDir       folder for the extracted bundle and the re-run, kept afterwards (null: a temporary folder, deleted)
     * @param timeout       limit for the whole re-run
     * @param python        the Python that has nbclient/nbconvert (the reproduce runner's, {@code /usr/bin/python3})
     * @param environment   extra environment variables for the re-run (e.g. {@code JUPYTER_PATH})
     */
    public record VerifyOptions(boolean integrityOnly, double rtol, Path dataFolder, Path root, Path workDir,
                                Duration timeout, String python, Map<String, String> environment) {
        /** Validates. */
        public VerifyOptions {
            if (!(rtol >= 0) || Double.isInfinite(rtol)) {
                throw new IllegalArgumentException("rtol must be a finite number >= 0, got " + rtol);
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the re-run timeout must be positive, got " + timeout);
            }
            environment = Map.copyOf(environment);
        }

        /** Full re-check, exact tables, default folders, 2 h limit, {@code /usr/bin/python3}. */
        public static VerifyOptions defaults() {
            return new VerifyOptions(false, 0, null, null, null, Duration.ofHours(2), "/usr/bin/python3", Map.of());
        }

        /** Only the integrity check (or the full re-check when false). */
        public VerifyOptions withIntegrityOnly(boolean only) {
            return new VerifyOptions(only, rtol, dataFolder, root, workDir, timeout, python, environment);
        }

        /** With a relative tolerance for numeric cells. */
        public VerifyOptions withRtol(double r) {
            return new VerifyOptions(integrityOnly, r, dataFolder, root, workDir, timeout, python, environment);
        }

        /** Looking up referenced data sets in {@code folder}. */
        public VerifyOptions withDataFolder(Path folder) {
            return new VerifyOptions(integrityOnly, rtol, folder, root, workDir, timeout, python, environment);
        }

        /** Re-running with the notebook and runner of the checkout at {@code r}. */
        public VerifyOptions withRoot(Path r) {
            return new VerifyOptions(integrityOnly, rtol, dataFolder, r, workDir, timeout, python, environment);
        }

        /** Extracting and re-running in {@code dir} (kept). */
        public VerifyOptions withWorkDir(Path dir) {
            return new VerifyOptions(integrityOnly, rtol, dataFolder, root, dir, timeout, python, environment);
        }

        /** With a limit for the re-run. */
        public VerifyOptions withTimeout(Duration t) {
            return new VerifyOptions(integrityOnly, rtol, dataFolder, root, workDir, t, python, environment);
        }

        /** With extra environment variables for the re-run. */
        public VerifyOptions withEnvironment(Map<String, String> env) {
            return new VerifyOptions(integrityOnly, rtol, dataFolder, root, workDir, timeout, python, env);
        }
    }
}
