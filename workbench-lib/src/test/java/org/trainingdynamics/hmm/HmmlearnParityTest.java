package org.trainingdynamics.hmm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.trainingdynamics.trajectory.Npy;

/**
 * Parity with hmmlearn 0.3.3 on the golden files (shared/golden/hmm): fixed initial parameters, exactly 10 EM
 * iterations, each covariance type. Tolerances from the research note §4: log-likelihoods and score 1e-8
 * relative, parameters 1e-6, Viterbi identical, BIC/AIC 1e-9 relative.
 */
class HmmlearnParityTest {

    static Path golden() {
        String shared = System.getProperty("workbench.shared", "/work/shared");
        Path p = Path.of(shared, "golden", "hmm");
        assertThat(Files.isDirectory(p)).as("golden folder %s", p).isTrue();
        return p;
    }

    static JsonNode expected() throws Exception {
        return new ObjectMapper().readTree(golden().resolve("expected.json").toFile()).get("cases");
    }

    static Sequences data() {
        return Sequences.fromNpy(golden().resolve("X.npy"), golden().resolve("lengths.npy"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"diag", "full", "spherical", "tied"})
    void matchesHmmlearnAfterTenIterations(String cov) throws Exception {
        JsonNode c = expected().get(cov);
        CovarianceType type = CovarianceType.parse(cov);
        Sequences x = data();
        HmmParameters init = HmmJson.parameters(c.get("init"), type);
        HmmFit fit = HmmConfig.builder().states(init.states()).covariance(type).init(init)
                .iterations(c.get("n_iter").asInt()).tol(Double.NEGATIVE_INFINITY).build().fit(x);

        double[] hist = fit.loglikHistory();
        JsonNode eh = c.get("loglik_per_iteration");
        assertThat(hist).hasSize(eh.size());
        for (int i = 0; i < hist.length; i++) {
            assertRel(hist[i], eh.get(i).asDouble(), 1e-8, cov + " loglik iteration " + (i + 1));
        }
        GaussianHmm m = fit.model();
        assertRel(m.score(x), c.get("score").asDouble(), 1e-8, cov + " score");
        assertRel(m.bic(x), c.get("bic").asDouble(), 1e-9, cov + " bic");
        assertRel(m.aic(x), c.get("aic").asDouble(), 1e-9, cov + " aic");
        assertThat(m.freeParameters()).isEqualTo(c.get("n_free_params").asInt());

        assertVec(m.startprob(), HmmJson.vector(c.get("startprob"), "s"), 1e-6, cov + " startprob");
        double[][] tm = HmmJson.matrix(c.get("transmat"), "t");
        double[][] mu = HmmJson.matrix(c.get("means"), "m");
        for (int i = 0; i < m.states(); i++) {
            assertVec(m.transmat()[i], tm[i], 1e-6, cov + " transmat row " + i);
            assertVec(m.means()[i], mu[i], 1e-6, cov + " means row " + i);
        }
        JsonNode cv = c.get("covars");
        int d = m.features();
        for (int i = 0; i < m.states(); i++) {
            double[][] got = m.covars()[i];
            if (type == CovarianceType.SPHERICAL) {
                // hmmlearn 0.3.3's covars_ property returns K*d matrices for spherical (state i's variance
                // repeated at entries i*d..i*d+d-1); compare each state's variance.
                double want = cv.get(i * d).get(0).get(0).asDouble();
                for (int a = 0; a < d; a++) {
                    assertThat(cv.get(i * d + a).get(a).get(a).asDouble()).isEqualTo(want);
                    assertRel(got[a][a], want, 1e-6, cov + " variance of state " + i);
                }
            } else {
                double[][] want = HmmJson.matrix(cv.get(i), "c");
                for (int a = 0; a < d; a++) {
                    assertVec(got[a], want[a], 1e-6, cov + " covars[" + i + "] row " + a);
                }
            }
        }
        GaussianHmm.Decoding dec = m.viterbi(x);
        long[] vit = Npy.read(golden().resolve(cov + "-viterbi.npy")).toLongArray();
        assertThat(dec.path()).hasSize(vit.length);
        for (int t = 0; t < vit.length; t++) {
            assertThat(dec.path()[t]).as("%s viterbi frame %d", cov, t).isEqualTo((int) vit[t]);
        }
        assertRel(dec.logProb(), c.get("viterbi_logprob").asDouble(), 1e-8, cov + " viterbi logprob");
        double[] post = Npy.read(golden().resolve(cov + "-posteriors.npy")).toDoubleArray();
        double[][] gp = m.posteriors(x);
        double maxErr = 0;
        for (int t = 0; t < gp.length; t++) {
            for (int k = 0; k < m.states(); k++) {
                maxErr = Math.max(maxErr, Math.abs(gp[t][k] - post[t * m.states() + k]));
            }
        }
        assertThat(maxErr).as("%s posteriors max abs error", cov).isLessThan(1e-6);
    }

    static void assertRel(double got, double want, double tol, String what) {
        double rel = Math.abs(got - want) / Math.max(Math.abs(want), 1e-300);
        assertThat(rel).as("%s: got %s want %s", what, got, want).isLessThanOrEqualTo(tol);
    }

    /** Parameters: absolute error relative to max(1, |want|) (probabilities near 0 compare absolutely). */
    static void assertVec(double[] got, double[] want, double tol, String what) {
        assertThat(got).hasSize(want.length);
        for (int i = 0; i < got.length; i++) {
            double err = Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i]));
            assertThat(err).as("%s[%d]: got %s want %s", what, i, got[i], want[i]).isLessThanOrEqualTo(tol);
        }
    }
}
