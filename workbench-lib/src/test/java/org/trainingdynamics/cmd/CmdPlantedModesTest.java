package org.trainingdynamics.cmd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.trainingdynamics.trajectory.InMemoryTrajectory;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;

/** Planted modes (with sign-flipped members and constant parameters) are recovered exactly. */
class CmdPlantedModesTest {
    static final int T = 25;

    /** Planted trajectory: 3 tensors; parameter i follows profile group[i] with scale/offset; constants have group -1. */
    record Planted(Trajectory traj, int[] group, double[] scale, double[] offset, double[][] profiles) {
    }

    static Planted planted(long seed) {
        Random rng = new Random(seed);
        double[][] prof = new double[4][T];
        for (int t = 0; t < T; t++) {
            double s = t / (double) (T - 1);
            prof[0][t] = Math.exp(-3 * s);
            prof[1][t] = Math.sin(4 * s);
            prof[2][t] = s * s;
            prof[3][t] = Math.cos(7 * s) * (1 - s);
        }
        int[] sizes = {300, 200, 7};
        int n = 507;
        int[] group = new int[n];
        double[] scale = new double[n];
        double[] offset = new double[n];
        for (int i = 0; i < n; i++) {
            group[i] = i >= 500 || i % 97 == 3 ? -1 : rng.nextInt(4);
            scale[i] = (rng.nextBoolean() ? 1 : -1) * (0.2 + rng.nextDouble());
            offset[i] = rng.nextGaussian();
        }
        InMemoryTrajectory.Builder b = InMemoryTrajectory.builder().tensor("l1.weight", 30, 10).tensor("l1.bias", 200)
                .tensor("bn.running_var", 7);
        for (int t = 0; t < T; t++) {
            double[] all = new double[n];
            for (int i = 0; i < n; i++) {
                all[i] = group[i] < 0 ? offset[i] : scale[i] * prof[group[i]][t] + offset[i];
            }
            Map<String, double[]> row = new LinkedHashMap<>();
            int off = 0;
            String[] names = {"l1.weight", "l1.bias", "bn.running_var"};
            for (int l = 0; l < 3; l++) {
                row.put(names[l], java.util.Arrays.copyOfRange(all, off, off + sizes[l]));
                off += sizes[l];
            }
            b.checkpoint(10L * t, t, row);
        }
        return new Planted(b.build(), group, scale, offset, prof);
    }

    @Test
    void recoversPlantedModesSignsAndConstants() {
        Planted p = planted(7);
        CmdResult r = Cmd.builder().modes(4).sampleSize(200).seed(3).build().fit(p.traj());
        assertThat(r.modeCount()).isEqualTo(4);
        long[] refs = r.references();
        int[] mode = r.modes();
        double[] a = r.a();
        double[] b = r.b();
        Map<Integer, Integer> groupToMode = new HashMap<>();
        for (int k = 0; k < 4; k++) {
            int g = p.group()[(int) refs[k]];
            assertThat(g).as("reference of mode %d is a planted (moving) parameter", k).isGreaterThanOrEqualTo(0);
            assertThat(groupToMode.put(g, k)).as("two modes share planted group %d", g).isNull();
        }
        int constants = 0;
        for (int i = 0; i < mode.length; i++) {
            int g = p.group()[i];
            if (g < 0) {
                constants++;
                assertThat(mode[i]).isZero();
                assertThat(a[i]).isZero();
                assertThat(b[i]).isEqualTo(p.offset()[i]);
                continue;
            }
            int k = groupToMode.get(g);
            assertThat(mode[i]).as("mode of parameter %d", i).isEqualTo(k);
            int ref = (int) refs[k];
            double ea = p.scale()[i] / p.scale()[ref];
            double eb = p.offset()[i] - ea * p.offset()[ref];
            assertThat(a[i]).as("a of %d", i).isCloseTo(ea, within(1e-9));
            assertThat(b[i]).as("b of %d", i).isCloseTo(eb, within(1e-9));
            assertThat(Math.signum(a[i])).isEqualTo(Math.signum(p.scale()[i] * p.scale()[ref]));
        }
        assertThat(r.constantParameters()).hasSize(constants);
        assertThat(r.relativeError()).isLessThan(1e-12);
        for (double e : r.checkpointError()) {
            assertThat(e).isLessThan(1e-12);
        }
        // modes are numbered by cluster size in the sample
        int[] sampleModes = r.sampleModes();
        int[] count = new int[4];
        for (int s : sampleModes) {
            count[s]++;
        }
        for (int k = 1; k < 4; k++) {
            assertThat(count[k]).isLessThanOrEqualTo(count[k - 1]);
        }
        // per-layer membership adds up and spans tensors
        assertThat(r.layerTable().rowCount()).isEqualTo(3 * 4);
        assertThat(r.modeTable().longColumn("parameters").sum()).isEqualTo(507.0);
        // the lazy reconstruction equals the planted trajectory
        Trajectory rec = r.reconstruct();
        for (int t = 0; t < T; t += 6) {
            double[] orig = p.traj().flattened(t);
            double[] hat = rec.flattened(t);
            for (int i = 0; i < orig.length; i++) {
                assertThat(hat[i]).isCloseTo(orig[i], within(1e-9));
            }
        }
    }

