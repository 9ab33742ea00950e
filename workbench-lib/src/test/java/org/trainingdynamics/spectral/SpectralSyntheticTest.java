package org.trainingdynamics.spectral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.trainingdynamics.linalg.Svd;
import org.trainingdynamics.trajectory.InMemoryTrajectory;
import org.trainingdynamics.trajectory.Trajectory;
import tech.tablesaw.api.Table;

class SpectralSyntheticTest {

    private static Trajectory single(String name, double[] a, int m, int n) {
        return InMemoryTrajectory.builder().tensor(name, m, n).checkpoint(0, 0, Map.of(name, a)).build();
    }

    @Test
    void gaussianMatrixFollowsMarchenkoPastur() {
        int n = 800;
        int m = 200;
        double[] a = Synth.gaussian(n, m, new Random(1));
        SpectralResult r = SpectralDynamics.run(single("w", a, n, m), SpectralConfig.builder().seed(3).build());
        double[] s = r.singularValues("w", 0);
        // extreme singular values of an N×M standard Gaussian: √N ± √M (Bai–Yin)
        assertThat(s[0] / (Math.sqrt(n) + Math.sqrt(m))).isCloseTo(1, within(0.03));
        assertThat(s[m - 1] / (Math.sqrt(n) - Math.sqrt(m))).isCloseTo(1, within(0.05));
        // rescaled to mean 1 the bulk is MP with σ = 1 and edge (1 + 1/√Q)², no spikes
        assertThat(r.metric("w", "esd_sigma_mp")[0]).isCloseTo(1, within(0.02));
        assertThat(r.metric("w", "esd_num_spikes")[0]).isEqualTo(0);
        assertThat(r.metric("w", "esd_mp_softrank")[0]).isCloseTo(1, within(0.06));
        double q = (double) n / m;
        assertThat(r.metric("w", "esd_bulk_max")[0]).isCloseTo(MarchenkoPastur.upperEdge(1, q), within(0.05));
        // a shuffled Gaussian matrix is the same ensemble: tiny rand_distance
        assertThat(r.metric("w", "esd_rand_distance")[0]).isLessThan(0.05);
        assertThat(r.metric("w", "esd_ww_softrank")[0]).isCloseTo(1, within(0.05));
    }

    @Test
    void plantedLowRankPlusNoiseShowsSpikesAndLowRank() {
        int n = 400;
        int m = 200;
        Random rnd = new Random(2);
        double[] x = Synth.orthonormal(n, 4, rnd);
        double[] y = Synth.orthonormal(m, 4, rnd);
        double edge = Math.sqrt(n) + Math.sqrt(m);
        double[] planted = Synth.compose(x, new double[]{8 * edge, 6 * edge, 5 * edge, 4 * edge}, y, n, m);
        double[] noise = Synth.gaussian(n, m, rnd);
        double[] a = planted.clone();
        for (int i = 0; i < a.length; i++) {
            a[i] += noise[i];
        }
        Trajectory traj = InMemoryTrajectory.builder().tensor("low", n, m).tensor("noise", n, m)
                .checkpoint(0, 0, Map.of("low", a, "noise", noise)).build();
        SpectralResult r = SpectralDynamics.run(traj, SpectralConfig.builder().build());
        assertThat(r.metric("low", "esd_num_spikes")[0]).isEqualTo(4);
        assertThat(r.metric("noise", "esd_num_spikes")[0]).isEqualTo(0);
        // MP σ of the bulk after removing spikes: noise variance relative to the whole mean
        double total = 0;
        for (double v : a) {
            total += v * v;
        }
        double expected = Math.sqrt(n * (double) m / total);
        assertThat(r.metric("low", "esd_sigma_mp")[0]).isCloseTo(expected, within(0.05 * expected));
        assertThat(r.metric("low", "effective_rank")[0]).isLessThan(r.metric("noise", "effective_rank")[0]);
        assertThat(r.metric("low", "stable_rank_normalised")[0]).isLessThan(0.05);
        assertThat(r.metric("low", "esd_rand_distance")[0]).isGreaterThan(r.metric("noise", "esd_rand_distance")[0] + 0.1);
        // top-4 singular values ≈ planted (noise perturbs by O(edge²/s))
        double[] s = r.singularValues("low", 0);
        assertThat(s[0] / (8 * edge)).isCloseTo(1, within(0.03));
        // keep-top pruning of the planted part returns it; keep-bottom leaves ~0 of a rank-4 matrix
        double[] top = LowRankPruning.pruneMatrix(planted, n, m, LowRankPruning.Keep.TOP);
        double[] bottom = LowRankPruning.pruneMatrix(planted, n, m, LowRankPruning.Keep.BOTTOM);
        for (int i = 0; i < planted.length; i++) {
            assertThat(top[i]).isCloseTo(planted[i], within(1e-9));
            assertThat(bottom[i]).isCloseTo(0, within(1e-9));
        }
    }

