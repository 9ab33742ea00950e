package org.trainingdynamics.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.trainingdynamics.train.data.IdxFiles.idx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.trajectory.TrajectoryFormatException;

class IdxTest {
    @TempDir
    Path tmp;

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write(raw);
        }
        return b.toByteArray();
    }

    /** Writes a tiny Fashion-MNIST-like split: 3 images of 2x2 and their labels. */
    static void writeSplit(Path dir, String split, boolean gz) throws IOException {
        byte[] img = idx(new int[]{3, 2, 2}, new byte[]{0, (byte) 255, 10, 20, 30, 40, 50, 60, 70, 80, 90, (byte) 200});
        byte[] lbl = idx(new int[]{3}, new byte[]{9, 0, 4});
        Files.write(dir.resolve(split + "-images-idx3-ubyte" + (gz ? ".gz" : "")), gz ? gzip(img) : img);
        Files.write(dir.resolve(split + "-labels-idx1-ubyte" + (gz ? ".gz" : "")), gz ? gzip(lbl) : lbl);
    }

    @Test
    void readsPlainAndGzippedFilesWithTheirShapeAndValues() throws IOException {
        writeSplit(tmp, "train", true);
        writeSplit(tmp, "t10k", false);
        for (String split : new String[]{"train", "t10k"}) {
            Dataset d = FashionMnist.read(tmp, split);
            assertThat(d.size()).isEqualTo(3);
            assertThat(d.features().columns()).isEqualTo(4);
            assertThat(d.classes()).containsExactly(9, 0, 4);
            assertThat(d.features().getDouble(0, 1)).isCloseTo((1.0 - 0.2860) / 0.3530, org.assertj.core.data.Offset.offset(1e-5));
            assertThat(d.features().getDouble(2, 3)).isCloseTo((200 / 255.0 - 0.2860) / 0.3530, org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void truncatedDataNamesTheFileAndTheMissingBytes() throws IOException {
        byte[] ok = idx(new int[]{3, 2, 2}, new byte[12]);
        Path f = tmp.resolve("x-idx3-ubyte");
        Files.write(f, Arrays.copyOf(ok, ok.length - 5));
        assertThatThrownBy(() -> Idx.readUBytes(f)).isInstanceOf(TrajectoryFormatException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("truncated").hasMessageContaining("needs 12");
        Files.write(f, Arrays.copyOf(ok, 9));
        assertThatThrownBy(() -> Idx.readUBytes(f)).hasMessageContaining("truncated header");
        Files.write(f, Arrays.copyOf(ok, ok.length + 3));
        assertThatThrownBy(() -> Idx.readUBytes(f)).hasMessageContaining("3 bytes after");
    }

    @Test
    void corruptHeaderOrGzipIsRejectedClearly() throws IOException {
        Path f = tmp.resolve("bad-idx1-ubyte");
        byte[] raw = idx(new int[]{2}, new byte[]{1, 2});
        raw[0] = 0x1f;
        Files.write(f, raw);
        assertThatThrownBy(() -> Idx.readUBytes(f)).isInstanceOf(TrajectoryFormatException.class)
                .hasMessageContaining("not an IDX file");
        raw[0] = 0;
        raw[2] = 0x0D;
        Files.write(f, raw);
        assertThatThrownBy(() -> Idx.readUBytes(f)).hasMessageContaining("element type 0x0d");
        Path g = tmp.resolve("bad-idx1-ubyte.gz");
        byte[] gz = gzip(idx(new int[]{50}, new byte[50]));
        Files.write(g, Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> Idx.readUBytes(g)).isInstanceOf(TrajectoryFormatException.class)
                .hasMessageContaining(g.toString()).hasMessageContaining("gzip");
        gz[12] ^= 0x55;
        Files.write(g, gz);
        assertThatThrownBy(() -> Idx.readUBytes(g)).isInstanceOf(TrajectoryFormatException.class)
                .hasMessageContaining(g.toString());
        assertThatThrownBy(() -> Idx.readUBytes(tmp.resolve("missing"))).hasMessageContaining("file not found");
    }

    @Test
    void labelsThatDoNotMatchTheImagesAreRejected() throws IOException {
        writeSplit(tmp, "train", false);
        Files.write(tmp.resolve("train-labels-idx1-ubyte"), idx(new int[]{2}, new byte[]{1, 2}));
        assertThatThrownBy(() -> FashionMnist.read(tmp, "train")).hasMessageContaining("labels must be [3]");
        assertThatThrownBy(() -> FashionMnist.read(tmp.resolve("nowhere"), "train"))
                .hasMessageContaining("environment/setup data");
    }

    @Test
    void debianFilesHaveTheDocumentedSizesWhenInstalled() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(FashionMnist.DEBIAN_DIR),
                "dataset-fashion-mnist not installed");
        Dataset test = FashionMnist.read(FashionMnist.DEBIAN_DIR, "t10k");
        assertThat(test.size()).isEqualTo(10_000);
        assertThat(test.features().columns()).isEqualTo(784);
        int[] counts = new int[10];
        for (int c : test.classes()) {
            counts[c]++;
        }
        assertThat(counts).containsOnly(1000); // Fashion-MNIST's test set is balanced
    }
}
