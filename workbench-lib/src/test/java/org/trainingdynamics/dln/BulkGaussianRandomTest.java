package org.trainingdynamics.dln;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BulkGaussianRandomTest {

    @Test
    void reproducesJavaUtilRandomBitForBit() {
        Random ref = new Random(42);
        BulkGaussianRandom got = new BulkGaussianRandom(42);
        for (int i = 0; i < 1000; i++) {
            assertThat(got.nextInt(97)).isEqualTo(ref.nextInt(97));
            assertThat(got.nextDouble()).isEqualTo(ref.nextDouble());
            assertThat(got.nextGaussian()).isEqualTo(ref.nextGaussian());
            assertThat(got.nextLong()).isEqualTo(ref.nextLong());
        }
    }

    @Test
    void bulkFillEqualsRepeatedNextGaussian() {
        // odd and even lengths, with and without a cached Gaussian on entry, enough for several parallel chunks
        for (int lead : new int[] {0, 1, 2}) {
            for (int len : new int[] {0, 1, 2, 7, 20_001, 20_000}) {
                Random ref = new Random(7 + lead);
                BulkGaussianRandom got = new BulkGaussianRandom(7 + lead);
                for (int i = 0; i < lead; i++) {
                    assertThat(got.nextGaussian()).isEqualTo(ref.nextGaussian());
                }
                double[] bulk = new double[len];
                got.fillGaussian(bulk);
                for (int i = 0; i < len; i++) {
                    assertThat(bulk[i]).as("lead %d len %d element %d", lead, len, i).isEqualTo(ref.nextGaussian());
                }
                // the state after the fill (cached second value included) continues the same sequence
                for (int i = 0; i < 3; i++) {
                    assertThat(got.nextGaussian()).isEqualTo(ref.nextGaussian());
                }
                assertThat(got.nextInt()).isEqualTo(ref.nextInt());
            }
        }
    }
}
