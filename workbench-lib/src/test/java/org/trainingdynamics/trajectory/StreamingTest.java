package org.trainingdynamics.trajectory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trajectory larger than the JVM heap streams: the test writes a 200 MB float32 store, and a child JVM with
 * {@code -Xmx64m} sums every value through {@code blocks()}; the sum must equal the closed form.
 */
class StreamingTest {
    static final int N = 1 << 20;   // parameters
    static final int T = 50;        // checkpoints: 50 x 4 MiB = 200 MiB
    @TempDir
    Path tmp;

    @Test
    void storeLargerThanHeapStreamsWithExactSum() throws Exception {
        Path dir = tmp.resolve("big");
        // value(t, i) = t + (i mod 1024) / 1024: exact in float32
        try (TrajectoryRecorder r = TrajectoryRecorder.create(dir, List.of(TensorSpec.of("w", N / 2), TensorSpec.of("v", N / 2)),
                Map.of())) {
            float[] w = new float[N / 2];
            float[] v = new float[N / 2];
            for (int t = 0; t < T; t++) {
                for (int i = 0; i < N / 2; i++) {
                    w[i] = t + (i % 1024) / 1024f;
                    v[i] = t + ((i + N / 2) % 1024) / 1024f;
                }
                r.append(t, t, Map.of("w", w, "v", v));
            }
        }
        long bytes = Files.size(dir.resolve("params/w.npy")) + Files.size(dir.resolve("params/v.npy"));
        assertThat(bytes).isGreaterThan(200L << 20);
        // closed form: sum_t sum_i (t + (i mod 1024)/1024) = N * T(T-1)/2 + T * (N/1024) * (1023/2)
        double expected = (double) N * T * (T - 1) / 2 + (double) T * (N / 1024) * 1023 / 2.0;
        Path log = tmp.resolve("child.log");
        Process p = ChildJvm.start("64m", StreamSum.class, log, dir.toString(), "16384");
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isEqualTo(0);
        assertThat(out).contains("sum=" + expected + " count=" + ((long) N * T));
        long maxHeap = Long.parseLong(out.substring(out.indexOf("maxHeap=") + 8).trim());
        assertThat(maxHeap).isLessThan(bytes / 2);
    }
}
