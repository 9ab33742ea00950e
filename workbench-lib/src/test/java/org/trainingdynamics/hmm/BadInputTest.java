package org.trainingdynamics.hmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Bad input: clear errors, or the documented regularisation, and never NaN parameters. */
class BadInputTest {

    static double[][] noise(int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = GaussianHmm.gaussian(r);
            }
        }
        return x;
    }

    @Test
    void nonFiniteValuesNameFrameAndFeature() {
        double[][] x = noise(20, 3, 1);
        x[13][2] = Double.NaN;
        assertThatThrownBy(() -> Sequences.of(x, new int[]{10, 10})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("frame 13").hasMessageContaining("sequence 1").hasMessageContaining("feature 2");
        x[13][2] = Double.POSITIVE_INFINITY;
        assertThatThrownBy(() -> Sequences.of(x, null)).hasMessageContaining("Infinity");
    }

    @Test
    void shortSequencesBadLengthsAndTooManyStates() {
        double[][] x = noise(10, 2, 2);
        assertThatThrownBy(() -> Sequences.of(x, new int[]{9, 1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sequence 1 has 1 frame");
        assertThatThrownBy(() -> Sequences.of(x, new int[]{5, 4})).hasMessageContaining("sum to 9");
        Sequences s = Sequences.of(x, null);
        assertThatThrownBy(() -> HmmConfig.builder().states(11).build().fit(s))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("11 states but only 10 frames");
        assertThatThrownBy(() -> HmmConfig.builder().states(2).params("xyz").build())
                .hasMessageContaining("params");
        assertThatThrownBy(() -> CovarianceType.parse("banana")).hasMessageContaining("full, diag, spherical or tied");
        double[][][] notPd = {{{1, 2}, {2, 1}}, {{1, 0}, {0, 1}}};
        HmmParameters bad = new HmmParameters(new double[]{0.5, 0.5}, new double[][]{{0.5, 0.5}, {0.5, 0.5}},
                new double[][]{{0, 0}, {1, 1}}, notPd);
        assertThatThrownBy(() -> HmmConfig.builder().states(2).init(bad).build().fit(s))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("state 0 is not symmetric positive-definite");
    }

    @Test
    void degenerateFeaturesGiveAClearErrorOrRegularisedFinitefit() {
        // two constant features and one duplicated feature: full covariances become singular
        double[][] x = noise(300, 5, 3);
        for (double[] row : x) {
            row[1] = 2.0;
            row[3] = -1.0;
            row[4] = row[0];
        }
        Sequences s = Sequences.of(x, new int[]{100, 100, 100});
        assertThatThrownBy(() -> HmmConfig.builder().states(3).seed(1).build().fit(s))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("constant features [1, 3]")
                .hasMessageContaining("linearly dependent on earlier ones [4]")
                .hasMessageContaining("singular");
        assertThatThrownBy(() -> HmmConfig.builder().states(3).seed(1).covariance(CovarianceType.TIED).build().fit(s))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tied covariances would be singular");
        // the documented regularisation: a ridge on every covariance diagonal
        GaussianHmm m = HmmConfig.builder().states(3).seed(1).covarianceRidge(1e-6).build().fit(s).model();
        assertFinite(m);
        // diag covariances stay positive via covars_prior alone (hmmlearn): no NaN
        GaussianHmm d = HmmConfig.builder().states(3).seed(1).covariance(CovarianceType.DIAG).build().fit(s).model();
        assertFinite(d);
        assertThat(d.covars()[0][1][1]).isPositive();
    }

    @Test
    void anEmptiedStateKeepsFiniteParameters() {
        // 4 states on data with one cluster: some state loses all posterior mass; parameters must stay finite
        double[][] x = noise(200, 2, 4);
        HmmParameters init = new HmmParameters(new double[]{1, 0, 0, 0},
                new double[][]{{0.97, 0.01, 0.01, 0.01}, {0.25, 0.25, 0.25, 0.25}, {0.25, 0.25, 0.25, 0.25},
                    {0.25, 0.25, 0.25, 0.25}},
                new double[][]{{0, 0}, {1e3, 1e3}, {-1e3, 1e3}, {1e3, -1e3}},
                new double[][][]{{{1, 0}, {0, 1}}, {{1, 0}, {0, 1}}, {{1, 0}, {0, 1}}, {{1, 0}, {0, 1}}});
        for (CovarianceType t : CovarianceType.values()) {
            GaussianHmm m = HmmConfig.builder().states(4).covariance(t).init(init).iterations(5).build()
                    .fit(Sequences.of(x, null)).model();
            assertFinite(m);
        }
    }

    /** A 2-checkpoint run (steps 0 and 10) whose per-step metrics table has test_acc only where given. */
    static org.trainingdynamics.trajectory.Trajectory runWithMetrics(long[] steps, double[] acc) {
        tech.tablesaw.api.LongColumn st = tech.tablesaw.api.LongColumn.create("step", steps);
        tech.tablesaw.api.DoubleColumn a = tech.tablesaw.api.DoubleColumn.create("test_acc", acc);
        java.util.Map<String, double[]> c0 = java.util.Map.of("fc1.weight", new double[]{1, 2, 3, 4, 5, 6},
                "fc1.bias", new double[]{0.1, 0.2, 0.3});
        java.util.Map<String, double[]> c1 = java.util.Map.of("fc1.weight", new double[]{2, 1, 3, 5, 4, 7},
                "fc1.bias", new double[]{0.2, 0.1, 0.4});
        return org.trainingdynamics.trajectory.InMemoryTrajectory.builder().tensor("fc1.weight", 3, 2)
                .tensor("fc1.bias", 3).checkpoint(0, 0, c0).checkpoint(10, 1, c1)
                .metrics(tech.tablesaw.api.Table.create("metrics", st, a)).build();
    }

    @Test
    void runMetricIsReadAtCheckpointStepsAndMissingOnesAreNamed() {
        // per-step rows; the metric is present only at the evaluation steps 0 and 10 (NaN = missing elsewhere)
        TrainingHmmStudy.Run r = TrainingHmmStudy.Run.of("r", runWithMetrics(new long[]{0, 1, 5, 10, 11},
                new double[]{0.5, Double.NaN, Double.NaN, 0.75, Double.NaN}), TrainingMetrics.defaults(), "test_acc");
        assertThat(r.convergenceMetric()).containsExactly(0.5, 0.75);
        assertThatThrownBy(() -> TrainingHmmStudy.Run.of("r", runWithMetrics(new long[]{0, 1, 10},
                new double[]{0.5, 0.6, Double.NaN}), TrainingMetrics.defaults(), "test_acc"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("run r")
                .hasMessageContaining("test_acc at step 10");
        assertThatThrownBy(() -> TrainingHmmStudy.Run.of("r", runWithMetrics(new long[]{0, 10},
                new double[]{0.5, 0.6}), TrainingMetrics.defaults(), "val_acc"))
                .hasMessageContaining("no metric 'val_acc'");
    }

    static void assertFinite(GaussianHmm m) {
        for (double v : m.startprob()) {
            assertThat(v).isFinite();
        }
        for (double[] r : m.transmat()) {
            for (double v : r) {
                assertThat(v).isFinite();
            }
        }
        for (double[] r : m.means()) {
            for (double v : r) {
                assertThat(v).isFinite();
            }
        }
        for (double[][] c : m.covars()) {
            for (double[] r : c) {
                for (double v : r) {
                    assertThat(v).isFinite();
                }
            }
        }
    }
}
