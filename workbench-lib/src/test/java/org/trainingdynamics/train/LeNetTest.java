package org.trainingdynamics.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.trainingdynamics.train.data.Dataset;

/** LeNet backpropagation (im2col convolutions, max-pooling) against central finite differences. */
class LeNetTest {

    @Test
    void gradientsMatchFiniteDifferences() {
        Rng r = new Rng(11);
        int b = 3;
        Dataset d = new Dataset("imgs", Nd4j.create(r.normalFloats(b * 784, 1), new long[]{b, 784}, 'c'), null,
                new int[]{3, 7, 1}, null, 10);
        LeNet net = new LeNet(new Rng(12));
        assertThat(net.parameters()).extracting(Parameter::name).containsExactly("conv1.weight", "conv1.bias",
                "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias");
        net.gradients(d);
        Rng pick = new Rng(13);
        int checked = 0;
        for (Parameter p : net.parameters()) {
            INDArray g = p.grad().dup();
            INDArray v = p.value();
            for (int k = 0; k < 4; k++) {
                long i = pick.nextInt((int) v.length());
                double x = v.getDouble(i);
                double h = 3e-3;
                v.putScalar(i, x + h);
                double lp = net.evaluate(d).loss();
                v.putScalar(i, x - h);
                double lm = net.evaluate(d).loss();
                v.putScalar(i, x);
                double fd = (lp - lm) / (2 * h);
                double an = g.getDouble(i);
                assertThat(Math.abs(fd - an)).as(p.name() + "[" + i + "] fd=" + fd + " analytic=" + an)
                        .isLessThan(2e-3 + 0.05 * Math.abs(fd));
                checked += an != 0 ? 1 : 0;
            }
        }
        assertThat(checked).as("non-trivial gradients checked").isGreaterThan(20);
        assertThatThrownBy(() -> net.gradients(new Dataset("small", Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 100),
                null, new int[]{0, 1}, null, 10))).hasMessageContaining("784 features");
    }
}
