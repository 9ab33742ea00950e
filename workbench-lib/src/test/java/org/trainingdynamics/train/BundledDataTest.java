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

    /** Metadata written in another JVM has the same key order as now (no hash-ordered maps in configs). */
    @Test
    void committedBundlesCarryTheirSetupsConfigInOrder() {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (BundledData.Bundle b : BundledData.all()) {
            Path dir = DATA.resolve(b.folder());
            Path run = b.seeds() > 1 ? dir.resolve(MultiSeedRunner.runName(b.seed())) : dir;
            if (b.setup().equals("omd-ogd")) {
                run = dir.resolve("omd");
            }
            Map<String, Object> meta = org.trainingdynamics.trajectory.Trajectories.open(run).metadata();
            Object expected = json.convertValue(Setups.fromOptions(b.setup(), b.options()).config(),
                    java.util.LinkedHashMap.class);
            assertThat(meta.get("config").toString()).as(b.folder()).isEqualTo(expected.toString());
            assertThat(meta).containsEntry("complete", true).containsEntry("seed", (int) b.seed());
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
