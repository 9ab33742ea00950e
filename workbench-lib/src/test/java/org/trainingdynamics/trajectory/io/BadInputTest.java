package org.trainingdynamics.trajectory.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.trajectory.NonFinitePolicy;
import org.trainingdynamics.trajectory.Npy;
import org.trainingdynamics.trajectory.NpyArray;
import org.trainingdynamics.trajectory.StoredTrajectory;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.TrajectoryFormatException;

/** Every bad-input case of issue 2: one clear error naming the file, the tensor (when one is involved) and the problem. */
class BadInputTest {
    @TempDir
    Path tmp;

    private Path dir(String name) throws IOException {
        return Files.createDirectories(tmp.resolve(name));
    }

    private AbstractThrowableAssert<?, ? extends Throwable> importing(Path src) {
        return assertThatThrownBy(() -> Importer.importTo(src, tmp.resolve("out-" + src.getFileName())))
                .isInstanceOfAny(TrajectoryFormatException.class, IllegalArgumentException.class);
    }

    private static NpyArray f32(float... v) {
        return NpyArray.of(v, v.length);
    }

    /** A safetensors file from a header JSON and data bytes (used only for the malformed cases). */
    static byte[] safetensors(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return b.array();
    }

    @Test
    void truncatedAndCorruptNpy() throws IOException {
        Path d = dir("npy");
        Npy.write(d.resolve("step_1.npy"), new float[]{1, 2, 3, 4}, 4);
        byte[] full = Npy.toBytes(f32(1, 2, 3, 4));
        Files.write(d.resolve("step_2.npy"), Arrays.copyOf(full, full.length - 3));
        importing(d).hasMessageContaining("step_2.npy").hasMessageContaining("truncated .npy data");
        Files.write(d.resolve("step_2.npy"), Zips.replace(full, "NUMPY", "NUMPX"));
        importing(d).hasMessageContaining("step_2.npy").hasMessageContaining("not a .npy file: bad magic");
        Files.write(d.resolve("step_2.npy"), Zips.replace(full, "'descr'", "'dexcr'"));
        importing(d).hasMessageContaining("step_2.npy").hasMessageContaining("corrupt .npy header");
        Files.write(d.resolve("step_2.npy"), Zips.replace(full, "<f4", "<c8"));
        importing(d).hasMessageContaining("step_2.npy").hasMessageContaining("unsupported dtype '<c8'");
    }

    @Test
    void truncatedAndCorruptNpz() throws IOException {
        Path d = dir("npz");
        Zips.npz(d.resolve("s1.npz"), Map.of("a", f32(1, 2)));
        Zips.npz(d.resolve("s2.npz"), Map.of("a", f32(3, 4)));
        byte[] good = Files.readAllBytes(d.resolve("s2.npz"));
        Files.write(d.resolve("s2.npz"), Arrays.copyOf(good, good.length / 2));
        importing(d).hasMessageContaining("s2.npz").hasMessageContaining("not a valid .npz (zip) archive");
        Zips.write(d.resolve("s2.npz"), Map.of("a.npy", "garbage, not an array".getBytes()));
        importing(d).hasMessageContaining("s2.npz[a.npy]").hasMessageContaining("not a .npy file");
    }

