package org.trainingdynamics.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;

/** Same config + seed → byte-identical run folders; another seed → a different trajectory. */
class DeterminismTest {
    @TempDir
    Path tmp;

    private static void assertSameBytes(Path a, Path b) {
        Map<String, byte[]> x = TestFiles.contents(a);
        Map<String, byte[]> y = TestFiles.contents(b);
        assertThat(y.keySet()).isEqualTo(x.keySet());
        for (String k : x.keySet()) {
            assertThat(Arrays.equals(x.get(k), y.get(k))).as(k + " identical").isTrue();
        }
    }

    @Test
    void miniBatchSgdRunIsAPureFunctionOfConfigAndSeed() {
        Setup s = Setups.sparseParity().width(24).sizes(96, 20).epochs(4).checkpointEpochs(1).build();
        s.run(3, tmp.resolve("a"));
        s.run(3, tmp.resolve("b"));
        s.run(4, tmp.resolve("c"));
        assertSameBytes(tmp.resolve("a"), tmp.resolve("b"));
        Trajectory a = Trajectories.open(tmp.resolve("a"));
        Trajectory c = Trajectories.open(tmp.resolve("c"));
        assertThat(a.checkpointCount()).isEqualTo(5); // initial + epochs 1..4 (every epoch)
        assertThat(a.values("fc1.weight", 4)).isNotEqualTo(c.values("fc1.weight", 4));
        assertThat(a.values("fc1.weight", 0)).isNotEqualTo(a.values("fc1.weight", 4));
        Map<String, Object> meta = a.metadata();
        assertThat(meta).containsEntry("seed", 3).containsEntry("setup", "sparse-parity").containsEntry("complete", true);
        assertThat(meta.get("config").toString()).contains("train_size=96").contains("weight_decay=0.01");
    }

    @Test
    void fullBatchAdamWRunIsAPureFunctionOfConfigAndSeed() {
        Setup s = Setups.grokkingMlp().p(11).width(48).steps(30).checkpointEvery(10).build();
        s.run(1, tmp.resolve("a"));
        s.run(1, tmp.resolve("b"));
        assertSameBytes(tmp.resolve("a"), tmp.resolve("b"));
        Trajectory a = Trajectories.open(tmp.resolve("a"));
        assertThat(a.steps()).containsExactly(0, 10, 20, 30);
        assertThat(a.metrics().rowCount()).isEqualTo(31); // one row per update plus the initial evaluation
    }
}
