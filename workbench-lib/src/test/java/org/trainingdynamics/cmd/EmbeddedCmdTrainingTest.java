package org.trainingdynamics.cmd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.train.EpochHook;
import org.trainingdynamics.train.Setups;
import org.trainingdynamics.train.data.IdxFiles;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;
import tech.tablesaw.api.Table;

/**
 * Embedded CMD as the CNN trainer's epoch hook (Brokman et al. 2024 Sec. 3.3), on a reduced run: the LeNet-5-like
 * CNN (61 706 parameters) on 64 synthetic Fashion-MNIST-format images, batch 32, 7 epochs, with F = 2,
 * L = 1, P = 10 %, M = 4, K = 200, so embedding rounds after epochs 3 to 7. Everything is checked
 * against the recorded trajectory, not against the hook's answers: the coefficients a parameter froze with
 * are re-derived as the least-squares fit of its recorded values on its reference's over epochs 0..R (the
 * mode and reference from a post-hoc CMD re-fitted on the recorded warm-up checkpoints).
 */
class EmbeddedCmdTrainingTest {
    static final int WARMUP = 2;
    static final int WINDOW = 1;
    static final double PERCENT = 10;
    static final int MODES = 4;
    static final int EPOCHS = 7;

    @TempDir
    Path tmp;

    @AfterEach
    void reset() {
        System.clearProperty("workbench.fashionMnist");
    }

