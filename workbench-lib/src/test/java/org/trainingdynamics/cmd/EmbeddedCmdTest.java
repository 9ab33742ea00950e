package org.trainingdynamics.cmd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.trainingdynamics.trajectory.TensorSpec;
import tech.tablesaw.api.Table;

/**
 * Embedded CMD driving a real training loop: multi-output linear regression {@code Y = X Wᵀ + b} trained by
 * full-batch gradient descent, with the hook called after every epoch and training continuing from the
 * mixed parameters it returns.
 */
class EmbeddedCmdTest {
    static final int IN = 8;
    static final int OUT = 6;

    @Test
    void embedsTheStablestParametersAndTrainingContinues() {
        Random rng = new Random(2);
        int samples = 200;
        double[][] x = new double[samples][IN];
        double[][] wTrue = new double[OUT][IN];
        for (double[] row : wTrue) {
            for (int j = 0; j < IN; j++) {
                row[j] = rng.nextGaussian();
            }
        }
        double[][] y = new double[samples][OUT];
        for (int s = 0; s < samples; s++) {
            for (int j = 0; j < IN; j++) {
                x[s][j] = rng.nextGaussian();
            }
            for (int o = 0; o < OUT; o++) {
                double v = 0.5 * o;
                for (int j = 0; j < IN; j++) {
                    v += wTrue[o][j] * x[s][j];
                }
                y[s][o] = v + 0.1 * rng.nextGaussian();
            }
        }
        List<TensorSpec> specs = List.of(TensorSpec.of("fc.weight", OUT, IN), TensorSpec.of("fc.bias", OUT));
        int n = OUT * IN + OUT;
        EmbeddedCmd.Config cfg = new EmbeddedCmd.Config(5, 3, 10, false, Cmd.builder().modes(3).sampleSize(40).build());
        EmbeddedCmd hook = new EmbeddedCmd(specs, cfg);
        double[] params = new double[n];
        for (int i = 0; i < n; i++) {
            params[i] = 0.01 * rng.nextGaussian();
        }
        double[] plain = params.clone();
        int epochs = 30;
        for (int epoch = 0; epoch < epochs; epoch++) {
            params = gdEpoch(params, x, y, 0.02, 3);
            plain = gdEpoch(plain, x, y, 0.02, 3);
            double[] trained = params;
            params = hook.onEpoch(epoch, trained);
            if (epoch <= 5) {
                assertThat(params).containsExactly(trained);
                continue;
            }
            boolean[] emb = hook.embedded();
            OnlineCmd check = null;
            int[] mode = hook.warmupFit().modes();
            long[] refs = hook.warmupFit().references();
            double[][] ab = hook.frozenCoefficients();
            for (int i = 0; i < n; i++) {
                if (emb[i] && epoch % 3 != 0) {
                    // an embedded parameter is its frozen affine map of the current reference value
                    assertThat(params[i]).isEqualTo(ab[0][i] * trained[(int) refs[mode[i]]] + ab[1][i]);
                } else if (!emb[i]) {
                    assertThat(params[i]).isEqualTo(trained[i]);
                }
            }
            for (long r : refs) {
                assertThat(emb[(int) r]).as("reference %d is never embedded", r).isFalse();
            }
        }
        Table h = hook.history();
        assertThat(h.rowCount()).isEqualTo(epochs - 6);
        // rounds at epochs 6, 9, ..., 27: each embeds ceil(10% of 54) = 6 more (minus references and repeats)
        int prev = 0;
        for (int row = 0; row < h.rowCount(); row++) {
            int epoch = h.intColumn("epoch").get(row);
            int count = h.intColumn("embedded").get(row);
            if (epoch % 3 == 0) {
                assertThat(count).isGreaterThan(prev).isLessThanOrEqualTo(prev + 6);
            } else {
                assertThat(count).isEqualTo(prev);
            }
            prev = count;
        }
        assertThat(prev).isGreaterThanOrEqualTo(8); // 8 rounds; the (stable) references are picked and dropped again
        // training from the mixed state still fits the data almost as well as plain GD
        double lossEmbedded = loss(params, x, y);
        double lossPlain = loss(plain, x, y);
        double lossStart = loss(new double[n], x, y);
        assertThat(lossEmbedded).isLessThan(0.2 * lossStart);
        assertThat(lossEmbedded).isLessThan(3 * lossPlain);
        System.out.printf("embedded CMD on GD linear regression: %d of %d embedded, loss %.4f vs plain GD %.4f (start %.4f)%n",
                hook.embeddedCount(), n, lossEmbedded, lossPlain, lossStart);
        assertThatThrownBy(() -> hook.onEpoch(3, new double[n])).hasMessageContaining("expected epoch 30");
    }

    static double[] gdEpoch(double[] p, double[][] x, double[][] y, double lr, int steps) {
        double[] w = p.clone();
        for (int s = 0; s < steps; s++) {
            double[] grad = new double[w.length];
            for (int k = 0; k < x.length; k++) {
                for (int o = 0; o < OUT; o++) {
                    double pred = w[OUT * IN + o];
                    for (int j = 0; j < IN; j++) {
                        pred += w[o * IN + j] * x[k][j];
                    }
                    double e = 2 * (pred - y[k][o]) / x.length;
                    for (int j = 0; j < IN; j++) {
                        grad[o * IN + j] += e * x[k][j];
                    }
                    grad[OUT * IN + o] += e;
                }
            }
            for (int i = 0; i < w.length; i++) {
                w[i] -= lr * grad[i];
            }
        }
        return w;
    }

    static double loss(double[] w, double[][] x, double[][] y) {
        double l = 0;
        for (int k = 0; k < x.length; k++) {
            for (int o = 0; o < OUT; o++) {
                double pred = w[OUT * IN + o];
                for (int j = 0; j < IN; j++) {
                    pred += w[o * IN + j] * x[k][j];
                }
                l += (pred - y[k][o]) * (pred - y[k][o]);
            }
        }
        return l / x.length;
    }
}
