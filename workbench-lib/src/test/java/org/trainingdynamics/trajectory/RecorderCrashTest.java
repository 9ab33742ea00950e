package org.trainingdynamics.trajectory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of the recorder: a child JVM records a planted trajectory in a loop and is killed with
 * SIGKILL at an arbitrary moment (usually mid-checkpoint); the reopened store must hold every committed
 * checkpoint with exactly the planted values, and {@code resume} must continue it.
 */
class RecorderCrashTest {
    @TempDir
    Path tmp;

    private static int committed(Path dir) {
        try {
            return Trajectories.open(dir).checkpointCount();
        } catch (RuntimeException e) {
            return -1; // the manifest is being created
        }
    }

    private static void killAfter(Process p, Path dir, int atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (committed(dir) < atLeast) {
            assertThat(p.isAlive()).as("recorder child died early").isTrue();
            assertThat(System.nanoTime()).as("child too slow").isLessThan(deadline);
            Thread.sleep(5);
        }
        p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no close()
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private static void assertPlanted(StoredTrajectory s) {
        for (int t = 0; t < s.checkpointCount(); t++) {
            assertThat(s.steps()[t]).isEqualTo(10L * t);
            double[] w = s.values("w", t);
            for (int i = 0; i < w.length; i++) {
                if (w[i] != RecordingLoop.value(t, i)) {
                    throw new AssertionError("checkpoint " + t + " parameter " + i + ": " + w[i] + " != "
                            + RecordingLoop.value(t, i));
                }
            }
            for (int i = 0; i < 3; i++) {
                assertThat(s.values("b", t)[i]).isEqualTo(RecordingLoop.bias(t, i));
            }
        }
    }

    @Test
    void killedRecorderLeavesEveryCompletedCheckpointAndResumes() throws Exception {
        Path dir = tmp.resolve("run");
        Process p = ChildJvm.start("256m", RecordingLoop.class, tmp.resolve("child1.log"), dir.toString());
        killAfter(p, dir, 15);
        StoredTrajectory s = Trajectories.open(dir);
        int first = s.checkpointCount();
        assertThat(first).isGreaterThanOrEqualTo(15);
        assertThat(s.metadata()).containsEntry("planted", true);
        assertPlanted(s);
        // metrics rows of committed checkpoints are there (a torn last line is dropped)
        assertThat(s.metrics().rowCount()).isGreaterThanOrEqualTo(first - 1);

        // resume in a second child, kill it too, then check the whole trajectory
        Process q = ChildJvm.start("256m", RecordingLoop.class, tmp.resolve("child2.log"), dir.toString(), "resume");
        killAfter(q, dir, first + 10);
        StoredTrajectory again = Trajectories.open(dir);
        assertThat(again.checkpointCount()).isGreaterThanOrEqualTo(first + 10);
        assertPlanted(again);

        // and NumPy sees a consistent file whatever the header says (it may count one uncommitted row)
        TrajectoryRecorder r = TrajectoryRecorder.resume(dir);
        int t = r.checkpointCount();
        float[] w = new float[RecordingLoop.N];
        for (int i = 0; i < w.length; i++) {
            w[i] = RecordingLoop.value(t, i);
        }
        r.append(10L * t, t / 10.0, Map.of("w", w, "b", new double[]{RecordingLoop.bias(t, 0), RecordingLoop.bias(t, 1),
                RecordingLoop.bias(t, 2)}));
        r.close();
        StoredTrajectory fin = Trajectories.open(dir);
        assertThat(fin.checkpointCount()).isEqualTo(t + 1);
        assertPlanted(fin);
        String out = PythonSupport.runCode("import numpy as np, sys\n"
                + "a = np.load(sys.argv[1], mmap_mode='r')\n"
                + "print(a.shape[0], a.shape[1], float(a[-1, 5]))", dir.resolve("params/w.npy").toString());
        assertThat(out.trim()).isEqualTo((t + 1) + " " + RecordingLoop.N + " " + (double) RecordingLoop.value(t, 5));
        assertThat(Files.exists(dir.resolve("trajectory.json"))).isTrue();
    }
}
