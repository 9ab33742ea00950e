package org.trainingdynamics.hmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The map of planted state paths: edges, weights, branching, order. */
class TrainingMapTest {

    @Test
    void edgesAreObservedTransitionsWeightedByTransmat(@TempDir Path dir) throws Exception {
        GaussianHmm m = GaussianHmm.of(CovarianceType.DIAG, new HmmParameters(new double[]{1, 0, 0, 0},
                new double[][]{{0.7, 0.2, 0.1, 0}, {0, 0.8, 0, 0.2}, {0, 0, 0.9, 0.1}, {0, 0, 0, 1}},
                new double[][]{{0}, {1}, {2}, {3}}, new double[][][]{{{1}}, {{1}}, {{1}}, {{1}}}));
        List<int[]> paths = List.of(new int[]{0, 0, 1, 1, 3, 3}, new int[]{0, 2, 2, 3, 3, 3}, new int[]{0, 1, 3, 3, 3, 3});
        TrainingMap map = TrainingMap.of(m, paths);
        assertThat(map.graph().vertexSet()).hasSize(4);
        assertThat(map.graph().containsEdge(0, 1)).isTrue();
        assertThat(map.graph().containsEdge(0, 2)).isTrue();
        assertThat(map.graph().containsEdge(1, 2)).isFalse();
        assertThat(map.graph().getEdgeWeight(map.graph().getEdge(0, 2))).isEqualTo(0.1);
        assertThat(map.edgeCount(0, 1)).isEqualTo(2);
        assertThat(map.graph().containsEdge(3, 3)).isTrue(); // observed self-loop
        assertThat(map.branchingStates()).containsExactly(0);
        assertThat(map.startCounts()).containsExactly(3, 0, 0, 0);
        assertThat(map.forwardFraction()).isEqualTo(1.0);
        assertThat(map.meanFirstVisit()[0]).isZero();
        assertThat(map.meanFirstVisit()[3]).isCloseTo((4 / 5.0 + 3 / 5.0 + 2 / 5.0) / 3, within(1e-12));
        assertThat(map.toTable().rowCount()).isEqualTo(map.graph().edgeSet().size());
        Path png = map.savePng(dir.resolve("map.png"), "planted");
        assertThat(Files.size(png)).isGreaterThan(1000);
    }
}
