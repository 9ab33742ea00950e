package org.trainingdynamics.hmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.trajectory.InMemoryTrajectory;
import org.trainingdynamics.trajectory.Npy;
import org.trainingdynamics.trajectory.Trajectory;

/** The 14 features against a NumPy re-implementation of the released {@code src/metrics.py} (torch semantics). */
class TrainingMetricsTest {

    static Trajectory randomNet(int checkpoints, long seed, boolean nanAtLast) {
        SplittableRandom r = new SplittableRandom(seed);
        InMemoryTrajectory.Builder b = InMemoryTrajectory.builder().tensor("l1.weight", 12, 5).tensor("l1.bias", 12)
                .tensor("l2.weight", 1, 12).tensor("l2.bias", 1).tensor("l3.weight", 6, 6);
        for (int t = 0; t < checkpoints; t++) {
            Map<String, double[]> m = new HashMap<>();
            m.put("l1.weight", gauss(r, 60, 1 + t));
            m.put("l1.bias", gauss(r, 12, 0.1));
            m.put("l2.weight", gauss(r, 12, 1));
            m.put("l2.bias", gauss(r, 1, 1));
            double[] w3 = gauss(r, 36, 1);
            // a rank-2 matrix: singular values below 1e-5 must be zeroed
            for (int i = 0; i < 6; i++) {
                for (int j = 0; j < 6; j++) {
                    w3[i * 6 + j] = (i + 1) * (j % 3 + 1) + (i % 2) * j;
                }
            }
            if (nanAtLast && t == checkpoints - 1) {
                w3[5] = Double.NaN;
            }
            m.put("l3.weight", w3);
            b.checkpoint(t, t, m);
        }
        return b.build();
    }

