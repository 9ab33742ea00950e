package org.trainingdynamics.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The optimisers' reusable staging arrays against ND4J's own element access (an independent path). */
class NdBuffersTest {

    private static void roundTrip(INDArray a) {
        NdBuffers.Staging st = new NdBuffers.Staging();
        for (int rep = 0; rep < 2; rep++) { // the second pass reuses the staging arrays
            double[] v = st.read(a);
            assertThat(v).hasSize((int) a.length());
            for (int i = 0; i < v.length; i++) {
                assertThat(v[i]).isEqualTo(a.getDouble(i / a.columns(), i % a.columns()));
                v[i] = v[i] * 3 + 0.1;
            }
            double[] expected = v.clone();
            st.write(a, v);
            for (int i = 0; i < expected.length; i++) {
                double want = a.dataType() == DataType.FLOAT ? (float) expected[i] : expected[i];
                assertThat(a.getDouble(i / a.columns(), i % a.columns())).isEqualTo(want);
            }
        }
    }

    @Test
    void stagingReadsAndWritesRowMajorValuesOfFloatDoubleAndViewArrays() {
        roundTrip(Nd4j.linspace(DataType.FLOAT, 1, 12, 12).reshape('c', 3, 4));
        roundTrip(Nd4j.linspace(DataType.DOUBLE, 1, 12, 12).reshape('c', 3, 4));
        roundTrip(Nd4j.linspace(DataType.FLOAT, 1, 12, 12).reshape('c', 3, 4).dup('f'));
        INDArray big = Nd4j.linspace(DataType.FLOAT, 1, 20, 20).reshape('c', 5, 4);
        roundTrip(big.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 4), org.nd4j.linalg.indexing.NDArrayIndex.all()));
    }
}
