package org.trainingdynamics.spectral;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.trajectory.DType;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;
import org.trainingdynamics.trajectory.TrajectoryRecorder;

/**
 * NumPy cross-check on a recorded float64 trajectory: σ (1e-10 relative to σ₁), normalised effective rank
 * (1e-12) and the top-10 SVA score against the final checkpoint (1e-8; vectors are accurate to eps/gap).
 */
class SpectralNumpyParityTest {

    private static final String SCRIPT = """
            import json, sys, numpy as np
            run = sys.argv[1]
            man = json.load(open(run + '/trajectory.json'))
            names = sys.argv[2].split(',')
            files = {}
            for t in man['tensors']:
                files[t['name']] = t.get('file') or ('params/' + t['name'] + '.npy')
            for name in names:
                a = np.load(run + '/' + files[name])
                T = a.shape[0]
                W = [a[t].reshape(a.shape[1], -1).astype(np.float64) for t in range(T)]
                UT, ST, VTT = np.linalg.svd(W[-1], full_matrices=False)
                for t in range(T):
                    U, s, Vt = np.linalg.svd(W[t], full_matrices=False)
                    s2 = np.linalg.svd(W[t], compute_uv=False)
                    p = s2 / s2.sum()
                    er = np.exp(-np.sum(p * np.log(p))) / len(s2)
                    k = min(10, len(s))
                    sva = np.abs(np.sum(U[:, :k] * UT[:, :k], axis=0) * np.sum(Vt[:k] * VTT[:k], axis=1)).mean()
                    print(name, t, 'erank', repr(float(er)))
                    print(name, t, 'sva', repr(float(sva)))
                    for i, x in enumerate(s2):
                        print(name, t, 's%d' % i, repr(float(x)))
            """;

    @Test
    void singularValuesEffectiveRankAndSvaMatchNumpy(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        List<TensorSpec> specs = List.of(new TensorSpec("emb.weight", new long[]{20, 16}, DType.FLOAT64),
                new TensorSpec("fc1.weight", new long[]{64, 150}, DType.FLOAT64),
                new TensorSpec("fc1.bias", new long[]{64}, DType.FLOAT64),
                new TensorSpec("fc2.weight", new long[]{300, 64}, DType.FLOAT64),
                new TensorSpec("conv.weight", new long[]{8, 4, 3, 3}, DType.FLOAT64));
        Random rnd = new Random(42);
        Map<String, double[]> w = new LinkedHashMap<>();
        for (TensorSpec s : specs) {
            w.put(s.name(), Synth.gaussian(1, (int) s.size(), rnd));
        }
        int checkpoints = 5;
        try (TrajectoryRecorder rec = TrajectoryRecorder.create(run, specs, Map.of("source", "parity test"))) {
            for (int t = 0; t < checkpoints; t++) {
                Map<String, double[]> now = new HashMap<>();
                for (var e : w.entrySet()) {
                    double[] x = e.getValue();
                    for (int i = 0; i < x.length; i++) {
                        x[i] += 0.05 * rnd.nextGaussian();
                    }
                    now.put(e.getKey(), x.clone());
                }
                rec.append(t * 100L, t, now);
            }
        }
        Trajectory traj = Trajectories.open(run);
        SpectralResult r = SpectralDynamics.run(traj, SpectralConfig.builder().esd(false).build());
        assertThat(r.layers()).containsExactly("emb.weight", "fc1.weight", "fc2.weight", "conv.weight");
        Path script = Python.write(tmp, "parity.py", SCRIPT);
        String out = Python.run(script, run.toString(), String.join(",", r.layers()));
        Map<String, Double> np = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length == 4) {
                np.put(f[0] + "/" + f[1] + "/" + f[2], Double.parseDouble(f[3]));
            }
        }
        int compared = 0;
        double worstSigma = 0;
        double worstRank = 0;
        for (String layer : r.layers()) {
            double[] er = r.metric(layer, "effective_rank");
            double[] sva = r.metric(layer, "sva_score");
            for (int t = 0; t < checkpoints; t++) {
                double[] s = r.singularValues(layer, t);
                for (int i = 0; i < s.length; i++) {
                    Double ref = np.get(layer + "/" + t + "/s" + i);
                    assertThat(ref).as("numpy σ_%d of %s at %d", i, layer, t).isNotNull();
                    worstSigma = Math.max(worstSigma, Math.abs(s[i] - ref) / s[0]);
                    compared++;
                }
                double refEr = np.get(layer + "/" + t + "/erank");
                worstRank = Math.max(worstRank, Math.abs(er[t] - refEr));
                assertThat(sva[t]).as("SVA score of %s at %d", layer, t).isCloseTo(np.get(layer + "/" + t + "/sva"),
                        org.assertj.core.data.Offset.offset(1e-8));
            }
        }
        System.out.printf("numpy parity: %d singular values, worst |dσ|/σ1 = %.3g, worst |d erank| = %.3g%n",
                compared, worstSigma, worstRank);
        assertThat(compared).isEqualTo(checkpoints * (16 + 64 + 64 + 8));
        assertThat(worstSigma).isLessThan(1e-10);
        assertThat(worstRank).isLessThan(1e-12);
    }
}
