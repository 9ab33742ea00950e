package org.trainingdynamics.trajectory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrajectoryRecorderTest {
    @TempDir
    Path tmp;

    @Test
    void roundTripsCheckpointsMetricsAndBlocks() {
        Path dir = tmp.resolve("run");
        List<TensorSpec> specs = List.of(TensorSpec.of("l1.weight", 2, 3),
                new TensorSpec("l1.bias", new long[]{2}, DType.FLOAT64));
        try (TrajectoryRecorder r = TrajectoryRecorder.create(dir, specs, Map.of("seed", 7))) {
            for (int t = 0; t < 4; t++) {
                double[] w = new double[6];
                for (int i = 0; i < 6; i++) {
                    w[i] = 10 * t + i + 0.5;
                }
                r.append(100L * t, t, Map.of("l1.weight", w, "l1.bias", new double[]{t, -t / 3.0}));
                r.logMetrics(100L * t, Map.of("loss", 1.0 / (t + 1)));
            }
        }
        StoredTrajectory s = Trajectories.open(dir);
        assertThat(s.checkpointCount()).isEqualTo(4);
        assertThat(s.steps()).containsExactly(0, 100, 200, 300);
        assertThat(s.parameterCount()).isEqualTo(8);
        assertThat(s.values("l1.weight", 2)).containsExactly(20.5, 21.5, 22.5, 23.5, 24.5, 25.5);
        assertThat(s.values("l1.bias", 3)[1]).isEqualTo(-1.0);
        assertThat(s.metadata()).containsEntry("seed", 7);
        assertThat(s.metrics().rowCount()).isEqualTo(4);
        assertThat(s.metrics().doubleColumn("loss").get(3)).isEqualTo(0.25);
        // blocks: rows = parameters, cols = checkpoints, never crossing tensors
        var blocks = new java.util.ArrayList<ParameterBlock>();
        s.blocks(4).forEach(blocks::add);
        assertThat(blocks).extracting(ParameterBlock::rows).containsExactly(4, 2, 2);
        assertThat(blocks.get(1).get(0, 3)).isEqualTo(34.5);
        assertThat(blocks.get(2).tensor()).isEqualTo("l1.bias");
        assertThat(s.select("*.bias").parameterCount()).isEqualTo(2);
        assertThat(s.window(1, 4, 2).steps()).containsExactly(100, 300);
    }

    @Test
    void resumeDiscardsUncommittedRows() {
        Path dir = tmp.resolve("run");
        TrajectoryRecorder r = TrajectoryRecorder.create(dir, List.of(TensorSpec.of("w", 3)), Map.of());
        r.append(0, 0, Map.of("w", new double[]{1, 2, 3}));
        r.append(1, 0, Map.of("w", new double[]{4, 5, 6}));
        // no close: simulate a killed process
        TrajectoryRecorder again = TrajectoryRecorder.resume(dir);
        assertThat(again.checkpointCount()).isEqualTo(2);
        again.append(2, 0, Map.of("w", new double[]{7, 8, 9}));
        again.close();
        assertThat(Trajectories.open(dir).values("w", 2)).containsExactly(7, 8, 9);
    }

    @Test
    void rejectsNaNAndWrongLengthNamingTheTensor() {
        TrajectoryRecorder r = TrajectoryRecorder.create(tmp.resolve("r"), List.of(TensorSpec.of("w", 2)), Map.of());
        assertThatThrownBy(() -> r.append(5, 0, Map.of("w", new double[]{1, Double.NaN})))
                .hasMessageContaining("'w'").hasMessageContaining("NaN");
        assertThatThrownBy(() -> r.append(5, 0, Map.of("w", new double[]{1})))
                .hasMessageContaining("'w'").hasMessageContaining("needs 2");
    }
}
