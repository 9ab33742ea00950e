package org.trainingdynamics.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.cli.WorkbenchCli;
import org.trainingdynamics.study.VerifyReport.Result;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.TrajectoryRecorder;
import picocli.CommandLine;

/**
 * Study bundles on a synthetic results folder and synthetic trajectories: pack/verify round trip (integrity only),
 * tampering, truncation, overwrite refusal, embed vs reference by size, and data-set content hashes (checked
 * against an independent {@code sha256sum} pipeline).
 */
class StudyBundleTest {
    @TempDir
    Path tmp;
    Path data;
    Path results;
    byte[] figure;

    @BeforeEach
    void setUp() throws Exception {
        data = tmp.resolve("data");
        trajectory(data.resolve("small"), 4, 3, 1);      // 4x3 float32 x 5 checkpoints: well under 1 KiB of params
        trajectory(data.resolve("group/big"), 64, 64, 2); // 64x64 float32 x 5 checkpoints: ~80 KiB
        System.setProperty("workbench.data", data.toString());
        DataSets.clear();
        DataSets.use("small");
        DataSets.use("group/big");
        DataSets.use("not-there"); // probed, absent: left out of provenance
        results = tmp.resolve("results/demo-study");
        Files.createDirectories(results.resolve("tables"));
        Files.createDirectories(results.resolve("figures"));
        Files.writeString(results.resolve("tables/errors.csv"), "k,error\n1,0.5\n2,0.25\n");
        Files.writeString(results.resolve("tables/names.csv"), "name,note\na,\"x, y\"\n");
        figure = new byte[20_000];
        new Random(7).nextBytes(figure); // incompressible: stored almost verbatim inside the zip
        Files.write(results.resolve("figures/plot.png"), figure);
        Files.writeString(results.resolve("demo-study.html"), "<html>demo</html>");
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("study", "demo-study");
        prov.put("profile", "smoke");
        prov.put("git_commit", "0123456789abcdef0123456789abcdef01234567");
        prov.put("git_dirty", false);
        prov.put("notebook_sha256", "ab".repeat(32));
        prov.put("status", "ok");
        prov.put("checks", Map.of("passed", 2, "failed", 0));
        prov.put("data", DataSets.used().stream().map(DataSets.DataSet::toMap).toList());
        Files.writeString(results.resolve("provenance.json"), new ObjectMapper().writeValueAsString(prov));
    }

    @AfterEach
    void tearDown() {
        System.clearProperty("workbench.data");
        DataSets.clear();
    }

    static void trajectory(Path dir, int rows, int cols, long seed) {
        Random r = new Random(seed);
        try (TrajectoryRecorder rec = TrajectoryRecorder.create(dir, List.of(TensorSpec.of("w", rows, cols)), Map.of("seed", seed))) {
            for (int t = 0; t < 5; t++) {
                double[] w = new double[rows * cols];
                for (int i = 0; i < w.length; i++) {
                    w[i] = r.nextGaussian();
                }
                rec.append(t, t, Map.of("w", w));
                rec.logMetrics(t, Map.of("loss", 1.0 / (t + 1)));
            }
        }
    }

    @Test
    void packAndVerifyRoundTripInIntegrityOnlyMode() throws Exception {
        Path archive = tmp.resolve("out/demo.zip");
        StudyBundle.PackResult r = StudyBundle.pack(results, archive, StudyBundle.PackOptions.defaults());
        assertThat(r.archive()).exists();
        assertThat(r.bytes()).isEqualTo(Files.size(archive));
        BundleManifest m = r.manifest();
        assertThat(m.study()).isEqualTo("demo-study");
        assertThat(m.profile()).isEqualTo("smoke");
        assertThat(m.checksPassed()).isEqualTo(2);
        assertThat(m.data()).extracting(BundleManifest.DataEntry::name).containsExactly("small", "group/big");
        assertThat(m.data()).allMatch(BundleManifest.DataEntry::embedded);
        // every results file and every data file is in the archive, its manifest hash is the file's SHA-256
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            for (String rel : List.of("tables/errors.csv", "tables/names.csv", "figures/plot.png", "demo-study.html", "provenance.json")) {
                BundleManifest.FileEntry e = entry(m, "results/" + rel);
                assertThat(e.sha256()).isEqualTo(sha256(Files.readAllBytes(results.resolve(rel))));
                assertThat(zip.getInputStream(zip.getEntry("results/" + rel)).readAllBytes())
                        .isEqualTo(Files.readAllBytes(results.resolve(rel)));
            }
            assertThat(zip.getEntry("data/small/params/w.npy")).isNotNull();
            assertThat(zip.getEntry("data/group/big/trajectory.json")).isNotNull();
            assertThat(zip.getEntry("data/not-there")).isNull();
            assertThat(new String(zip.getInputStream(zip.getEntry("manifest.json")).readAllBytes(), StandardCharsets.UTF_8))
                    .contains("\"format\" : \"workbench-bundle/1\"");
        }
        assertThat(m.files()).hasSize(5 + 3 + 3); // results + two trajectories (trajectory.json, params/w.npy, metrics.csv)

