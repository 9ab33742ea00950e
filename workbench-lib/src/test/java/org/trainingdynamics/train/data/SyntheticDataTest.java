package org.trainingdynamics.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.trainingdynamics.train.Rng;

class SyntheticDataTest {

    @Test
    void modularAdditionPartitionsAllPairsWithCorrectLabels() {
        ModularArithmetic.Split s = ModularArithmetic.addition(11, 0.3, true, new Rng(5));
        assertThat(s.train().size()).isEqualTo(36); // round(0.3 * 121)
        assertThat(s.train().size() + s.test().size()).isEqualTo(121);
        Set<Integer> seen = new HashSet<>();
        for (Dataset d : new Dataset[]{s.train(), s.test()}) {
            for (int i = 0; i < d.size(); i++) {
                int[] t = d.tokens()[i];
                assertThat(t).hasSize(3);
                assertThat(t[2]).isEqualTo(11);
                assertThat(d.classes()[i]).isEqualTo((t[0] + t[1]) % 11);
                assertThat(seen.add(t[0] * 11 + t[1])).isTrue();
            }
        }
        assertThat(seen).hasSize(121);
        // same seed, same split; other seed, other split
        assertThat(ModularArithmetic.addition(11, 0.3, true, new Rng(5)).train().tokens()).isDeepEqualTo(s.train().tokens());
        assertThat(ModularArithmetic.addition(11, 0.3, true, new Rng(6)).train().tokens()).isNotEqualTo(s.train().tokens());
        assertThatThrownBy(() -> ModularArithmetic.addition(11, 1.5, false, new Rng(1))).hasMessageContaining("trainFraction");
    }

    @Test
    void sparseParityLabelIsTheProductOfTheFirstKBits() {
        ModularArithmetic.Split s = SparseParity.generate(40, 3, 500, 50, new Rng(1));
        Dataset d = s.train();
        int pos = 0;
        for (int i = 0; i < d.size(); i++) {
            double prod = d.features().getDouble(i, 0) * d.features().getDouble(i, 1) * d.features().getDouble(i, 2);
            assertThat(d.targets()[i]).isEqualTo((float) prod);
            pos += d.targets()[i] > 0 ? 1 : 0;
            assertThat(Math.abs(d.features().getDouble(i, 17))).isEqualTo(1.0);
        }
        assertThat(pos).isBetween(200, 300); // balanced labels (binomial, sd ~11)
        assertThatThrownBy(() -> SparseParity.generate(3, 4, 10, 10, new Rng(1))).hasMessageContaining("k <= n");
    }

    @Test
    void sparseLinearTeacherIsRecoveredByLeastSquaresWithoutNoise() {
        TeacherStudent.Planted p = TeacherStudent.sparseLinear(200, 20, 0.2, 0.0, new Rng(3));
        Dataset d = p.data();
        // solve the normal equations with EJML and compare to the planted beta
        org.ejml.simple.SimpleMatrix x = new org.ejml.simple.SimpleMatrix(200, 20);
        org.ejml.simple.SimpleMatrix y = new org.ejml.simple.SimpleMatrix(200, 1);
        for (int i = 0; i < 200; i++) {
            for (int j = 0; j < 20; j++) {
                x.set(i, j, d.features().getDouble(i, j));
            }
            y.set(i, 0, d.targets()[i]);
        }
        org.ejml.simple.SimpleMatrix beta = x.solve(y);
        int nonzero = 0;
        for (int j = 0; j < 20; j++) {
            assertThat(beta.get(j, 0)).isCloseTo(p.teacher()[j], org.assertj.core.data.Offset.offset(1e-4));
            nonzero += p.teacher()[j] != 0 ? 1 : 0;
        }
        assertThat(nonzero).isBetween(1, 12);
        TeacherStudent.Planted r = TeacherStudent.reluNetwork(50, 5, 3, 0.0, new Rng(3));
        assertThat(r.data().targets()).hasSize(50);
        assertThatThrownBy(() -> TeacherStudent.sparseLinear(10, 5, 1.5, 0, new Rng(1))).hasMessageContaining("rho");
    }
}
