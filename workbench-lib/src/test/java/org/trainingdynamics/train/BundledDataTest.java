package org.trainingdynamics.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed bundles are what their documented commands produce, byte for byte. */
class BundledDataTest {
    private static final Path DATA = Path.of("..", "data");

    @TempDir
    Path tmp;

    @Test
    void regeneratingTheOmdBundleIsBitIdentical() {
        Path committed = DATA.resolve("omd-ogd");
        assertThat(committed.resolve("omd").resolve("trajectory.json")).as("bundle committed in data/").exists();
        BundledData.named("omd-ogd").regenerate(tmp.resolve("omd-ogd"));
        Map<String, byte[]> a = TestFiles.contents(committed);
        Map<String, byte[]> b = TestFiles.contents(tmp.resolve("omd-ogd"));
        assertThat(b.keySet()).isEqualTo(a.keySet());
        for (String k : a.keySet()) {
            assertThat(Arrays.equals(a.get(k), b.get(k))).as(k).isTrue();
        }
    }

    @Test
    void readmeListsEveryBundleWithItsExactCommand() throws Exception {
        String readme = Files.readString(DATA.resolve("README.md"));
        for (BundledData.Bundle b : BundledData.all()) {
            assertThat(readme).contains(b.command());
            assertThat(DATA.resolve(b.folder())).as("bundle " + b.folder() + " committed").isDirectory();
        }
    }
}
