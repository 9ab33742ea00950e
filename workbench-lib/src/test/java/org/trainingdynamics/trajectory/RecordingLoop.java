package org.trainingdynamics.trajectory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Child process of {@link RecorderCrashTest}: records checkpoints of a planted trajectory (value of parameter
 * i at checkpoint t = {@link #value}) in an endless loop until it is killed. With "resume" it continues an
 * existing store instead of creating one.
 */
public final class RecordingLoop {
    static final int N = 50_000;

    private RecordingLoop() {
    }

    static float value(int t, int i) {
        return t * 1000f + (i % 997) * 0.5f;
    }

    static float bias(int t, int i) {
        return -t - i * 0.25f;
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        TrajectoryRecorder r = args.length > 1 && args[1].equals("resume") ? TrajectoryRecorder.resume(dir)
                : TrajectoryRecorder.create(dir, List.of(TensorSpec.of("w", N), new TensorSpec("b", new long[]{3},
                DType.FLOAT64)), Map.of("planted", true));
        for (int t = r.checkpointCount(); ; t++) {
            float[] w = new float[N];
            for (int i = 0; i < N; i++) {
                w[i] = value(t, i);
            }
            double[] b = new double[3];
            for (int i = 0; i < 3; i++) {
                b[i] = bias(t, i);
            }
            r.append(10L * t, t / 10.0, Map.of("w", w, "b", b));
            r.logMetrics(10L * t, Map.of("loss", 1.0 / (t + 1)));
        }
    }
}
