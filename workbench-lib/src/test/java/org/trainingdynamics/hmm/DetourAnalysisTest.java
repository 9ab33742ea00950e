package org.trainingdynamics.hmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Point-biserial correlations and two-sided p-values against scipy.stats.pearsonr. */
class DetourAnalysisTest {

    @Test
    void matchesScipyAndFlagsObligatoryAndDetourStates() throws Exception {
        // 12 runs, 4 states: state 0 obligatory, state 2 visited by the slow runs (a planted detour),
        // state 3 visited by fast runs (negative correlation)
        double[] conv = {5, 6, 5, 7, 6, 12, 14, 13, 15, 6, 5, 13};
        List<int[]> paths = new ArrayList<>();
        for (int r = 0; r < conv.length; r++) {
            boolean slow = conv[r] > 10;
            boolean fast = conv[r] <= 5;
            int[] p = slow ? new int[]{0, 2, 2, 1} : fast ? new int[]{0, 3, 1, 1} : new int[]{0, 0, 1, 1};
            if (r == 9) {
                p = new int[]{0, 2, 1, 1}; // one fast run also visits the detour
            }
            paths.add(p);
        }
        DetourAnalysis.Result res = DetourAnalysis.of(paths, conv, 4, 0.05, false);
        assertThat(res.obligatory()).containsExactly(0, 1);
        assertThat(res.detours()).containsExactly(2);
        String script = """
                import sys, numpy as np
                from scipy import stats
                c = np.array([float(v) for v in sys.argv[1].split(',')])
                for s in sys.argv[2:]:
                    v = np.array([float(x) for x in s.split(',')])
                    r, p = stats.pearsonr(v, c)
                    print(repr(float(r)), repr(float(p)))
                """;
        List<String> args = new ArrayList<>();
        args.add(join(conv));
        for (int s : new int[]{2, 3}) {
            double[] v = new double[conv.length];
            for (int r = 0; r < conv.length; r++) {
                for (int x : paths.get(r)) {
                    if (x == s) {
                        v[r] = 1;
                    }
                }
            }
            args.add(join(v));
        }
        String[] out = Python.run(script, args.toArray(String[]::new)).trim().split("\n");
        for (int i = 0; i < 2; i++) {
            String[] rp = out[i].trim().split(" ");
            DetourAnalysis.Row row = res.rows().get(2 + i);
            assertThat(row.rho()).isCloseTo(Double.parseDouble(rp[0]), within(1e-12));
            assertThat(row.p()).isCloseTo(Double.parseDouble(rp[1]), within(1e-9));
        }
        DetourAnalysis.Row neg = res.rows().get(3);
        assertThat(neg.rho()).isNegative();
        assertThat(neg.p()).isBetween(0.0, 1.0);
        // the released notebook's one-sided formula exceeds 1 for negative t
        DetourAnalysis.Row paper = DetourAnalysis.of(paths, conv, 4, 0.05, true).rows().get(3);
        assertThat(paper.p()).isGreaterThan(1).isCloseTo(2 - neg.p(), within(1e-9));
        assertThat(Double.isNaN(res.rows().get(0).rho())).isTrue();
    }

    @Test
    void convergenceTimeIsFirstCheckpointAboveThreshold() {
        assertThat(DetourAnalysis.convergenceTime(new double[]{0.5, 0.8, 0.91, 0.95}, 0.9)).isEqualTo(2);
        assertThat(DetourAnalysis.convergenceTime(new double[]{0.5, 0.9, 0.9}, 0.9)).isEqualTo(3);
    }

    static String join(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            sb.append(i > 0 ? "," : "").append(v[i]);
        }
        return sb.toString();
    }
}