    static double[] gauss(SplittableRandom r, int n, double sd) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = GaussianHmm.gaussian(r) * sd;
        }
        return v;
    }

    @Test
    void matchesNumpyReimplementationOfTheReleasedMetrics(@TempDir Path dir) throws Exception {
        Trajectory t = randomNet(4, 1, false);
        TrainingMetrics.Features f = TrainingMetrics.defaults().extract(t);
        for (String name : t.tensorNames()) {
            double[] all = new double[(int) t.tensor(name).size() * 4];
            for (int c = 0; c < 4; c++) {
                System.arraycopy(t.values(name, c), 0, all, c * (int) t.tensor(name).size(), (int) t.tensor(name).size());
            }
            long[] shape = t.tensor(name).shape();
            long[] s = new long[shape.length + 1];
            s[0] = 4;
            System.arraycopy(shape, 0, s, 1, shape.length);
            Npy.write(dir.resolve(name + ".npy"), all, s);
        }
        String script = """
                import sys, numpy as np
                d = sys.argv[1]
                W = [np.load(f'{d}/{n}.npy') for n in ['l1.weight', 'l2.weight', 'l3.weight']]
                B = [np.load(f'{d}/{n}.npy') for n in ['l1.bias', 'l2.bias']]
                def lower_median(v):
                    s = np.sort(v); return s[(len(s) - 1) // 2]
                for c in range(4):
                    per = []
                    for w in W:
                        X = w[c]
                        sv = np.linalg.svd(X, compute_uv=False)
                        spec = sv.max()
                        sv = np.where(sv < 1e-5, 0, sv)
                        l1 = np.abs(X).sum(); l2 = np.sqrt((X ** 2).sum()); tr = np.trace(X)
                        var = sv.var(ddof=1) if len(sv) > 1 else np.nan
                        per.append([l1, l2, tr, spec, l1 / l2, tr / spec, sv.mean(), var])
                    per = np.array(per)
                    feats = list(per[:, :7].mean(0)) + [np.nanmean(per[:, 7])]
                    aw = np.concatenate([w[c].ravel() for w in W]); ab = np.concatenate([b[c].ravel() for b in B])
                    feats += [aw.mean(), lower_median(aw), aw.var(ddof=1), ab.mean(), lower_median(ab), ab.var(ddof=1)]
                    print(' '.join(repr(float(x)) for x in feats))
                """;
        String[] lines = Python.run(script, dir.toString()).trim().split("\n");
        assertThat(lines).hasSize(4);
        for (int c = 0; c < 4; c++) {
            String[] p = lines[c].trim().split(" ");
            for (int j = 0; j < 14; j++) {
                double want = Double.parseDouble(p[j]);
                assertThat(f.values()[c][j]).as("checkpoint %d feature %s", c, TrainingMetrics.BASE_FEATURES.get(j))
                        .isCloseTo(want, within(1e-9 * Math.max(1, Math.abs(want))));
            }
        }
    }

    @Test
    void zscoreIsPerRunWithConstantColumnsAsZero() {
        double[][] f = {{1, 5, 2}, {2, 5, 4}, {3, 5, 9}};
        double[][] z = TrainingMetrics.zscore(f);
        double sd = Math.sqrt(2.0 / 3);
        assertThat(z[0][0]).isCloseTo(-1 / sd, within(1e-12));
        assertThat(z[2][0]).isCloseTo(1 / sd, within(1e-12));
        assertThat(z[1][1]).isZero();
        double m = 0;
        double v = 0;
        for (double[] r : z) {
            m += r[2];
            v += r[2] * r[2];
        }
        assertThat(m).isCloseTo(0, within(1e-12));
        assertThat(v / 3).isCloseTo(1, within(1e-12));
    }

    @Test
    void perHeadSplitsProjectionsIntoHeadMatrices() {
        SplittableRandom r = new SplittableRandom(3);
        double[] q = gauss(r, 8 * 4, 1);
        Map<String, double[]> m = new HashMap<>();
        m.put("attn.q.weight", q);
        m.put("attn.q.bias", gauss(r, 8, 1));
        Trajectory t = InMemoryTrajectory.builder().tensor("attn.q.weight", 8, 4).tensor("attn.q.bias", 8)
                .checkpoint(0, 0, m).checkpoint(1, 1, m).build();
        double[] heads = TrainingMetrics.builder().perHead("attn.q.weight", 2).build().extract(t).values()[0];
        double[] h0 = TrainingMetrics.matrixMetrics(java.util.Arrays.copyOfRange(q, 0, 16), 4, 4);
        double[] h1 = TrainingMetrics.matrixMetrics(java.util.Arrays.copyOfRange(q, 16, 32), 4, 4);
        assertThat(heads[3]).isCloseTo((h0[3] + h1[3]) / 2, within(1e-12));
        assertThat(heads[2]).isCloseTo((h0[2] + h1[2]) / 2, within(1e-12));
        assertThatThrownBy(() -> TrainingMetrics.builder().perHead("attn.q.weight", 3).build().extract(t))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not divisible");
    }

    @Test
    void nonFiniteWeightsAreRejectedNamingTensorAndCheckpoint() {
        Trajectory t = randomNet(3, 2, true);
        assertThatThrownBy(() -> TrainingMetrics.defaults().extract(t)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("l3.weight").hasMessageContaining("checkpoint 2");
    }

    @Test
    void biasesStoredAsRowVectorsCountAsBiases() {
        // the workbench trainers store a linear layer's bias as [1, out]; it must not become a matrix
        SplittableRandom r = new SplittableRandom(5);
        Map<String, double[]> m = new HashMap<>();
        m.put("fc1.weight", gauss(r, 12 * 5, 1));
        m.put("fc1.bias", gauss(r, 12, 0.1));
        m.put("fc2.weight", gauss(r, 12, 1));
        m.put("fc2.bias", gauss(r, 1, 0.1));
        Trajectory rank1 = InMemoryTrajectory.builder().tensor("fc1.weight", 12, 5).tensor("fc1.bias", 12)
                .tensor("fc2.weight", 1, 12).tensor("fc2.bias", 1).checkpoint(0, 0, m).checkpoint(1, 1, m).build();
        Trajectory rows = InMemoryTrajectory.builder().tensor("fc1.weight", 12, 5).tensor("fc1.bias", 1, 12)
                .tensor("fc2.weight", 1, 12).tensor("fc2.bias", 1, 1).checkpoint(0, 0, m).checkpoint(1, 1, m).build();
        double[] a = TrainingMetrics.defaults().extract(rank1).values()[0];
        double[] b = TrainingMetrics.defaults().extract(rows).values()[0];
        assertThat(b).containsExactly(a);
        // the features as a table: checkpoint, step, then the 14 features
        tech.tablesaw.api.Table tb = TrainingMetrics.defaults().extract(rows).toTable();
        assertThat(tb.rowCount()).isEqualTo(2);
        assertThat(tb.columnCount()).isEqualTo(16);
        assertThat(tb.doubleColumn("l2").get(1)).isEqualTo(b[1]);
        // fc2.weight [1, 12] stays a matrix (not named bias): two matrices averaged
        double[] m1 = TrainingMetrics.matrixMetrics(m.get("fc1.weight"), 12, 5);
        double[] m2 = TrainingMetrics.matrixMetrics(m.get("fc2.weight"), 1, 12);
        assertThat(b[1]).isCloseTo((m1[1] + m2[1]) / 2, within(1e-12));
    }

    @Test
    void noBiasesGivesTheWeightFeaturesOfBiasFreeNetworks() {
        // closed form: W1 = diag(3, 4) (2 x 2), W2 = [[1, -2, 2]] (1 x 3)
        Map<String, double[]> m = new HashMap<>();
        m.put("embed.weight", new double[]{3, 0, 0, 4});
        m.put("out.weight", new double[]{1, -2, 2});
        Trajectory t = InMemoryTrajectory.builder().tensor("embed.weight", 2, 2).tensor("out.weight", 1, 3)
                .checkpoint(0, 0, m).build();
        assertThatThrownBy(() -> TrainingMetrics.defaults().extract(t)).hasMessageContaining("no bias vectors");
        TrainingMetrics.Features f = TrainingMetrics.builder().noBiases().build().extract(t);
        assertThat(f.names()).isEqualTo(TrainingMetrics.WEIGHT_FEATURES).hasSize(11).doesNotContain("mean_b");
        double[] v = f.values()[0];
        assertThat(v).hasSize(11);
        assertThat(v[0]).isCloseTo((7 + 5) / 2.0, within(1e-12));          // l1
        assertThat(v[1]).isCloseTo((5 + 3) / 2.0, within(1e-12));          // l2 (Frobenius)
        assertThat(v[2]).isCloseTo((7 + 1) / 2.0, within(1e-12));          // trace
        assertThat(v[3]).isCloseTo((4 + 3) / 2.0, within(1e-12));          // spectral
        assertThat(v[4]).isCloseTo((7 / 5.0 + 5 / 3.0) / 2, within(1e-12)); // code sparsity
        double mean = (3 + 0 + 0 + 4 + 1 - 2 + 2) / 7.0;
        assertThat(v[8]).isCloseTo(mean, within(1e-12));                    // mean_w
        assertThat(v[9]).isEqualTo(1.0);                                      // median of {-2,0,0,1,2,3,4}
        // with a bias present, noBiases() refuses rather than silently dropping it
        Trajectory withBias = randomNet(2, 3, false);
        assertThatThrownBy(() -> TrainingMetrics.builder().noBiases().build().extract(withBias))
                .hasMessageContaining("has bias vectors");
    }
}
