package org.trainingdynamics.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Softmax cross-entropy against a reference computed here from the definition (log-sum-exp, softmax). */
class CrossEntropyTest {

    @Test
    void lossAndGradientMatchTheDefinitionAlsoByRowBlocks() {
        int n = 64;
        int c = 97;
        Rng r = new Rng(5);
        float[] out = r.normalFloats(n * c, 4);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(c);
        }
        float[] dz = new float[n * c];
        Model.BatchStats st = CrossEntropy.lossAndGrad(out, y, n, c, dz);
        double loss = 0;
        int correct = 0;
        for (int i = 0; i < n; i++) {
            int arg = 0;
            double lse = 0;
            for (int j = 0; j < c; j++) {
                arg = out[i * c + j] > out[i * c + arg] ? j : arg;
                lse += Math.exp(out[i * c + j]);
            }
            lse = Math.log(lse);
            loss += lse - out[i * c + y[i]];
            correct += arg == y[i] ? 1 : 0;
            for (int j = 0; j < c; j++) {
                double ref = (Math.exp(out[i * c + j] - lse) - (j == y[i] ? 1 : 0)) / n;
                assertThat((double) dz[i * c + j]).as("dz[%d, %d]", i, j)
                        .isCloseTo(ref, Offset.offset(1e-6 * Math.abs(ref) + 1e-12));
            }
        }
        assertThat(st.loss()).isCloseTo(loss / n, Offset.offset(1e-7 * loss / n)); // the code shifts logits by their max in float
        assertThat(st.accuracy()).isEqualTo((double) correct / n);
        // two row blocks (rows 0..39 and 40..63 of the same batch): the sums add up, the gradients are the same
        float[] tail = java.util.Arrays.copyOfRange(out, 40 * c, n * c);
        float[] dzHead = new float[40 * c];
        float[] dzTail = new float[24 * c];
        CrossEntropy.Sums a = CrossEntropy.sums(out, y, 0, 40, c, dzHead, n);
        CrossEntropy.Sums b = CrossEntropy.sums(tail, y, 40, 24, c, dzTail, n);
        assertThat(a.loss() + b.loss()).isCloseTo(st.loss() * n, Offset.offset(1e-12 * loss));
        assertThat(a.correct() + b.correct()).isEqualTo(correct);
        assertThat(dzHead).containsExactly(java.util.Arrays.copyOfRange(dz, 0, 40 * c));
        assertThat(dzTail).containsExactly(java.util.Arrays.copyOfRange(dz, 40 * c, n * c));
    }

    @Test
    void divergedLogitsAreReported() {
        float[] out = {0f, Float.NaN, 1f};
        assertThatThrownBy(() -> CrossEntropy.lossAndGrad(out, new int[]{0}, 1, 3, null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("diverged");
    }
}
