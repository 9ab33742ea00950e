package org.trainingdynamics.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;
import tech.tablesaw.api.Table;

/**
 * The training loop's per-epoch hook on a small sparse-parity run (40-24-1 MLP, 96 examples, batch 32, so 3
 * updates per epoch): called with the initial weights and after every epoch with the flattened parameters,
 * the returned vector is what is recorded and trained on; a hook that changes nothing leaves the run
 * bit-identical, and no hook leaves it byte-identical to the setup without the option.
 */
class EpochHookTest {
    @TempDir
    Path tmp;

    private static SparseParitySetup.Builder small() {
        return Setups.sparseParity().width(24).sizes(96, 20).epochs(6).checkpointEpochs(1);
    }

    private static EpochHook.Factory factory(String name, java.util.function.Function<List<TensorSpec>, EpochHook> f) {
        return new EpochHook.Factory(Map.of("name", name), f);
    }

    @Test
    void identityHookLeavesTheRunBitIdenticalAndNoHookLeavesItByteIdentical() {
        Path plain = tmp.resolve("plain");
        small().build().run(5, plain);
        // built with the option cleared, and through the command-line option map: byte for byte the same
        small().epochHook(factory("x", t -> (e, p) -> p)).epochHook(null).build().run(5, tmp.resolve("cleared"));
        assertThat(TestFiles.contents(tmp.resolve("cleared")).keySet()).isEqualTo(TestFiles.contents(plain).keySet());
        TestFiles.contents(plain).forEach((k, v) ->
                assertThat(Arrays.equals(v, TestFiles.contents(tmp.resolve("cleared")).get(k))).as(k).isTrue());

        List<Integer> calls = new ArrayList<>();
        List<List<TensorSpec>> layouts = new ArrayList<>();
        Path hooked = tmp.resolve("hooked");
        small().epochHook(factory("identity", tensors -> {
            layouts.add(tensors);
            int[] count = {0};
            return EpochHook.logging((e, p) -> {
                calls.add(e);
                count[0]++;
                return p;
            }, "hook_calls", () -> count[0]);
        })).build().run(5, hooked);
        assertThat(calls).containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(layouts).hasSize(1);
        assertThat(layouts.get(0)).extracting(TensorSpec::name)
                .containsExactly("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias");

        Trajectory a = Trajectories.open(plain);
        Trajectory b = Trajectories.open(hooked);
        assertThat(b.checkpointCount()).isEqualTo(a.checkpointCount()).isEqualTo(7);
        for (int t = 0; t < a.checkpointCount(); t++) {
            assertThat(b.flattened(t)).as("checkpoint %d", t).containsExactly(a.flattened(t));
        }
        Table ma = a.metrics();
        Table mb = b.metrics();
        assertThat(mb.columnNames()).containsExactlyElementsOf(concat(ma.columnNames(), "hook_calls"));
        for (String c : ma.columnNames()) {
            assertThat(mb.column(c).asList()).as(c).isEqualTo(ma.column(c).asList());
        }
        // logged at the initial row and at each epoch end (every 3rd update), missing in between
        Table logged = mb.where(mb.doubleColumn("hook_calls").isNotMissing());
        assertThat(logged.longColumn("step").asList()).containsExactly(0L, 3L, 6L, 9L, 12L, 15L, 18L);
        assertThat(logged.doubleColumn("hook_calls").asList()).containsExactly(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0);
        assertThat(b.metadata().get("config").toString()).contains("epoch_hook={name=identity}");
        assertThat(a.metadata().get("config").toString()).doesNotContain("epoch_hook");
    }

    private static List<String> concat(List<String> l, String x) {
        List<String> r = new ArrayList<>(l);
        r.add(x);
        return r;
    }

    @Test
    void trainingContinuesFromWhatTheHookReturns() {
        Path plain = tmp.resolve("plain");
        small().build().run(5, plain);
        Path hooked = tmp.resolve("hooked");
        // after epoch 2, set every parameter to a planted value: the checkpoint is that state, training goes on from it
        small().epochHook(factory("plant", tensors -> (e, p) -> {
            if (e != 2) {
                return p;
            }
            double[] q = new double[p.length];
            for (int i = 0; i < q.length; i++) {
                q[i] = 0.01 * ((i % 7) - 3) + 1e-9;
            }
            return q;
        })).build().run(5, hooked);
        Trajectory a = Trajectories.open(plain);
        Trajectory b = Trajectories.open(hooked);
        double[] planted = b.flattened(2);
        for (int i = 0; i < planted.length; i++) {
            assertThat(planted[i]).isEqualTo((double) (float) (0.01 * ((i % 7) - 3) + 1e-9));
        }
        assertThat(b.flattened(1)).containsExactly(a.flattened(1));
        // training continued from the planted state: the next epoch is near it and far from the plain run
        double[] next = b.flattened(3);
        double[] plainNext = a.flattened(3);
        double fromPlanted = 0;
        double fromPlain = 0;
        for (int i = 0; i < next.length; i++) {
            fromPlanted += (next[i] - planted[i]) * (next[i] - planted[i]);
            fromPlain += (next[i] - plainNext[i]) * (next[i] - plainNext[i]);
        }
        assertThat(fromPlanted).isGreaterThan(0).isLessThan(0.1 * fromPlain);
    }

    @Test
    void badHooksGiveClearErrors() {
        assertThatThrownBy(() -> small().epochHook(factory("short", t -> (e, p) -> new double[3])).build()
                .run(1, tmp.resolve("a")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("returned 3 values after epoch 0").hasMessageContaining("1009 parameters");
        assertThatThrownBy(() -> small().epochHook(factory("nan", t -> (e, p) -> {
            double[] q = p.clone();
            q[q.length - 1] = e == 1 ? Double.NaN : q[q.length - 1];
            return q;
        })).build().run(1, tmp.resolve("b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-finite").hasMessageContaining("fc2.bias").hasMessageContaining("epoch 1");
        assertThatThrownBy(() -> small().epochHook(factory("clash",
                t -> EpochHook.logging((e, p) -> p, "train_loss", () -> 1))).build().run(1, tmp.resolve("c")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'train_loss' clashes");
        assertThatThrownBy(() -> EpochHook.logging((e, p) -> p, "bad name", () -> 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad name");
        assertThatThrownBy(() -> new EpochHook.Factory(Map.of(), t -> (e, p) -> p))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("description");
        assertThatThrownBy(() -> Setups.fromOptions("grokking-mlp", Map.of(), factory("x", t -> (e, p) -> p)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("takes no epoch hook")
                .hasMessageContaining("[sparse-parity, cnn]");
    }
}
