package org.trainingdynamics.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeaksTest {

    @Test
    void handWorkedExample() {
        // peaks at 1 (bases 0 and 1 -> 2), 3 (bases 1 and 1 -> 1), 5 (bases 0 and 0 -> 5)
        double[] x = {0, 3, 1, 2, 1, 5, 0};
        assertThat(Peaks.prominences(x)).containsExactly(0, 2, 0, 1, 0, 5, 0);
        assertThat(Peaks.mostProminent(x)).isEqualTo(5);
        // a decaying transient with a later bump: the bump wins, not the start
        double[] decay = {10, 6, 3, 1, 0.5, 2, 0.4, 0.2};
        assertThat(Peaks.mostProminent(decay)).isEqualTo(5);
        assertThat(Peaks.prominences(decay)[5]).isCloseTo(1.5, within(1e-12));
        assertThat(Peaks.mostProminent(new double[]{5, 4, 3, 2})).isEqualTo(-1);
        assertThatThrownBy(() -> Peaks.prominences(new double[]{1, Double.NaN, 0})).hasMessageContaining("index 1");
        assertThatThrownBy(() -> Peaks.prominences(new double[0])).hasMessageContaining("empty");
    }

    @Test
    void matchesScipyPeakProminences(@TempDir Path dir) throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        double[] x = new double[60];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.sin(i / 3.0) + r.nextDouble();
        }
        StringBuilder sb = new StringBuilder();
        for (double v : x) {
            sb.append(Double.toString(v)).append(' ');
        }
        Path script = dir.resolve("peaks.py");
        Files.writeString(script, String.join("\n",
                "import sys, numpy as np",
                "from scipy.signal import find_peaks, peak_prominences",
                "x = np.array([float(v) for v in sys.argv[1].split()])",
                "p, _ = find_peaks(x)",
                "pr = peak_prominences(x, p)[0]",
                "print(' '.join(f'{i}:{float(v)!r}' for i, v in zip(p, pr)))"));
        String out = null;
        String why = "";
        for (String exe : List.of("python3", "/usr/bin/python3")) {
            Process p = new ProcessBuilder(exe, script.toString(), sb.toString().trim()).start();
            byte[] o = p.getInputStream().readAllBytes();
            byte[] e = p.getErrorStream().readAllBytes();
            if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) {
                out = new String(o, StandardCharsets.UTF_8).trim();
                break;
            }
            why += exe + ": " + new String(e, StandardCharsets.UTF_8) + "\n";
        }
        assertThat(out).as("python3 with numpy and scipy is needed for this cross-check:\n" + why).isNotNull();
        double[] expected = new double[x.length];
        for (String tok : out.split(" ")) {
            String[] kv = tok.split(":");
            expected[Integer.parseInt(kv[0])] = Double.parseDouble(kv[1]);
        }
        double[] got = Peaks.prominences(x);
        for (int i = 0; i < x.length; i++) {
            assertThat(got[i]).as("index " + i).isCloseTo(expected[i], within(1e-12));
        }
        assertThat(out.split(" ").length).isGreaterThan(5);
    }
}