    @Test
    void windowAndSelectionWork() {
        Planted p = planted(11);
        Trajectory w = p.traj().window(2, T, 2).select("l1.*");
        CmdResult r = Cmd.builder().modes(4).sampleSize(150).build().fit(w);
        assertThat(r.checkpointCount()).isEqualTo(12);
        assertThat(r.parameterCount()).isEqualTo(500);
        assertThat(r.relativeError()).isLessThan(1e-12);
    }

    @Test
    void errorMatchesDirectComputationWhenModesAreTooFew() {
        Planted p = planted(5);
        CmdResult r = Cmd.builder().modes(2).sampleSize(200).build().fit(p.traj());
        assertThat(r.modeCount()).isEqualTo(2);
        double[][] x = p.traj().toMatrix().toDoubleMatrix();
        double num = 0;
        double den = 0;
        double[] numT = new double[T];
        double[] denT = new double[T];
        for (int i = 0; i < x.length; i++) {
            double mean = java.util.Arrays.stream(x[i]).average().orElseThrow();
            for (int t = 0; t < T; t++) {
                double e = r.value(i, t) - x[i][t];
                num += e * e;
                numT[t] += e * e;
                den += (x[i][t] - mean) * (x[i][t] - mean);
            }
        }
        assertThat(r.relativeError()).isCloseTo(Math.sqrt(num / den), within(1e-12));
        assertThat(r.relativeError()).isGreaterThan(0.01);
        double[] ce = r.checkpointError();
        for (int t = 0; t < T; t++) {
            assertThat(ce[t]).isCloseTo(Math.sqrt(numT[t] / (den / T)), within(1e-12));
        }
        // least squares: a, b minimise each parameter's squared error against its reference
        double[][] prof = r.modeProfiles();
        int[] mode = r.modes();
        for (int i = 0; i < x.length; i += 17) {
            double base = sse(x[i], prof[mode[i]], r.a()[i], r.b()[i]);
            assertThat(sse(x[i], prof[mode[i]], r.a()[i] + 1e-4, r.b()[i])).isGreaterThanOrEqualTo(base);
            assertThat(sse(x[i], prof[mode[i]], r.a()[i], r.b()[i] - 1e-4)).isGreaterThanOrEqualTo(base);
        }
    }

    static double sse(double[] x, double[] r, double a, double b) {
        double s = 0;
        for (int t = 0; t < x.length; t++) {
            s += (a * r[t] + b - x[t]) * (a * r[t] + b - x[t]);
        }
        return s;
    }

    @Test
    void badInputIsRejectedClearly() {
        assertThatThrownBy(() -> Cmd.builder().modes(0).build()).hasMessageContaining("modes");
        assertThatThrownBy(() -> Cmd.builder().criterion(CutCriterion.DISTANCE).threshold(-1).build())
                .hasMessageContaining("threshold");
        Trajectory tiny = Trajectories.fromMatrix("w", new double[][]{{1, 2, 3}, {2, 4, 6.5}, {0, 1, Double.NaN}});
        assertThatThrownBy(() -> Cmd.builder().modes(1).sampleSize(2).sample(new long[]{0, 2}).build().fit(tiny))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-finite");
        assertThatThrownBy(() -> Cmd.builder().modes(1).sample(new long[]{0, 1}).build().fit(tiny))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parameter 2 is NaN at checkpoint 2");
        assertThatThrownBy(() -> Cmd.builder().sample(new long[]{0, 5}).build().fit(tiny))
                .hasMessageContaining("outside");
        Trajectory flat = Trajectories.fromMatrix("w", new double[][]{{1, 1, 1}, {2, 2, 2}});
        assertThatThrownBy(() -> Cmd.builder().sampleSize(2).build().fit(flat)).hasMessageContaining("constant");
        Trajectory one = Trajectories.fromMatrix("w", new double[][]{{1}, {2}});
        assertThatThrownBy(() -> Cmd.builder().sampleSize(2).build().fit(one)).hasMessageContaining("2 checkpoints");
    }
}
