package org.trainingdynamics.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableComparisonTest {
    @Test
    void exactByDefaultToleranceOnlyForNumbers() {
        String a = "k,x,name\n1,0.5,a\n2,1e-3,b\n";
        assertThat(TableComparison.compare(a, a, 0).match()).isTrue();
        assertThat(TableComparison.compare(a, a.replace("\n", "\r\n"), 0).match()).as("line ends only").isTrue();
        String b = "k,x,name\n1,0.5000001,a\n2,1e-3,b\n";
        TableComparison.Result exact = TableComparison.compare(a, b, 0);
        assertThat(exact.match()).isFalse();
        assertThat(exact.differing()).isEqualTo(1);
        assertThat(exact.detail()).contains("row 1, column 'x': expected 0.5, got 0.5000001");
        // relative difference 1e-7/0.5000001 = 2.0e-7
        assertThat(exact.maxRelativeDiff()).isCloseTo(1e-7 / 0.5000001, org.assertj.core.data.Offset.offset(1e-15));
        assertThat(TableComparison.compare(a, b, 1e-6).match()).isTrue();
        assertThat(TableComparison.compare(a, b, 1e-7).match()).isFalse();
        // same number, different text: differs exactly, matches under any tolerance
        assertThat(TableComparison.compare("x\n0.10\n", "x\n0.1\n", 0).match()).isFalse();
        assertThat(TableComparison.compare("x\n0.10\n", "x\n0.1\n", 1e-12).match()).isTrue();
        // text never gets a tolerance; NaN matches NaN under a tolerance
        assertThat(TableComparison.compare("x\nabc\n", "x\nabd\n", 0.5).match()).isFalse();
        assertThat(TableComparison.compare("x\nNaN\n", "x\nNaN\n", 0).match()).isTrue();
        assertThat(TableComparison.compare("x\nNaN\n", "x\n1\n", 0.5).match()).isFalse();
    }

    @Test
    void structureDifferencesAreNamed() {
        assertThat(TableComparison.compare("a,b\n1,2\n", "a,c\n1,2\n", 0).detail()).contains("header differs");
        assertThat(TableComparison.compare("a\n1\n2\n", "a\n1\n", 0).detail()).contains("row count differs: expected 2, got 1");
        assertThat(TableComparison.compare("a,b\n1,2\n", "a,b\n1\n", 0).detail()).contains("row 1 has 1 fields, expected 2");
        assertThatThrownBy(() -> TableComparison.compare("a\n", "a\n", -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TableComparison.compare("a\n", "a\n", Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void quotedFieldsParse() {
        assertThat(TableComparison.parse("a,b\n\"x, \"\"y\"\"\nz\",2\n"))
                .containsExactly(List.of("a", "b"), List.of("x, \"y\"\nz", "2"));
        assertThat(TableComparison.parse("a,\n")).containsExactly(List.of("a", ""));
    }
}