    @Test
    void orthogonalMatrixHasFlatSpectrum() {
        int n = 60;
        double[] q = Synth.orthonormal(n, n, new Random(4));
        SpectralResult r = SpectralDynamics.run(single("q", q, n, n), SpectralConfig.builder().randomize(false).build());
        for (double s : r.singularValues("q", 0)) {
            assertThat(s).isCloseTo(1, within(1e-12));
        }
        assertThat(r.metric("q", "effective_rank")[0]).isCloseTo(1, within(1e-12));
        assertThat(r.metric("q", "stable_rank_normalised")[0]).isCloseTo(1, within(1e-12));
        assertThat(r.metric("q", "gini")[0]).isCloseTo(0, within(1e-12));
        assertThat(r.metric("q", "count_rank")[0]).isEqualTo(55.0 / 60); // first k with k/60 > 0.9
        assertThat(r.metric("q", "spectral_norm")[0]).isCloseTo(1, within(1e-12));
        assertThat(r.metric("q", "frobenius_norm")[0]).isCloseTo(Math.sqrt(n), within(1e-10));
        assertThat(r.metric("q", "nuclear_norm")[0]).isCloseTo(n, within(1e-9));
        assertThat(r.metric("q", "esd_matrix_rank")[0]).isEqualTo(n);
        assertThat(r.metric("q", "esd_entropy")[0]).isCloseTo(1, within(1e-9));
    }

    @Test
    void giniAndRanksMatchClosedForms() {
        double[] s = {3, 2, 1, 0};
        // Σ_iΣ_j|σ_i−σ_j| = 2·(1+2+3+1+2+1) = 20; 2 r² mean = 2·16·1.5 = 48
        assertThat(SpectrumMetrics.gini(s)).isCloseTo(20.0 / 48, within(1e-15));
        double h = -(0.5 * Math.log(0.5) + (1.0 / 3) * Math.log(1.0 / 3) + (1.0 / 6) * Math.log(1.0 / 6));
        assertThat(SpectrumMetrics.effectiveRank(s)).isCloseTo(Math.exp(h) / 4, within(1e-15));
        assertThat(SpectrumMetrics.countRank(s)).isEqualTo(0.75); // 0.5, 0.833, 1.0 > 0.9 at k = 3
        assertThat(SpectrumMetrics.stableRank(s)).isCloseTo(14.0 / 9 / 4, within(1e-15));
        assertThat(SpectrumMetrics.effectiveRank(new double[3])).isEqualTo(0);
    }