        VerifyReport v = StudyBundle.verify(archive, StudyBundle.VerifyOptions.defaults().withIntegrityOnly(true));
        assertThat(v.ok()).as(v.toTable().printAll()).isTrue();
        assertThat(v.of("file")).hasSize(m.files().size()).allMatch(o -> o.result() == Result.PASS);
        assertThat(v.of("data")).hasSize(2).allMatch(o -> o.result() == Result.PASS);
        assertThat(v.of("rerun")).isEmpty();
        assertThat(v.manifestSha256()).isEqualTo(r.manifestSha256());
        assertThat(v.toTable().rowCount()).isEqualTo(v.outcomes().size());
        assertThat(v.summary()).startsWith("VERIFIED");

        // the same through the command line: exit 0 for a good bundle
        Path viaCli = tmp.resolve("cli/demo.zip");
        assertThat(WorkbenchCli.commandLine().execute("bundle", results.toString(), "-o", viaCli.toString())).isZero();
        assertThat(WorkbenchCli.commandLine().execute("verify", viaCli.toString(), "--integrity-only")).isZero();
    }

    @Test
    void tamperedFileIsDetectedAndNamed() throws Exception {
        Path archive = tmp.resolve("demo.zip");
        StudyBundle.pack(results, archive, StudyBundle.PackOptions.defaults());
        // (a) a rewritten entry (valid zip, content changed) and an extra entry
        Path edited = tmp.resolve("edited.zip");
        rewrite(archive, edited, Map.of("results/tables/errors.csv", "k,error\n1,0.5\n2,0.26\n".getBytes(StandardCharsets.UTF_8),
                "results/extra.txt", "sneaked in".getBytes(StandardCharsets.UTF_8)));
        VerifyReport v = StudyBundle.verify(edited, StudyBundle.VerifyOptions.defaults().withIntegrityOnly(true));
        assertThat(v.ok()).isFalse();
        assertThat(v.failures()).extracting(VerifyReport.Outcome::item)
                .containsExactlyInAnyOrder("results/tables/errors.csv", "results/extra.txt");
        assertThat(v.failures().get(0).detail()).contains("content differs from the manifest");
        assertThat(v.summary()).startsWith("NOT VERIFIED");
        assertThat(WorkbenchCli.commandLine().execute("verify", edited.toString(), "--integrity-only")).isEqualTo(1);

        // (b) one byte flipped inside the stored bytes of the figure: the zip's CRC or our hash names that file
        byte[] zip = Files.readAllBytes(archive);
        int at = indexOf(zip, Arrays.copyOfRange(figure, 10_000, 10_032));
        assertThat(at).as("random figure bytes stored verbatim").isPositive();
        zip[at + 5] ^= 0x5a;
        Path flipped = tmp.resolve("flipped.zip");
        Files.write(flipped, zip);
        VerifyReport f = StudyBundle.verify(flipped, StudyBundle.VerifyOptions.defaults().withIntegrityOnly(true));
        assertThat(f.failures()).singleElement().satisfies(o -> {
            assertThat(o.item()).isEqualTo("results/figures/plot.png");
            assertThat(o.detail()).containsAnyOf("unreadable", "content differs");
        });
        // and the full verification does not re-run a damaged bundle
        VerifyReport full = StudyBundle.verify(flipped, StudyBundle.VerifyOptions.defaults());
        assertThat(full.of("rerun")).singleElement().extracting(VerifyReport.Outcome::result).isEqualTo(Result.SKIP);
        assertThat(full.ok()).isFalse();
    }

    @Test
    void truncatedArchiveGivesAReadableError() throws Exception {
        Path archive = tmp.resolve("demo.zip");
        StudyBundle.pack(results, archive, StudyBundle.PackOptions.defaults());
        byte[] all = Files.readAllBytes(archive);
        Path cut = tmp.resolve("cut.zip");
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        assertThatThrownBy(() -> StudyBundle.verify(cut, StudyBundle.VerifyOptions.defaults().withIntegrityOnly(true)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cut.zip").hasMessageContaining("not a readable zip archive");
        // through the CLI: one line on stderr, exit 2, no stack trace
        StringWriter err = new StringWriter();
        CommandLine cl = WorkbenchCli.commandLine();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("verify", cut.toString(), "--integrity-only");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: ").contains("cut.zip").doesNotContain("\tat ");
        // a zip that is not a bundle
        Path other = tmp.resolve("other.zip");
        rewrite(archive, other, Map.of(), "manifest.json");
        assertThatThrownBy(() -> StudyBundle.verify(other, StudyBundle.VerifyOptions.defaults()))
                .hasMessageContaining("not a workbench bundle");
    }

    @Test
    void refusesToOverwriteWithoutForce() throws Exception {
        Path archive = tmp.resolve("out/demo.zip");
        StudyBundle.pack(results, archive, StudyBundle.PackOptions.defaults());
        byte[] before = Files.readAllBytes(archive);
        Files.writeString(results.resolve("tables/errors.csv"), "k,error\n1,0.4\n");
        assertThatThrownBy(() -> StudyBundle.pack(results, archive, StudyBundle.PackOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already exists").hasMessageContaining("--force");
        assertThat(Files.readAllBytes(archive)).isEqualTo(before);
        assertThat(Files.list(archive.getParent()).toList()).containsExactly(archive); // no temporary left behind
        int code = WorkbenchCli.commandLine().execute("bundle", results.toString(), "-o", archive.toString());
        assertThat(code).isEqualTo(2);
        assertThat(Files.readAllBytes(archive)).isEqualTo(before);

        StudyBundle.PackResult r = StudyBundle.pack(results, archive, StudyBundle.PackOptions.defaults().withForce(true));
        assertThat(entry(r.manifest(), "results/tables/errors.csv").sha256())
                .isEqualTo(sha256("k,error\n1,0.4\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(Files.list(archive.getParent()).toList()).containsExactly(archive);
        assertThatThrownBy(() -> StudyBundle.pack(results, results.resolve("inside.zip"), StudyBundle.PackOptions.defaults()))
                .hasMessageContaining("inside the results folder");
        assertThatThrownBy(() -> StudyBundle.pack(tmp.resolve("nope"), tmp.resolve("x.zip"), StudyBundle.PackOptions.defaults()))
                .hasMessageContaining("does not exist");
    }

    @Test
    void smallDataSetsAreEmbeddedLargeOnesReferencedAndResolvedByHash() throws Exception {
        long small = ContentHash.size(data.resolve("small"));
        long big = ContentHash.size(data.resolve("group/big"));
        assertThat(small).isLessThan(big);
        Path archive = tmp.resolve("demo.zip");
        StudyBundle.PackResult r = StudyBundle.pack(results, archive,
                StudyBundle.PackOptions.defaults().withMaxEmbedBytes((small + big) / 2));
        assertThat(r.manifest().data()).extracting(BundleManifest.DataEntry::name, BundleManifest.DataEntry::embedded)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("small", true), org.assertj.core.groups.Tuple.tuple("group/big", false));
        assertThat(r.manifest().data().get(1).bytes()).isEqualTo(big);
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            assertThat(zip.stream().map(ZipEntry::getName).filter(n -> n.startsWith("data/")))
                    .isNotEmpty().allMatch(n -> n.startsWith("data/small/"));
        }
        assertThat(r.dataTable().booleanColumn("embedded").asList()).containsExactly(true, false);

        // the reference resolves against a local data folder and is checked by content hash
        StudyBundle.VerifyOptions io = StudyBundle.VerifyOptions.defaults().withIntegrityOnly(true);
        VerifyReport ok = StudyBundle.verify(archive, io.withDataFolder(data));
        assertThat(ok.ok()).isTrue();
        assertThat(ok.of("data")).extracting(VerifyReport.Outcome::detail)
                .anySatisfy(d -> assertThat(d).startsWith("embedded"))
                .anySatisfy(d -> assertThat(d).startsWith("referenced, local copy"));
        // absent locally: skipped in integrity-only mode, a failure when the study is to be re-run
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        VerifyReport absent = StudyBundle.verify(archive, io.withDataFolder(empty));
        assertThat(absent.ok()).isTrue();
        assertThat(absent.of("data").get(1).result()).isEqualTo(Result.SKIP);
        VerifyReport needed = StudyBundle.verify(archive, StudyBundle.VerifyOptions.defaults().withDataFolder(empty));
        assertThat(needed.failures()).extracting(VerifyReport.Outcome::item).containsExactly("group/big");
        assertThat(needed.failures().get(0).detail()).contains("--data");
        // a local copy whose content changed is refused, naming the data set
        Path npy = data.resolve("group/big/params/w.npy");
        byte[] b = Files.readAllBytes(npy);
        b[b.length - 1] ^= 1;
        Files.write(npy, b);
        VerifyReport changed = StudyBundle.verify(archive, io.withDataFolder(data));
        assertThat(changed.failures()).singleElement().satisfies(o -> {
            assertThat(o.item()).isEqualTo("group/big");
            assertThat(o.detail()).contains("has sha256");
        });
        // and packing a study whose data changed after it ran is refused
        assertThatThrownBy(() -> StudyBundle.pack(results, tmp.resolve("again.zip"), StudyBundle.PackOptions.defaults()))
                .hasMessageContaining("group/big").hasMessageContaining("changed since the study ran");
    }

    @Test
    void dataSetHashFollowsContentAndMatchesSha256sum() throws Exception {
        Path dir = data.resolve("small");
        String h = ContentHash.of(dir);
        assertThat(h).isEqualTo(sha256sumPipeline(dir));
        assertThat(DataSets.used()).extracting(DataSets.DataSet::name, DataSets.DataSet::sha256, DataSets.DataSet::files)
                .first().isEqualTo(org.assertj.core.groups.Tuple.tuple("small", h, 3));
        // one changed byte of one parameter file changes the hash; restoring it restores the hash
        Path npy = dir.resolve("params/w.npy");
        byte[] orig = Files.readAllBytes(npy);
        byte[] b = orig.clone();
        b[b.length - 3] ^= 0x10;
        Files.write(npy, b);
        String changed = ContentHash.of(dir);
        assertThat(changed).isNotEqualTo(h).isEqualTo(sha256sumPipeline(dir));
        Files.write(npy, orig);
        assertThat(ContentHash.of(dir)).isEqualTo(h);
        // renaming a file changes it too (names are part of the content)
        Files.move(dir.resolve("metrics.csv"), dir.resolve("metrics2.csv"));
        assertThat(ContentHash.of(dir)).isNotEqualTo(h);
        // names that escape the data folder are refused
        assertThatThrownBy(() -> Study.data("../secret")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Study.data("/etc")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Study.data("small")).isEqualTo(data.resolve("small"));
    }

    // ---- helpers ----

    static BundleManifest.FileEntry entry(BundleManifest m, String path) {
        return m.files().stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow(() -> new AssertionError(path));
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** The folder hash as coreutils computes it (independent of ContentHash). */
    static String sha256sumPipeline(Path dir) throws Exception {
        Process p = new ProcessBuilder("bash", "-c",
                "cd \"$1\" && find . -type f | sed 's|^\\./||' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1",
                "bash", dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Copies a zip, replacing/adding the given entries and dropping the named ones. */
    static void rewrite(Path from, Path to, Map<String, byte[]> replace, String... drop) throws IOException {
        Map<String, byte[]> todo = new HashMap<>(replace);
        List<String> dropped = new ArrayList<>(List.of(drop));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipFile in = new ZipFile(from.toFile()); ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (ZipEntry e : in.stream().toList()) {
                if (dropped.contains(e.getName())) {
                    continue;
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                byte[] b = todo.remove(e.getName());
                try (InputStream s = in.getInputStream(e)) {
                    out.write(b != null ? b : s.readAllBytes());
                }
                out.closeEntry();
            }
            for (Map.Entry<String, byte[]> e : todo.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        Files.write(to, bytes.toByteArray());
    }
}
