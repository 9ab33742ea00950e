package org.trainingdynamics.koopman;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Parity with PyDMD (commit 3e3f7f9) on shared/golden/dmd: eigenvalues, chosen ranks, errors, amplitudes. */
class DmdGoldenTest {
    private static final JsonNode E = Golden.dmdExpected();

    private static double[][] clean() {
        return Golden.matrix(Golden.dir("dmd").resolve("planted-clean.npy"));
    }

    private static double[][] noisy() {
        return Golden.matrix(Golden.dir("dmd").resolve("planted-noisy.npy"));
    }

    private static void check(String name, Dmd dmd, double[][] data) {
        JsonNode c = E.get("cases").get(name);
        DmdResult r = dmd.fit(data);
        assertThat(r.rank()).as(name + " rank").isEqualTo(c.get("rank").asInt());
        KoopmanSpectrum expected = Golden.spectrum(c.get("eigenvalues"));
        assertThat(Golden.maxMatchedGap(r.spectrum(), expected)).as(name + " eigenvalues").isLessThanOrEqualTo(1e-8);
        double err = c.get("reconstruction_relative_error").asDouble();
        assertThat(r.reconstructionError().getAsDouble()).as(name + " reconstruction error")
                .isCloseTo(err, org.assertj.core.data.Offset.offset(1e-6 * err + 1e-13));
        double[] amps = r.amplitudeModulus();
        Arrays.sort(amps);
        double[] ea = new double[c.get("amplitudes_abs").size()];
        for (int i = 0; i < ea.length; i++) {
            ea[i] = c.get("amplitudes_abs").get(i).asDouble();
        }
        Arrays.sort(ea);
        for (int i = 0; i < ea.length; i++) {
            assertThat(amps[i]).as(name + " |b|").isCloseTo(ea[i], org.assertj.core.data.Offset.offset(1e-6 * ea[i]));
        }
    }

    @Test
    void exactRank6Clean() {
        check("planted-clean-exact-r6", Dmd.exact(6), clean());
    }

    @Test
    void exactRank6Noisy() {
        check("planted-noisy-exact-r6", Dmd.exact(6), noisy());
    }

    @Test
    void tlsRank6Noisy() {
        check("planted-noisy-tls-r6", Dmd.builder().rank(6).tls(6).build(), noisy());
    }

    @Test
    void optimalHardThresholdRank() {
        check("planted-noisy-optht", Dmd.builder().rank(RankRule.optimalThreshold()).build(), noisy());
    }

    @Test
    void energy99Rank() {
        check("planted-noisy-energy99", Dmd.builder().rank(RankRule.energy(0.99)).build(), noisy());
    }

    @Test
    void hankelDelay8() {
        double[][] n = noisy();
        double[][] three = Arrays.copyOf(n, 3);
        check("planted-hankel-d8-r6", Dmd.builder().rank(6).delays(8).build(), three);
    }

    @Test
    void mlpWeightsRank8() {
        double[][] w = Golden.matrix(Golden.dir("cmd").resolve("mlp-weights.npy"));
        check("mlp-weights-exact-r8", Dmd.exact(8), w);
    }

    @Test
    void mlpWeightsThroughStreamedGramAndTsqrAgree() {
        double[][] w = Golden.matrix(Golden.dir("cmd").resolve("mlp-weights.npy"));
        JsonNode c = E.get("cases").get("mlp-weights-exact-r8");
        KoopmanSpectrum expected = Golden.spectrum(c.get("eigenvalues"));
        for (Accumulation a : new Accumulation[]{Accumulation.GRAM, Accumulation.TSQR}) {
            DmdResult r = Dmd.builder().rank(8).accumulation(a).blockRows(500).build().fit(w);
            assertThat(r.accumulation()).isEqualTo(a);
            assertThat(Golden.maxMatchedGap(r.spectrum(), expected)).as(a + " eigenvalues").isLessThanOrEqualTo(1e-8);
            assertThat(r.reconstructionError().getAsDouble()).as(a + " error")
                    .isCloseTo(c.get("reconstruction_relative_error").asDouble(), org.assertj.core.data.Offset.offset(1e-8));
        }
    }

    private static double truthGap(KoopmanSpectrum s) {
        return Golden.maxMatchedGap(s, Golden.spectrum(E.get("true_eigenvalues")));
    }

    @Test
    void tlsAndForwardBackwardBeatExactOnTheNoisyCase() {
        double[][] n = noisy();
        double exact = truthGap(Dmd.exact(6).fit(n).spectrum());
        double tls = truthGap(Dmd.builder().rank(6).tls(6).build().fit(n).spectrum());
        double fb = truthGap(Dmd.builder().rank(6).variant(Dmd.Variant.FORWARD_BACKWARD).build().fit(n).spectrum());
        double pydmdFb = truthGap(Golden.spectrum(E.get("cases").get("planted-noisy-fb-r6").get("eigenvalues")));
        System.out.printf("max |λ - λ_true|: exact %.3e  tls %.3e  fb %.3e  (PyDMD fb %.3e)%n", exact, tls, fb, pydmdFb);
        assertThat(tls).isLessThan(exact);
        assertThat(fb).isLessThan(exact);
    }
}