    @Test
    void corruptSafetensorsHeaders() throws IOException {
        Path d = dir("st");
        byte[] data = new byte[16];
        String ok = "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
        Files.write(d.resolve("m_1.safetensors"), safetensors(ok, data));
        Path bad = d.resolve("m_2.safetensors");
        byte[] inflated = safetensors(ok, data);
        ByteBuffer.wrap(inflated).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        Files.write(bad, inflated);
        importing(d).hasMessageContaining("m_2.safetensors").hasMessageContaining("header length 1099511627776 is implausible");
        Files.write(bad, Arrays.copyOf(safetensors(ok, data), 30));
        importing(d).hasMessageContaining("m_2.safetensors").hasMessageContaining("exceeds the file");
        Files.write(bad, safetensors("{\"w\":{\"dtype\":\"F32\",", data));
        importing(d).hasMessageContaining("m_2.safetensors").hasMessageContaining("invalid JSON");
        Files.write(bad, safetensors(ok, new byte[12]));
        importing(d).hasMessageContaining("m_2.safetensors").hasMessageContaining("tensor 'w'")
                .hasMessageContaining("outside the 12 data bytes");
        Files.write(bad, safetensors(ok.replace("F32", "F8_E4M3"), data));
        importing(d).hasMessageContaining("m_2.safetensors").hasMessageContaining("tensor 'w'")
                .hasMessageContaining("unsupported dtype F8_E4M3");
        Files.write(bad, safetensors(ok.replace("[4]", "[5]"), data));
        importing(d).hasMessageContaining("m_2.safetensors").hasMessageContaining("tensor 'w'")
                .hasMessageContaining("needs 20");
        Files.write(bad, safetensors(ok.replace("\"w\"", "\"v\""), data));
        importing(d).hasMessageContaining("tensor 'w'").hasMessageContaining("missing in this checkpoint (step 2)");
    }

