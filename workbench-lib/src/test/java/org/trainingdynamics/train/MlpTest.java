package org.trainingdynamics.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.trainingdynamics.train.data.Dataset;
import org.trainingdynamics.train.data.ModularArithmetic;

/** Backpropagation checked against central finite differences of the loss (an independent computation). */
class MlpTest {

    private static void checkGradients(Mlp m, Dataset d) {
        m.gradients(d);
        Rng pick = new Rng(99);
        for (Parameter p : m.parameters()) {
            INDArray g = p.grad().dup();
            INDArray v = p.value();
            for (int k = 0; k < 6; k++) {
                long i = pick.nextInt((int) v.length());
                double x = v.getDouble(i);
                double h = 1e-2;
                v.putScalar(i, x + h);
                double lp = m.evaluate(d).loss();
                v.putScalar(i, x - h);
                double lm = m.evaluate(d).loss();
                v.putScalar(i, x);
                double fd = (lp - lm) / (2 * h);
                double an = g.getDouble(i);
                assertThat(Math.abs(fd - an)).as(p.name() + "[" + i + "] fd=" + fd + " analytic=" + an)
                        .isLessThan(2e-3 + 0.03 * Math.abs(fd));
            }
        }
    }

    @Test
    void crossEntropyMlpGradientsMatchFiniteDifferences() {
        Rng r = new Rng(1);
        float[] x = r.normalFloats(12 * 5, 1);
        Dataset d = new Dataset("t", Nd4j.create(x, new long[]{12, 5}, 'c'), null,
                new int[]{0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2}, null, 3);
        Mlp m = Mlp.dense(new int[]{5, 7, 6, 3}, true, Init.TORCH_LINEAR, 1.0, Loss.CROSS_ENTROPY,
                new String[]{"a", "b", "c"}, new Rng(2));
        for (Parameter p : m.parameters()) {
            if (p.name().endsWith("bias")) {
                p.value().assign(Nd4j.create(new Rng(3).normalFloats((int) p.value().length(), 0.1), p.value().shape(), 'c'));
            }
        }
        checkGradients(m, d);
    }

    @Test
    void hingeAndSquaredErrorGradientsMatchFiniteDifferences() {
        ModularArithmetic.Split s = org.trainingdynamics.train.data.SparseParity.generate(6, 2, 16, 4, new Rng(4));
        Mlp hinge = Mlp.dense(new int[]{6, 9, 1}, true, Init.XAVIER_UNIFORM, 1.0, Loss.HINGE, new String[]{"fc1", "fc2"}, new Rng(5));
        checkGradients(hinge, s.train());
        Mlp mse = Mlp.dense(new int[]{6, 9, 1}, false, Init.XAVIER_UNIFORM, 1.0, Loss.SQUARED_ERROR, new String[]{"fc1", "fc2"}, new Rng(6));
        checkGradients(mse, s.train());
    }

    @Test
    void embeddingMlpGradientsMatchFiniteDifferences() {
        ModularArithmetic.Split s = ModularArithmetic.addition(7, 0.5, false, new Rng(7));
        Mlp m = Mlp.embedding(new int[]{7, 10, 7}, false, Init.NORMAL, Init.TORCH_LINEAR, 0.5, Loss.CROSS_ENTROPY,
                new String[]{"embed", "out"}, new Rng(8));
        checkGradients(m, s.train());
        assertThat(m.parameters().get(0).value().shape()).containsExactly(7, 10);
        assertThat(m.parameters().get(1).value().shape()).containsExactly(7, 10);
    }

    @Test
    void embeddingsOfOneToThreeTokensAndAnEmbeddingOnlyModelMatchFiniteDifferences() {
        // examples with 1, 2 or 3 tokens (a repeated token included) take the general gather and scatter paths;
        // an embedding-only model [vocab, classes] has no ReLU, so its scatter-add is unmasked
        Rng r = new Rng(21);
        int n = 40;
        int[][] tokens = new int[n][];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = new int[1 + i % 3];
            for (int j = 0; j < tokens[i].length; j++) {
                tokens[i][j] = r.nextInt(5);
            }
            y[i] = r.nextInt(4);
        }
        tokens[0] = new int[]{2, 2, 2};
        Dataset d = new Dataset("tokens 1-3", null, tokens, y, null, 4);
        checkGradients(Mlp.embedding(new int[]{5, 9, 4}, false, Init.NORMAL, Init.TORCH_LINEAR, 0.5,
                Loss.CROSS_ENTROPY, new String[]{"embed", "out"}, new Rng(22)), d);
        checkGradients(Mlp.embedding(new int[]{5, 4}, false, Init.NORMAL, Init.TORCH_LINEAR, 0.5,
                Loss.CROSS_ENTROPY, new String[]{"embed"}, new Rng(23)), d);
    }

    @Test
    void gradientsAccumulatedOverRowChunksMatchFiniteDifferences() {
        // width 2048: a batch is processed in chunks of 128 rows, so these batches take 3 chunks each
        ModularArithmetic.Split s = ModularArithmetic.addition(17, 0.99, false, new Rng(11));
        assertThat(s.train().size()).isGreaterThan(256);
        Mlp emb = Mlp.embedding(new int[]{17, 2048, 17}, false, Init.NORMAL, Init.TORCH_LINEAR, 0.5, Loss.CROSS_ENTROPY,
                new String[]{"embed", "out"}, new Rng(12));
        checkGradients(emb, s.train());
        Rng r = new Rng(13);
        int n = 300;
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(3);
        }
        Dataset d = new Dataset("chunks", Nd4j.create(r.normalFloats(n * 5, 1), new long[]{n, 5}, 'c'), null, y, null, 3);
        Mlp dense = Mlp.dense(new int[]{5, 2048, 3}, true, Init.TORCH_LINEAR, 1.0, Loss.CROSS_ENTROPY,
                new String[]{"fc1", "fc2"}, new Rng(14));
        checkGradients(dense, d);
    }

    @Test
    void mismatchedInputsAreRejectedByName() {
        Mlp m = Mlp.dense(new int[]{4, 3, 2}, false, Init.TORCH_LINEAR, 1.0, Loss.CROSS_ENTROPY, new String[]{"a", "b"}, new Rng(1));
        Dataset d = new Dataset("five-features", Nd4j.zeros(2, 5).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT), null,
                new int[]{0, 1}, null, 2);
        assertThatThrownBy(() -> m.gradients(d)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("five-features").hasMessageContaining("5 features");
        assertThatThrownBy(() -> Mlp.dense(new int[]{4, 3, 2}, false, Init.TORCH_LINEAR, 1.0, Loss.HINGE,
                new String[]{"a", "b"}, new Rng(1))).hasMessageContaining("hinge loss needs one output");
    }
}
