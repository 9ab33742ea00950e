package org.trainingdynamics.hmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The attribution gradient against central finite differences of the filtering log-posterior. */
class TransitionAttributionTest {

    @Test
    void gradientEqualsFiniteDifferencesOfTheFilteringPosterior() {
        GaussianHmm m = GaussianHmmTest.planted(CovarianceType.FULL);
        GaussianHmm.Sample s = m.sample(40, 4);
        double[][] x = s.observations();
        Sequences seq = Sequences.of(x, null);
        double[][] filt = m.filteringPosteriors(seq);
        int t = 17;
        for (int j = 0; j < 3; j++) {
            double[] g = TransitionAttribution.gradient(m, m.means(), seq, t, j, filt[t]);
            for (int a = 0; a < 2; a++) {
                double h = 1e-5;
                double[][] xp = copy(x);
                double[][] xm = copy(x);
                xp[t][a] += h;
                xm[t][a] -= h;
                double fp = Math.log(m.filteringPosteriors(Sequences.of(xp, null))[t][j]);
                double fm = Math.log(m.filteringPosteriors(Sequences.of(xm, null))[t][j]);
                assertThat(g[a]).as("state %d feature %d", j, a).isCloseTo((fp - fm) / (2 * h), within(1e-5));
            }
        }
        TransitionAttribution.Result r = TransitionAttribution.of(m, GaussianHmmTest.sampleRuns(m, 4, 200, 8, null),
                List.of("f0", "f1"));
        assertThat(r.transitions()).isNotEmpty();
        TransitionAttribution.Transition tr = r.transitions().get(0);
        assertThat(tr.from()).isNotEqualTo(tr.to());
        assertThat(r.topFeatures(tr.from(), tr.to(), 2)).hasSize(2);
        assertThat(r.toTable().rowCount()).isEqualTo(2 * r.transitions().size());
    }

    static double[][] copy(double[][] a) {
        double[][] o = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            o[i] = a[i].clone();
        }
        return o;
    }
}
