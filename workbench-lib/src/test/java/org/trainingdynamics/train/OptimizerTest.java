package org.trainingdynamics.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Optimiser updates against scalar re-derivations of PyTorch's documented update rules. */
class OptimizerTest {

    private static Parameter param(double value) {
        return new Parameter("p", Nd4j.scalar(DataType.DOUBLE, value).reshape(1), Nd4j.zeros(DataType.DOUBLE, 1));
    }

    @Test
    void sgdWithMomentumAndWeightDecayFollowsTorchRule() {
        Parameter p = param(2.0);
        OptimizerConfig.Optimizer opt = new OptimizerConfig.Sgd(0.9, 0.1, false).create(List.of(p));
        double theta = 2.0;
        double buf = 0;
        double[] grads = {0.5, -0.3, 0.2};
        for (int t = 0; t < grads.length; t++) {
            p.grad().putScalar(0, grads[t]);
            opt.step(0.05);
            double g = grads[t] + 0.1 * theta;
            buf = t == 0 ? g : 0.9 * buf + g;
            theta -= 0.05 * buf;
            assertThat(p.value().getDouble(0)).isCloseTo(theta, within(1e-12));
        }
    }

    @Test
    void adamWDecouplesWeightDecayAndCorrectsBias() {
        Parameter p = param(1.5);
        OptimizerConfig.Optimizer opt = new OptimizerConfig.AdamW(0.9, 0.98, 1e-8, 1.0).create(List.of(p));
        double theta = 1.5;
        double m = 0;
        double v = 0;
        double[] grads = {0.4, 0.1, -0.2, 0.3};
        double lr = 1e-2;
        for (int t = 1; t <= grads.length; t++) {
            p.grad().putScalar(0, grads[t - 1]);
            opt.step(lr);
            theta *= 1 - lr * 1.0;
            m = 0.9 * m + 0.1 * grads[t - 1];
            v = 0.98 * v + 0.02 * grads[t - 1] * grads[t - 1];
            double mh = m / (1 - Math.pow(0.9, t));
            double denom = Math.sqrt(v) / Math.sqrt(1 - Math.pow(0.98, t)) + 1e-8;
            theta -= lr * mh / denom;
            assertThat(p.value().getDouble(0)).isCloseTo(theta, within(1e-12));
        }
        // first step of Adam moves by ~lr·sign(g) regardless of the gradient's scale
        Parameter q = param(0);
        OptimizerConfig.Optimizer a = OptimizerConfig.AdamW.of(0).create(List.of(q));
        q.grad().putScalar(0, 1e-3);
        a.step(0.1);
        assertThat(q.value().getDouble(0)).isCloseTo(-0.1, within(1e-5));
    }

    @Test
    void schedulesAndBadSettings() {
        LrSchedule c = LrSchedule.warmupCosine(1.0, 10, 110, 0.1);
        assertThat(c.lr(0)).isCloseTo(0.1, within(1e-12));
        assertThat(c.lr(9)).isCloseTo(1.0, within(1e-12));
        assertThat(c.lr(60)).isCloseTo(0.55, within(1e-12)); // halfway through the cosine
        assertThat(c.lr(110)).isCloseTo(0.1, within(1e-12));
        assertThat(LrSchedule.constant(0.3).lr(12345)).isEqualTo(0.3);
        assertThatThrownBy(() -> LrSchedule.constant(-1)).hasMessageContaining("learning rate");
        assertThatThrownBy(() -> new OptimizerConfig.Sgd(1.5, 0, false)).hasMessageContaining("momentum");
        assertThatThrownBy(() -> new OptimizerConfig.AdamW(0.9, 0.98, 1e-8, Double.NaN)).hasMessageContaining("weightDecay");
        CheckpointSchedule s = CheckpointSchedule.everyEpochs(10);
        assertThat(s.at(0, false, 0)).isTrue();
        assertThat(s.at(32, true, 1)).isTrue();
        assertThat(s.at(64, true, 2)).isFalse();
        assertThat(s.at(352, true, 11)).isTrue();
        CheckpointSchedule e = CheckpointSchedule.everySteps(100).withEarlyPhase(20, 5);
        assertThat(e.at(15, false, 1)).isTrue();
        assertThat(e.at(16, false, 1)).isFalse();
        assertThat(e.at(25, false, 1)).isFalse();
        assertThat(e.at(200, false, 1)).isTrue();
    }
}