    @Test
    void powerLawExponentRecoveredWithinItsStandardError() {
        double alpha = 2.5;
        int inside = 0;
        int seeds = 20;
        for (int seed = 0; seed < seeds; seed++) {
            Random rnd = new Random(100 + seed);
            double[] lam = new double[2000];
            for (int i = 0; i < lam.length; i++) {
                lam[i] = Math.pow(1 - rnd.nextDouble(), -1 / (alpha - 1)); // Pareto, xmin = 1
            }
            PowerLawFit f = PowerLawFit.fit(lam);
            assertThat(Math.abs(f.alpha() - alpha)).as("seed %d", seed).isLessThan(3 * f.sigma());
            if (Math.abs(f.alpha() - alpha) < f.sigma()) {
                inside++;
            }
        }
        // a calibrated standard error covers the truth about 68% of the time
        assertThat(inside).isBetween(10, 19);

        // through a matrix: W = X diag(√λ) Yᵀ has ESD λ exactly
        Random rnd = new Random(7);
        int n = 500;
        int m = 400;
        double[] sv = new double[m];
        for (int i = 0; i < m; i++) {
            sv[i] = Math.sqrt(Math.pow(1 - rnd.nextDouble(), -1 / (alpha - 1)));
        }
        java.util.Arrays.sort(sv);
        double[] w = Synth.compose(Synth.orthonormal(n, m, rnd), sv, Synth.orthonormal(m, m, rnd), n, m);
        SpectralResult r = SpectralDynamics.run(single("pl", w, n, m), SpectralConfig.builder().randomize(false).build());
        PowerLawFit f = r.fit("pl", 0);
        assertThat(Math.abs(f.alpha() - alpha)).isLessThan(f.sigma());
        assertThat(r.metric("pl", "esd_alpha_weighted")[0]).isCloseTo(f.alpha() * Math.log10(sv[m - 1] * sv[m - 1]), within(1e-9));
    }

    @Test
    void svaAndAlignmentOfPlantedVectors() {
        int d = 40;
        Random rnd = new Random(5);
        double[] u1 = Synth.orthonormal(d, d, rnd);
        double[] v1 = Synth.orthonormal(d, d, rnd);
        double[] u2 = Synth.orthonormal(d, d, rnd);
        double[] rnd2 = Synth.orthonormal(d, d, rnd);
        InMemoryTrajectory.Builder b = InMemoryTrajectory.builder().tensor("l1.weight", d, d).tensor("l2.weight", d, d);
        for (int t = 0; t < 4; t++) {
            double[] s = new double[d];
            for (int i = 0; i < d; i++) {
                s[i] = (d - i) * (1 + t); // distinct, fixed order: vectors fixed, values grow
            }
            double[] w1 = Synth.compose(u1, s, v1, d, d);
            // layer 2's input vectors are layer 1's output vectors at the last checkpoint only
            double[] w2 = Synth.compose(u2, s, t == 3 ? u1 : rnd2, d, d);
            b.checkpoint(t * 10L, t, Map.of("l1.weight", w1, "l2.weight", w2));
        }
        SpectralResult r = SpectralDynamics.run(b.build(), SpectralConfig.builder().topK(20).esd(false).build());
        for (int t = 0; t < 4; t++) {
            for (double x : r.svaDiagonal("l1.weight", t)) {
                assertThat(x).isCloseTo(1, within(1e-10));
            }
        }
        assertThat(r.metric("l2.weight", "sva_score")[0]).isLessThan(0.2);
        assertThat(r.metric("l2.weight", "sva_score")[3]).isCloseTo(1, within(1e-10));
        assertThat(r.pairs()).extracting(AlignmentPair::name).containsExactly("l1.weight->l2.weight");
        double[] score = r.alignmentScore("l1.weight->l2.weight");
        assertThat(score[3]).isCloseTo(1, within(1e-10));
        assertThat(score[0]).isLessThan(0.4);
        Table long_ = r.toTable();
        assertThat(long_.columnNames()).containsExactly("layer", "checkpoint", "step", "metric", "value");
        assertThat(long_.where(long_.stringColumn("metric").isEqualTo("align_score")).rowCount()).isEqualTo(4);
    }

