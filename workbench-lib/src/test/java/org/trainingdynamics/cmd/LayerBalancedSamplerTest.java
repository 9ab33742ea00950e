package org.trainingdynamics.cmd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The U_B per-tensor counts equal the official {@code sample_represented_weights} (values from its code). */
class LayerBalancedSamplerTest {

    static ParameterLayout layout(long... sizes) {
        long[] off = new long[sizes.length + 1];
        String[] names = new String[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            off[i + 1] = off[i] + sizes[i];
            names[i] = "t" + i;
        }
        return new ParameterLayout(List.of(names), off);
    }

    @Test
    void countsMatchTheOfficialCode() {
        // python: the official count logic run on these sizes
        assertThat(LayerBalancedSampler.counts(layout(1280, 64, 4096, 64, 128, 2), 1000)).containsExactly(330, 64, 446, 64, 94, 2);
        assertThat(LayerBalancedSampler.counts(layout(1280, 64, 4096, 64, 128, 2), 300)).containsExactly(59, 51, 134, 26, 28, 2);
        assertThat(LayerBalancedSampler.counts(layout(50, 3, 10000, 7, 900), 200)).containsExactly(20, 3, 111, 7, 59);
    }

    @Test
    void samplesDistinctIndicesWithinEachTensor() {
        ParameterLayout l = layout(1280, 64, 4096, 64, 128, 2);
        long[] s = LayerBalancedSampler.sample(l, 1000, 9);
        assertThat(s).hasSize(1000);
        assertThat(Arrays.stream(s).distinct().count()).isEqualTo(1000);
        int[] perTensor = new int[6];
        for (long i : s) {
            perTensor[l.tensorOf(i)]++;
        }
        assertThat(perTensor).containsExactly(330, 64, 446, 64, 94, 2);
        assertThat(LayerBalancedSampler.sample(l, 1000, 9)).containsExactly(s);
        // K/2 < L tensors: plain uniform sampling
        long[] u = LayerBalancedSampler.sample(l, 10, 1);
        assertThat(Arrays.stream(u).distinct().count()).isEqualTo(10);
        assertThatThrownBy(() -> LayerBalancedSampler.sample(l, 6000, 1)).hasMessageContaining("exceeds");
    }
}