    @Test
    void trainingContinuesFromTheEmbeddedStateOnTheOfficialSchedule() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("fmnist"));
        IdxFiles.plantedSplit(data, "train", 64, new Random(3)::nextInt);
        IdxFiles.plantedSplit(data, "t10k", 32, new Random(4)::nextInt);
        System.setProperty("workbench.fashionMnist", data.toString());

        EmbeddedCmd.Config cfg = new EmbeddedCmd.Config(WARMUP, WINDOW, PERCENT, false,
                Cmd.builder().modes(MODES).sampleSize(200).build());
        List<EmbeddedCmd> hooks = new ArrayList<>();
        Map<Integer, boolean[]> embeddedAfter = new LinkedHashMap<>();
        EpochHook.Factory factory = new EpochHook.Factory(cfg.describe(), tensors -> {
            EmbeddedCmd h = new EmbeddedCmd(tensors, cfg);
            hooks.add(h);
            return EpochHook.logging((e, p) -> {
                double[] q = h.onEpoch(e, p);
                embeddedAfter.put(e, h.embedded());
                return q;
            }, "cmd_embedded", h::embeddedCount);
        });
        Path plainDir = tmp.resolve("plain");
        Path embedDir = tmp.resolve("embedded");
        Setups.cnn().trainLimit(64).batch(32).epochs(EPOCHS).earlyPhase(0, 1).build().run(1, plainDir);
        Setups.cnn().trainLimit(64).batch(32).epochs(EPOCHS).earlyPhase(0, 1).epochHook(factory).build().run(1, embedDir);
        Trajectory plain = Trajectories.open(plainDir);
        Trajectory run = Trajectories.open(embedDir);
        assertThat(hooks).hasSize(1);
        assertThat(run.epochs()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(run.metadata().get("config").toString())
                .contains("epoch_hook={name=embedded_cmd, warmup=2, window=1, percent=10.0, relative=false, modes=4");
        int n = run.flattened(0).length;
        assertThat(n).isEqualTo(61706);
        double[][] w = new double[EPOCHS + 1][];
        for (int t = 0; t <= EPOCHS; t++) {
            w[t] = run.flattened(t);
        }

        // modes and references, re-fitted from the recorded warm-up checkpoints 0..F
        CmdResult fit = cfg.cmd().fit(run.window(0, WARMUP + 1, 1));
        EmbeddedCmd hook = hooks.get(0);
        assertThat(fit.references()).containsExactly(hook.warmupFit().references());
        int[] mode = fit.modes();
        long[] refs = fit.references();

        // (b) the schedule: nothing embedded through the warm-up and until the first round (epoch 3), then about
        // P% of N more at every round (the quota minus the references that fell in it), references never
        int quota = (int) Math.ceil(n * PERCENT / 100);
        int[] expectedRounds = {3, 4, 5, 6, 7};
        Table m = run.metrics();
        Table logged = m.where(m.doubleColumn("cmd_embedded").isNotMissing());
        assertThat(logged.longColumn("step").asList()).as("one value per epoch end (2 updates per epoch)")
                .containsExactly(0L, 2L, 4L, 6L, 8L, 10L, 12L, 14L);
        double[] count = logged.doubleColumn("cmd_embedded").asDoubleArray();
        int previous = 0;
        int round = 0;
        for (int e = 0; e <= EPOCHS; e++) {
            boolean[] set = embeddedAfter.get(e);
            int c = 0;
            for (boolean b : set) {
                c += b ? 1 : 0;
            }
            assertThat(count[e]).as("logged count after epoch %d", e).isEqualTo(c);
            for (long r : refs) {
                assertThat(set[(int) r]).as("reference %d after epoch %d", r, e).isFalse();
            }
            if (round < expectedRounds.length && e == expectedRounds[round]) {
                assertThat(c - previous).as("round at epoch %d", e).isBetween(quota - MODES, quota);
                round++;
            } else {
                assertThat(c).as("no round at epoch %d", e).isEqualTo(previous);
            }
            previous = c;
        }
        assertThat(round).isEqualTo(expectedRounds.length);
        Table history = hook.history();
        assertThat(history.intColumn("epoch").asList()).containsExactly(3, 4, 5, 6, 7);
        for (int r = 0; r < history.rowCount(); r++) {
            assertThat((double) history.intColumn("embedded").getInt(r)).isEqualTo(count[r + WARMUP + 1]);
        }

        // (a) until the first embedded epoch the run is the plain one, bit for bit
        for (int t = 0; t <= expectedRounds[0]; t++) {
            assertThat(w[t]).as("checkpoint %d", t).containsExactly(plain.flattened(t));
        }
        // parameters embedded at round R sit exactly on a·w_ref(t) + b for every later epoch t, with (a, b) the
        // least-squares fit over the recorded epochs 0..R
        boolean[] before = new boolean[n];
        int checked = 0;
        int moving = 0;
        int plainOff = 0;
        double[] plainLast = plain.flattened(EPOCHS);
        for (int r : expectedRounds) {
            boolean[] now = embeddedAfter.get(r);
            for (int i = 0; i < n; i++) {
                if (!now[i] || before[i]) {
                    continue;
                }
                int ref = (int) refs[mode[i]];
                double[] ab = leastSquares(w, i, ref, r);
                for (int t = r + 1; t <= EPOCHS; t++) {
                    double predicted = ab[0] * w[t][ref] + ab[1];
                    double tol = 1.2e-7 * (Math.abs(ab[0] * w[t][ref]) + Math.abs(ab[1])) + 1e-12;
                    assertThat(Math.abs(w[t][i] - predicted)).as("parameter %d (round %d) at epoch %d", i, r, t)
                            .isLessThanOrEqualTo(tol);
                    checked++;
                }
                if (r < EPOCHS && w[EPOCHS][i] != w[r][i]) {
                    // an embedded parameter that kept moving; in the plain run it is off its line (so the
                    // check above can tell a written-back state from plain training)
                    moving++;
                    double p = ab[0] * plainLast[ref] + ab[1];
                    plainOff += Math.abs(plainLast[i] - p) > 1.2e-7 * (Math.abs(ab[0] * plainLast[ref]) + Math.abs(ab[1])) + 1e-12 ? 1 : 0;
                }
            }
            before = now;
        }
        assertThat(checked).isGreaterThan(9 * quota);
        assertThat(moving).as("embedded parameters that kept moving").isGreaterThan(quota / 10);
        assertThat(plainOff).as("of those, off their line in the plain run").isGreaterThan(moving * 9 / 10);

        // training continued from the mixed state: the free parameters also leave the plain trajectory
        boolean[] firstRound = embeddedAfter.get(expectedRounds[0]);
        int free = 0;
        int moved = 0;
        double[] plainEnd = plain.flattened(EPOCHS);
        for (int i = 0; i < n; i++) {
            if (!firstRound[i]) {
                free++;
                moved += w[EPOCHS][i] != plainEnd[i] ? 1 : 0;
            }
        }
        assertThat(moved).isGreaterThan(free / 2);
    }

    /** (a, b) minimising Σ_{t ≤ last} (a·w_ref(t) + b − w_i(t))², two-pass in double. */
    static double[] leastSquares(double[][] w, int i, int ref, int last) {
        int t1 = last + 1;
        double mr = 0;
        double mw = 0;
        for (int t = 0; t < t1; t++) {
            mr += w[t][ref];
            mw += w[t][i];
        }
        mr /= t1;
        mw /= t1;
        double sxy = 0;
        double sxx = 0;
        for (int t = 0; t < t1; t++) {
            sxy += (w[t][ref] - mr) * (w[t][i] - mw);
            sxx += (w[t][ref] - mr) * (w[t][ref] - mr);
        }
        double a = sxx == 0 ? 0 : sxy / sxx;
        return new double[]{a, mw - a * mr};
    }
}
