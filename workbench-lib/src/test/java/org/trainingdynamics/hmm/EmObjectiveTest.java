package org.trainingdynamics.hmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * MAP EM never decreases log-likelihood + log prior (Dempster, Laird and Rubin 1977, §3), while the log-likelihood
 * alone may fall when the prior is not negligible. The prior is the one whose MAP step is hmmlearn's M-step
 * ({@code ExpectationMaximization#logPrior}); a wrong prior term breaks the monotonicity in the fits where the
 * log-likelihood falls.
 */
class EmObjectiveTest {

    /** Three planted states; features in anti-phase pairs, so that the all-ones direction has small variance. */
    private static Sequences data(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<double[][]> runs = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            double[][] x = new double[150][5];
            int state = 0;
            for (double[] row : x) {
                if (r.nextDouble() < 0.1) {
                    state = r.nextInt(3);
                }
                double z = r.nextGaussian();
                for (int j = 0; j < 5; j++) {
                    row[j] = (j % 2 == 0 ? z : -z) + 0.02 * r.nextGaussian() + 0.3 * state * (j - 2);
                }
            }
            runs.add(x);
        }
        return Sequences.ofRuns(runs);
    }

    @Test
    void objectiveIsMonotoneWhereTheLogLikelihoodFalls() {
        for (CovarianceType type : CovarianceType.values()) {
            int fitsWithDrop = 0;
            for (int seed = 0; seed < 24; seed++) {
                HmmFit fit = HmmConfig.builder().states(3).covariance(type).covarsPrior(1.0).iterations(40).tol(0)
                        .seed(seed).build().fit(data(seed));
                double[] ll = fit.loglikHistory();
                double[] obj = fit.objectiveHistory();
                assertThat(obj).hasSameSizeAs(ll);
                boolean drop = false;
                for (int i = 1; i < ll.length; i++) {
                    drop |= ll[i] < ll[i - 1] - 1e-6 * Math.abs(ll[i]);
                    assertThat(obj[i]).as("%s seed %d iteration %d", type, seed, i)
                            .isGreaterThanOrEqualTo(obj[i - 1] - 1e-12 * Math.abs(obj[i]));
                }
                fitsWithDrop += drop ? 1 : 0;
            }
            assertThat(fitsWithDrop).as("%s: fits whose log-likelihood falls", type).isPositive();
        }
    }

    @Test
    void withTheDefaultPriorsTheObjectiveAddsOnlyTheCovarianceTerm() {
        // diag, covars_prior c = 1e-2, covars_weight 1, means_weight 0: log prior = -c/2 Σ_states Σ_j 1/σ²_j.
        // Iteration 5's E-step uses the parameters after 4 M-steps, i.e. the model of a 4-iteration fit.
        HmmConfig.Builder b = HmmConfig.builder().states(3).covariance(CovarianceType.DIAG).tol(0).seed(1);
        HmmFit five = b.iterations(5).build().fit(data(1));
        HmmFit four = b.iterations(4).build().fit(data(1));
        double prior = 0;
        for (double[][] c : four.model().parameters().covars()) {
            for (int j = 0; j < c.length; j++) {
                prior -= 0.5 * 1e-2 / c[j][j];
            }
        }
        double gap = five.objectiveHistory()[4] - five.loglikHistory()[4];
        assertThat(prior).isNegative();
        assertThat(gap).isCloseTo(prior, within(1e-9 * Math.abs(prior)));
    }
}
