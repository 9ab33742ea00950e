package org.trainingdynamics.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ChecksTest {
    @Test
    void verifyPassesOnlyWhenEveryCheckPasses() {
        Checks ok = new Checks().close("pi", 3.14159, Math.PI, 1e-4).below("err", 0.01, 0.05);
        assertThat(ok.verify().rowCount()).isEqualTo(2);
        Checks bad = new Checks().close("pi", 3.0, Math.PI, 1e-4).above("acc", 0.99, 0.9);
        assertThat(bad.allPass()).isFalse();
        assertThat(bad.toTable().stringColumn("result").asList()).containsExactly("FAIL", "PASS");
        assertThatThrownBy(bad::verify).isInstanceOf(AssertionError.class).hasMessageContaining("1 of 2");
        assertThatThrownBy(new Checks()::verify).hasMessageContaining("no checks");
        assertThat(new Checks().close("nan", Double.NaN, 0, 1).allPass()).isFalse();
    }

    @Test
    void profileParsesAndPicks() {
        assertThat(Profile.parse(" Smoke ")).isEqualTo(Profile.SMOKE);
        assertThat(Profile.PAPER.pick(1, 100)).isEqualTo(100);
        assertThatThrownBy(() -> Profile.parse("huge")).hasMessageContaining("'huge'");
    }
}
