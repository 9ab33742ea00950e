package org.trainingdynamics.spectral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.trainingdynamics.trajectory.InMemoryTrajectory;
import org.trainingdynamics.trajectory.Trajectory;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

/**
 * {@link GrokkingCriteria} on planted runs whose every measure is known in closed form: two matrices
 * {@code a} [8, 12] → {@code b} [6, 8] with singular vectors on coordinate axes and spectra σ_i ∝ e^{−λ(t)·i}
 * (Σσ² = 1); the input-side vectors of {@code a} and the output-side vectors of {@code b} are shifted by one
 * axis before step 500 (so SVA against the end is exactly 0 there and 1 after), {@code b}'s input vectors are
 * {@code a}'s output vectors shifted by one (alignment exactly 0), and the planted "evaluator" charges the
 * Frobenius energy lost from {@code a} as error (so the top-half pruning cost is the bottom half's σ² share).
 */
class GrokkingCriteriaTest {

    private static final long[] STEPS = {0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000};
    private static final double[] LAMBDA = {0.01, 0.01, 0.01, 0.05, 0.1, 0.2, 1.0, 1.2, 1.3, 1.3, 1.3};
    private static final double[] TRAIN_ACC = {0.02, 0.6, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    private static final double[] TEST_ACC = {0.02, 0.3, 0.4, 0.4, 0.4, 0.5, 0.9, 0.97, 0.99, 1, 1};

    private static double[] spectrum(int k, double lambda) {
        double[] s = new double[k];
        double z = 0;
        for (int i = 0; i < k; i++) {
            s[i] = Math.exp(-lambda * i);
            z += s[i] * s[i];
        }
        for (int i = 0; i < k; i++) {
            s[i] /= Math.sqrt(z);
        }
        return s;
    }

    /** Roy–Vetterli normalised effective rank, written out independently of the library. */
    private static double effRank(double[] s) {
        double sum = 0;
        for (double x : s) {
            sum += x;
        }
        double h = 0;
        for (double x : s) {
            h -= x / sum * Math.log(x / sum);
        }
        return Math.exp(h) / s.length;
    }

    /** Share of Σσ² in the bottom half (k − ⌈k/2⌉ smallest). */
    private static double bottomEnergy(double[] s) {
        double e = 0;
        for (int i = (s.length + 1) / 2; i < s.length; i++) {
            e += s[i] * s[i];
        }
        return e;
    }

    /** rows × cols, Σ_i s_i e_{rowAxis(i)} e_{colAxis(i)}ᵀ. */
    private static double[] axes(int rows, int cols, double[] s, int rowShift, int colShift) {
        double[] a = new double[rows * cols];
        for (int i = 0; i < s.length; i++) {
            a[((i + rowShift) % rows) * cols + (i + colShift) % cols] = s[i];
        }
        return a;
    }

    private static Trajectory run(double[] lambda, double[] testAcc) {
        InMemoryTrajectory.Builder b = InMemoryTrajectory.builder().tensor("a.weight", 8, 12).tensor("b.weight", 6, 8);
        for (int t = 0; t < STEPS.length; t++) {
            int early = STEPS[t] < 500 ? 1 : 0;
            Map<String, double[]> m = new HashMap<>();
            m.put("a.weight", axes(8, 12, spectrum(8, lambda[t]), 0, early));
            // b's input vectors e_{i+1} against a's output vectors e_i: orthogonal pairs
            m.put("b.weight", axes(6, 8, spectrum(6, lambda[t]), early, 1));
            b.checkpoint(STEPS[t], STEPS[t], m);
        }
        b.metrics(Table.create("metrics", LongColumn.create("step", STEPS), DoubleColumn.create("train_acc", TRAIN_ACC),
                DoubleColumn.create("test_acc", testAcc)));
        return b.build();
    }

    /** Error = Frobenius energy of {@code a} lost (every planted checkpoint has ‖a‖_F = 1). */
    private static final ModelEvaluator ENERGY = params -> {
        double e = 0;
        for (double x : params.get("a.weight")) {
            e += x * x;
        }
        return Map.of("train_error", 1 - e, "val_error", 1 - e);
    };

    private static GrokkingCriteria.RunMeasures measure(String name, Trajectory run) {
        SpectralResult r = SpectralDynamics.run(run, SpectralConfig.builder().esd(false).build());
        return GrokkingCriteria.measure(name, run, r, List.of("a.weight", "b.weight"), ENERGY,
                GrokkingCriteria.Thresholds.defaults());
    }

    @Test
    void plantedGrokkingRunMeetsEveryCriterionWithClosedFormMeasures() {
        GrokkingCriteria.RunMeasures wd = measure("wd", run(LAMBDA, TEST_ACC));
        double[] flat = new double[STEPS.length];
        java.util.Arrays.fill(flat, 0.01);
        double[] stuck = {0.02, 0.3, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4};
        GrokkingCriteria.RunMeasures ctl = measure("ctl", run(flat, stuck));

        assertThat(wd.memorisedStep()).isEqualTo(200);
        assertThat(wd.grokkedStep()).isEqualTo(700);
        assertThat(wd.plateauValError()).isCloseTo(0.6, within(1e-12));
        // window: last val err >= 0.9 * 0.6 is step 400 (0.6), first <= 0.1 * 0.6 is step 700 (0.03)
        assertThat(wd.windowFromStep()).isEqualTo(400);
        assertThat(wd.windowToStep()).isEqualTo(700);
        assertThat(wd.finalValError()).isCloseTo(0, within(1e-12));
        for (GrokkingCriteria.LayerMeasures l : wd.layers()) {
            int k = l.layer().equals("a.weight") ? 8 : 6;
            assertThat(l.rankAtMemorisation()).isCloseTo(effRank(spectrum(k, 0.01)), within(1e-12));
            assertThat(l.rankAtEnd()).isCloseTo(effRank(spectrum(k, 1.3)), within(1e-12));
            assertThat(l.steepestFromStep()).isEqualTo(500);
            assertThat(l.steepestToStep()).isEqualTo(600);
            assertThat(l.steepestInWindow()).isTrue();
            assertThat(l.svaAtMemorisation()).isCloseTo(0, within(1e-9));
            assertThat(l.svaMinFromGrokking()).isCloseTo(1, within(1e-9));
            assertThat(l.svaAbove()).isEqualTo(500);
        }
        assertThat(wd.maxAlignment()).isCloseTo(0, within(1e-9));
        assertThat(wd.valCost(200)).isCloseTo(bottomEnergy(spectrum(8, 0.01)), within(1e-9));
        assertThat(wd.valCost(700)).isCloseTo(bottomEnergy(spectrum(8, 1.2)), within(1e-9));
        assertThat(wd.valCost(1000)).isCloseTo(bottomEnergy(spectrum(8, 1.3)), within(1e-9));
        assertThat(ctl.grokkedStep()).isEqualTo(-1);
        assertThat(ctl.layers().get(0).rankDrop()).isCloseTo(0, within(1e-12));

        Table v = GrokkingCriteria.verdict(List.of(wd), List.of(ctl), GrokkingCriteria.Thresholds.defaults());
        assertThat(v.rowCount()).isEqualTo(6);
        assertThat(v.booleanColumn("pass").asList()).containsOnly(true);
        assertThat(GrokkingCriteria.runTable(List.of(wd, ctl)).rowCount()).isEqualTo(4);

        // the same measures fail where they should: the grokking run as its own control, the control as a
        // grokking run (no grokking, no drop, SVA 1 at memorisation, pruning harmless before)
        Table swapped = GrokkingCriteria.verdict(List.of(ctl), List.of(wd), GrokkingCriteria.Thresholds.defaults());
        assertThat(swapped.booleanColumn("pass").asList()).containsExactly(false, false, false, false, false, true);
        // a 2x delay fails criterion 1 (memorised at 200, grokked at 400)
        double[] early = {0.02, 0.3, 0.4, 0.5, 0.99, 1, 1, 1, 1, 1, 1};
        GrokkingCriteria.RunMeasures fast = measure("fast", run(LAMBDA, early));
        assertThat(fast.grokkedStep()).isEqualTo(400);
        Table v2 = GrokkingCriteria.verdict(List.of(fast), List.of(ctl), GrokkingCriteria.Thresholds.defaults());
        assertThat(v2.booleanColumn("pass").get(0)).isFalse();
    }

    @Test
    void missingMetricsAreNamed() {
        Trajectory t = InMemoryTrajectory.builder().tensor("a.weight", 2, 2)
                .checkpoint(0, 0, Map.of("a.weight", new double[]{1, 0, 0, 1}))
                .checkpoint(1, 1, Map.of("a.weight", new double[]{1, 0, 0, 2}))
                .metrics(Table.create("m", LongColumn.create("step", new long[]{0, 1}),
                        DoubleColumn.create("train_acc", new double[]{0, 1})))
                .build();
        SpectralResult r = SpectralDynamics.run(t, SpectralConfig.builder().esd(false).build());
        assertThatThrownBy(() -> GrokkingCriteria.measure("x", t, r, List.of("a.weight"), null,
                GrokkingCriteria.Thresholds.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("test_acc");
    }
}