    @Test
    void corruptTorchZipAndPickle() throws IOException {
        Path d = dir("pt");
        Files.copy(ImporterTest.torch("run/step_0.pt"), d.resolve("step_0.pt"));
        byte[] good = Files.readAllBytes(ImporterTest.torch("run/step_10.pt"));
        Path bad = d.resolve("step_10.pt");
        Files.write(bad, Arrays.copyOf(good, good.length - 40));
        importing(d).hasMessageContaining("step_10.pt").hasMessageContaining("corrupt PyTorch zip checkpoint");
        Zips.rewrite(ImporterTest.torch("run/step_10.pt"), bad, n -> n,
                Map.of("data.pkl", b -> Arrays.copyOf(b, b.length - 10)));
        importing(d).hasMessageContaining("step_10.pt").hasMessageContaining("data.pkl")
                .hasMessageContaining("corrupt pickle").hasMessageContaining("truncated");
        Zips.rewrite(ImporterTest.torch("run/step_10.pt"), bad, n -> n, Map.of("data.pkl", b -> {
            byte[] c = b.clone();
            c[2] = (byte) 0xff;
            return c;
        }));
        importing(d).hasMessageContaining("corrupt pickle").hasMessageContaining("unsupported opcode 0xff");
        Zips.rewrite(ImporterTest.torch("run/step_10.pt"), bad, n -> n,
                Map.of("data.pkl", b -> Zips.replace(b, "torch\nFloatStorage\n", "torch\nComplexFloatStorage\n")));
        importing(d).hasMessageContaining("step_10").hasMessageContaining("tensor 'lin1.weight'")
                .hasMessageContaining("unsupported dtype: storage type ComplexFloatStorage");
        Map<String, byte[]> e = new LinkedHashMap<>(Zips.entries(ImporterTest.torch("run/step_10.pt")));
        String key = e.keySet().stream().filter(k -> k.endsWith("data/0")).findFirst().orElseThrow();
        e.remove(key);
        Zips.write(bad, e);
        importing(d).hasMessageContaining("step_10.pt").hasMessageContaining("storage '0' missing");
        Files.copy(ImporterTest.torch("legacy.pt"), bad, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        importing(d).hasMessageContaining("step_10.pt").hasMessageContaining("legacy (pre-1.6, non-zip)");
    }

    @Test
    void tensorMissingOrReshapedInOneCheckpoint() throws IOException {
        Path d = dir("shape");
        Zips.npz(d.resolve("step_1.npz"), Map.of("a", f32(1, 2), "b", f32(3, 4)));
        Zips.npz(d.resolve("step_2.npz"), Map.of("a", f32(1, 2)));
        importing(d).hasMessageContaining("step_2.npz").hasMessageContaining("tensor 'b'").hasMessageContaining("missing");
        Zips.npz(d.resolve("step_2.npz"), Map.of("a", f32(1, 2), "b", f32(3, 4, 5)));
        importing(d).hasMessageContaining("step_2.npz").hasMessageContaining("tensor 'b'")
                .hasMessageContaining("shape [3] at step 2 differs from [2]");
        Zips.npz(d.resolve("step_2.npz"), Map.of("a", f32(1, 2), "b", f32(3, 4), "c", f32(0)));
        importing(d).hasMessageContaining("step_2.npz").hasMessageContaining("tensor 'c'")
                .hasMessageContaining("not in the first checkpoint");
    }

    @Test
    void nonFiniteValuesUnderBothPolicies() throws IOException {
        Path d = dir("nan");
        Zips.npz(d.resolve("step_1.npz"), Map.of("a", f32(1, 2, 3)));
        Zips.npz(d.resolve("step_2.npz"), Map.of("a", f32(Float.NaN, 2, Float.POSITIVE_INFINITY)));
        importing(d).hasMessageContaining("step_2.npz").hasMessageContaining("tensor 'a'")
                .hasMessageContaining("2 NaN/Inf values");
        assertThat(tmp.resolve("out-nan")).doesNotExist();
        ImportSummary s = Importer.builder().nonFinite(NonFinitePolicy.ALLOW_AND_REPORT).build().run(d, tmp.resolve("kept"));
        assertThat(s.nonFinite()).containsEntry("a", 2L);
        assertThat(s.describe()).contains("NaN/Inf kept: {a=2}");
        StoredTrajectory t = Trajectories.open(tmp.resolve("kept"));
        assertThat(t.values("a", 1)).containsExactly(Double.NaN, 2, Double.POSITIVE_INFINITY);
        assertThat(t.metadata()).containsKey("nonfinite_values");
    }

    @Test
    void emptyFolderNonNumericStepsMixedKindsAndDuplicates() throws IOException {
        Path empty = dir("empty");
        importing(empty).hasMessageContaining("empty").hasMessageContaining("no checkpoint files");
        Path names = dir("names");
        Zips.npz(names.resolve("first.npz"), Map.of("a", f32(1)));
        Zips.npz(names.resolve("second.npz"), Map.of("a", f32(2)));
        importing(names).hasMessageContaining("first.npz").hasMessageContaining("no numeric step");
        Path mixed = dir("mixed");
        Zips.npz(mixed.resolve("s1.npz"), Map.of("a", f32(1)));
        Npy.write(mixed.resolve("s2.npy"), new float[]{1}, 1);
        importing(mixed).hasMessageContaining("mixed checkpoint file types");
        Path dup = dir("dup");
        Zips.npz(dup.resolve("s1.npz"), Map.of("a", f32(1)));
        Zips.npz(dup.resolve("t01.npz"), Map.of("a", f32(1)));
        importing(dup).hasMessageContaining("two checkpoints with step 1");
        importing(tmp.resolve("nowhere")).hasMessageContaining("nowhere").hasMessageContaining("not found");
    }

    @Test
    void badMetricsLogs() throws IOException {
        Path csv = tmp.resolve("m.csv");
        Files.writeString(csv, "epoch,loss\n1,0.5\n");
        assertThatThrownBy(() -> new MetricsLogs().add(csv)).hasMessageContaining("m.csv").hasMessageContaining("no 'step' column");
        Files.writeString(csv, "step,loss\nten,0.5\n");
        assertThatThrownBy(() -> new MetricsLogs().add(csv)).hasMessageContaining("line 2").hasMessageContaining("not an integer");
        Path js = tmp.resolve("m.json");
        Files.writeString(js, "[{\"loss\": 1}]");
        assertThatThrownBy(() -> new MetricsLogs().add(js)).hasMessageContaining("m.json").hasMessageContaining("no integer 'step'");
    }
}