    @Test
    void convKernelsFusedProjectionsAndHeads() {
        Random rnd = new Random(6);
        int cout = 6;
        int cin = 4;
        double[] c1 = Synth.gaussian(cin, 3 * 9, rnd); // 4 x 3 x 3 x 3 (c_in = 3)
        double[] c2 = Synth.gaussian(cout, cin * 9, rnd);
        int dm = 16;
        double[] inProj = Synth.gaussian(3 * dm, dm, rnd);
        Trajectory traj = InMemoryTrajectory.builder().tensor("conv1.weight", cin, 3, 3, 3).tensor("conv2.weight", cout, cin, 3, 3)
                .tensor("attn.in_proj_weight", 3 * dm, dm)
                .checkpoint(0, 0, Map.of("conv1.weight", c1, "conv2.weight", c2, "attn.in_proj_weight", inProj)).build();
        SpectralConfig cfg = SpectralConfig.builder().pooledConvTaps(true).split(FusedSplit.qkv("*in_proj*", 2)).build();
        List<WeightMatrix> mats = SpectralDynamics.matrices(traj, cfg);
        assertThat(mats).extracting(WeightMatrix::name).containsExactly("conv1.weight", "conv2.weight",
                "attn.in_proj_weight", "attn.in_proj_weight[q]", "attn.in_proj_weight[q.h0]", "attn.in_proj_weight[q.h1]",
                "attn.in_proj_weight[k]", "attn.in_proj_weight[k.h0]", "attn.in_proj_weight[k.h1]",
                "attn.in_proj_weight[v]", "attn.in_proj_weight[v.h0]", "attn.in_proj_weight[v.h1]");
        assertThat(mats.get(1).cols()).isEqualTo(cin * 9);
        SpectralResult r = SpectralDynamics.run(traj, cfg);
        // conv → conv pair uses the centre tap; per-head Q–K pairs
        assertThat(r.pairs()).extracting(AlignmentPair::name).contains("conv1.weight->conv2.weight",
                "attn.in_proj_weight[q.h0]->attn.in_proj_weight[k.h0]", "attn.in_proj_weight[q.h1]->attn.in_proj_weight[k.h1]");
        // pooled ESD: 9 taps × min(c_out, c_in) eigenvalues, each ½σ² of the tap slice W[:, :, i, j]
        double[] ev = r.eigenvalues("conv2.weight", 0);
        assertThat(ev).hasSize(9 * 4);
        double[] tap4 = new double[cout * cin];
        for (int o = 0; o < cout; o++) {
            for (int c = 0; c < cin; c++) {
                tap4[o * cin + c] = c2[o * cin * 9 + c * 9 + 4];
            }
        }
        double s0 = Svd.values(tap4, cout, cin)[0];
        assertThat(ev).contains(new double[]{0.5 * s0 * s0}, within(1e-12));
        // Q part = rows [0, 16) of the fused matrix
        double[] qv = java.util.Arrays.copyOfRange(inProj, 0, dm * dm);
        assertThat(r.singularValues("attn.in_proj_weight[q]", 0)[0]).isCloseTo(Svd.values(qv, dm, dm)[0], within(1e-12));
    }

    @Test
    void badInputIsNamed() {
        double[] a = new double[12];
        a[5] = Double.NaN;
        assertThatThrownBy(() -> SpectralDynamics.run(single("w", a, 3, 4), SpectralConfig.builder().build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'w'").hasMessageContaining("non-finite");
        Trajectory ok = single("w", new double[12], 3, 4);
        assertThatThrownBy(() -> SpectralDynamics.run(ok, SpectralConfig.builder().tensors("nothing*").build()))
                .hasMessageContaining("nothing*");
        assertThatThrownBy(() -> SpectralConfig.builder().topK(500).build()).hasMessageContaining("topK");
        List<AlignmentPair> bad = new ArrayList<>(List.of(AlignmentPair.consecutive("w", "zzz")));
        assertThatThrownBy(() -> SpectralDynamics.run(ok, SpectralConfig.builder().pairs(bad).build()))
                .hasMessageContaining("zzz");
    }
}
