package org.trainingdynamics.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.trajectory.Trajectories;

class MultiSeedRunnerTest {
    @TempDir
    Path tmp;

    @Test
    void sweepWritesSiblingFoldersAndResumesSkippingFinishedRuns() throws Exception {
        Setup s = Setups.sparseParity().width(16).sizes(64, 16).epochs(2).checkpointEpochs(1).build();
        Path out = tmp.resolve("sweep");
        List<Path> dirs = MultiSeedRunner.run(s, 5, 3, out);
        assertThat(dirs).extracting(p -> p.getFileName().toString()).containsExactly("seed-5", "seed-6", "seed-7");
        Map<String, byte[]> seed6 = TestFiles.contents(out.resolve("seed-6"));
        assertThat(Trajectories.open(out.resolve("seed-7")).metadata()).containsEntry("seed", 7);

        // simulate an interrupted sweep: seed 6 never finished (only a partial folder), seed 5 finished
        Files.writeString(out.resolve("seed-5").resolve("marker"), "kept");
        Trajectories.deleteTree(out.resolve("seed-6"));
        Files.createDirectories(out.resolve(".seed-6.partial").resolve("params"));
        Files.writeString(out.resolve(".seed-6.partial").resolve("trajectory.json"), "{ torn");

        MultiSeedRunner.run(s, 5, 4, out);
        assertThat(out.resolve("seed-5").resolve("marker")).as("finished run skipped").exists();
        assertThat(out.resolve(".seed-6.partial")).doesNotExist();
        Map<String, byte[]> redone = TestFiles.contents(out.resolve("seed-6"));
        assertThat(redone.keySet()).isEqualTo(seed6.keySet());
        for (String k : seed6.keySet()) {
            assertThat(Arrays.equals(redone.get(k), seed6.get(k))).as(k).isTrue();
        }
        assertThat(out.resolve("seed-8")).isDirectory();
        assertThatThrownBy(() -> MultiSeedRunner.run(s, 0, 0, out)).hasMessageContaining(">= 1");
    }
}
