package org.trainingdynamics.cmd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.trainingdynamics.trajectory.InMemoryTrajectory;
import org.trainingdynamics.trajectory.Trajectory;

/**
 * The blocked, multi-threaded assignment pass against a plain per-parameter loop (centred Pearson correlation,
 * first maximum wins, least-squares a and b, per-checkpoint residual sums), on noisy random data with constant
 * parameters and exactly tied references, and bit-identity across thread counts.
 */
class ModeAssignmentTest {
    static final int T = 37;
    static final String[] NAMES = {"a.weight", "b.weight", "c.bias"};
    static final int[] SIZES = {5000, 3001, 17};

    record Data(Trajectory traj, double[][] w, double[][] refs) {
    }

    static Data data(long seed, int nanAt) {
        Random rng = new Random(seed);
        int n = Arrays.stream(SIZES).sum();
        double[][] refs = new double[5][T];
        for (int t = 0; t < T; t++) {
            double s = t / (T - 1.0);
            refs[0][t] = Math.exp(-3 * s);
            refs[1][t] = Math.sin(5 * s);
            refs[2][t] = s * s + 0.1 * Math.cos(9 * s);
            refs[3][t] = -refs[0][t]; // |corr| ties exactly with reference 0: the first must win
            refs[4][t] = rng.nextGaussian();
        }
        double[][] w = new double[n][T];
        for (int i = 0; i < n; i++) {
            int kind = rng.nextInt(7);
            double scale = rng.nextGaussian();
            double off = rng.nextGaussian() * 3;
            for (int t = 0; t < T; t++) {
                w[i][t] = switch (kind) {
                    case 0 -> off; // constant
                    case 1 -> scale * refs[0][t] + off; // ties between references 0 and 3
                    case 2 -> rng.nextGaussian(); // pure noise
                    default -> scale * refs[kind - 2][t] + off + 0.05 * rng.nextGaussian();
                };
            }
        }
        if (nanAt >= 0) {
            w[nanAt][T / 2] = Double.NaN;
        }
        InMemoryTrajectory.Builder b = InMemoryTrajectory.builder();
        for (int l = 0; l < NAMES.length; l++) {
            b.tensor(NAMES[l], SIZES[l]);
        }
        for (int t = 0; t < T; t++) {
            Map<String, double[]> row = new LinkedHashMap<>();
            int off = 0;
            for (int l = 0; l < NAMES.length; l++) {
                double[] v = new double[SIZES[l]];
                for (int i = 0; i < v.length; i++) {
                    v[i] = w[off + i][t];
                }
                row.put(NAMES[l], v);
                off += SIZES[l];
            }
            b.checkpoint(t, t, row);
        }
        return new Data(b.build(), w, refs);
    }

    @Test
    void matchesPlainLoopOnNoisyTiedAndConstantParameters() {
        Data d = data(11, -1);
        ModeAssignment.Result r = ModeAssignment.run(d.traj(), ParameterLayout.of(d.traj()), d.refs(), 2, 1000);
        int m = d.refs().length;
        double[] num = new double[T];
        double[] den = new double[T];
        int constants = 0;
        int tied = 0;
        for (int i = 0; i < d.w().length; i++) {
            double[] x = d.w()[i];
            double mx = mean(x);
            boolean constant = Arrays.stream(x).allMatch(v -> v == x[0]);
            double[] c = new double[m];
            double bestC = -1;
            if (!constant) {
                for (int k = 0; k < m; k++) {
                    double[] rk = d.refs()[k];
                    double mr = mean(rk);
                    double sxy = 0;
                    double sxx = 0;
                    double syy = 0;
                    for (int t = 0; t < T; t++) {
                        sxy += (x[t] - mx) * (rk[t] - mr);
                        sxx += (x[t] - mx) * (x[t] - mx);
                        syy += (rk[t] - mr) * (rk[t] - mr);
                    }
                    c[k] = Math.abs(sxy / Math.sqrt(sxx * syy));
                    bestC = Math.max(bestC, c[k]);
                }
            }
            int best = r.mode()[i];
            if (constant) {
                constants++;
                assertThat(best).as("mode of constant parameter %d", i).isZero();
            } else {
                // the chosen reference is a maximum up to rounding; exact ties go to the lowest index
                assertThat(c[best]).as("|corr| of parameter %d with its mode", i).isGreaterThan(bestC - 1e-12);
                if (c[0] == c[3] && c[0] == bestC) {
                    tied++;
                    assertThat(best).as("mode of exactly tied parameter %d", i).isZero();
                }
            }
            double[] ref = d.refs()[best];
            double mr = mean(ref);
            double cov = 0;
            double var = 0;
            for (int t = 0; t < T; t++) {
                cov += (x[t] - mx) * (ref[t] - mr);
                var += (ref[t] - mr) * (ref[t] - mr);
            }
            double a = constant ? 0 : cov / var;
            double b = constant ? x[0] : mx - a * mr;
            assertThat(r.a()[i]).as("a of parameter %d", i).isCloseTo(a, within(1e-10 * (1 + Math.abs(a))));
            assertThat(r.b()[i]).as("b of parameter %d", i).isCloseTo(b, within(1e-10 * (1 + Math.abs(b))));
            for (int t = 0; t < T; t++) {
                double e = a * ref[t] + b - x[t];
                num[t] += e * e;
                den[t] += (x[t] - mx) * (x[t] - mx);
            }
        }
        assertThat(r.constants()).hasSize(constants);
        assertThat(tied).as("parameters whose best |corr| is exactly tied").isGreaterThan(500);
        for (int t = 0; t < T; t++) {
            assertThat(r.errorNumerator()[t]).isCloseTo(num[t], within(1e-9 * num[t]));
            assertThat(r.errorDenominator()[t]).isCloseTo(den[t], within(1e-9 * den[t]));
        }
        long[] perLayer = Arrays.stream(r.layerModeCounts()).mapToLong(c -> Arrays.stream(c).sum()).toArray();
        assertThat(perLayer).containsExactly(5000, 3001, 17);
    }

    @Test
    void resultDoesNotDependOnThreadsOrChunks() {
        Data d = data(12, -1);
        ParameterLayout layout = ParameterLayout.of(d.traj());
        ModeAssignment.Result one = ModeAssignment.run(d.traj(), layout, d.refs(), 1, 700);
        for (int workers : new int[]{2, 3, 8}) {
            ModeAssignment.Result many = ModeAssignment.run(d.traj(), layout, d.refs(), workers, 700);
            assertThat(many.mode()).isEqualTo(one.mode());
            assertThat(many.a()).isEqualTo(one.a());
            assertThat(many.b()).isEqualTo(one.b());
            assertThat(many.constants()).isEqualTo(one.constants());
            assertThat(many.errorNumerator()).isEqualTo(one.errorNumerator());
            assertThat(many.errorDenominator()).isEqualTo(one.errorDenominator());
            assertThat(many.layerModeCounts()).isEqualTo(one.layerModeCounts());
        }
        ModeAssignment.Result def = ModeAssignment.run(d.traj(), layout, d.refs());
        assertThat(def.mode()).isEqualTo(one.mode());
        assertThat(def.a()).isEqualTo(one.a());
    }

    @Test
    void nonFiniteValueInALaterChunkIsNamed() {
        Data d = data(13, 7003);
        assertThatThrownBy(() -> ModeAssignment.run(d.traj(), ParameterLayout.of(d.traj()), d.refs(), 3, 500))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tensor 'b.weight' parameter 2003 is NaN at checkpoint " + T / 2);
    }

    static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }
}
