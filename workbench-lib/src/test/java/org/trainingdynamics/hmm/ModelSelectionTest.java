package org.trainingdynamics.hmm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Held-out selection finds the planted number of states. */
class ModelSelectionTest {

    @Test
    void heldOutLikelihoodAndBicPickThePlantedK() {
        GaussianHmm truth = GaussianHmmTest.planted(CovarianceType.FULL);
        Sequences all = GaussianHmmTest.sampleRuns(truth, 10, 150, 50, null);
        int[][] split = ModelSelection.split(10, 0.2, 0);
        assertThat(split[1]).hasSize(2);
        assertThat(split[0]).hasSize(8);
        int[] joined = new int[10];
        System.arraycopy(split[0], 0, joined, 0, 8);
        System.arraycopy(split[1], 0, joined, 8, 2);
        Arrays.sort(joined);
        assertThat(joined).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        ModelSelection.Result r = ModelSelection.of(HmmConfig.builder().iterations(50), 1, 5, 3, 7)
                .run(all.subset(split[0]), all.subset(split[1]));
        // BIC finds the planted K; the held-out likelihood rises steeply to K = 3 and is flat after it
        assertThat(r.bestByBic()).isEqualTo(3);
        double[] ho = r.rows().stream().mapToDouble(ModelSelection.Row::heldOutBest).toArray();
        assertThat(ho[2] - ho[1]).isGreaterThan(50);
        assertThat(ho[1] - ho[0]).isGreaterThan(50);
        double best = Arrays.stream(ho).max().orElseThrow();
        assertThat(best - ho[2]).isLessThan(0.01 * Math.abs(best));
        assertThat(r.bestByHeldOut()).isBetween(3, 5);
        assertThat(r.toTable().rowCount()).isEqualTo(5);
        assertThat(r.rows().get(0).heldOutStd()).isZero(); // K = 1 has a unique optimum
        assertThat(r.model(3).states()).isEqualTo(3);
        assertThat(r.heldOutChart().getSeriesMap()).hasSize(1);
    }
}
