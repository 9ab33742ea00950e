package org.trainingdynamics.hmm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.trajectory.Npy;

/**
 * EM at the paper's scale (d = 14 features, K = 6 states, full covariance, many short sequences) against an
 * independent NumPy/SciPy transcription of hmmlearn 0.3.3's log-space EM ({@code NUMPY_EM} below), from the same
 * initial parameters: per-iteration log-likelihoods to 1e-8 relative and final parameters to 1e-6.
 */
class NumpyEmCrossCheckTest {

    static final String NUMPY_EM = """
            import sys, numpy as np
            from scipy.linalg import cholesky, solve_triangular
            from scipy.special import logsumexp
            d = sys.argv[1]
            X = np.load(f'{d}/X.npy'); L = np.load(f'{d}/lengths.npy')
            s = np.load(f'{d}/start.npy'); A = np.load(f'{d}/trans.npy'); M = np.load(f'{d}/means.npy'); C = np.load(f'{d}/covars.npy')
            K, D = M.shape
            def logdens(X, M, C):
                out = np.empty((len(X), K))
                for k in range(K):
                    Lc = cholesky(C[k], lower=True)
                    sol = solve_triangular(Lc, (X - M[k]).T, lower=True).T
                    out[:, k] = -0.5 * (np.sum(sol ** 2, 1) + D * np.log(2 * np.pi) + 2 * np.sum(np.log(np.diag(Lc))))
                return out
            hist = []
            for it in range(int(sys.argv[2])):
                B = logdens(X, M, C); la = np.log(A); ls = np.log(s)
                st = np.zeros(K); tr = np.zeros((K, K)); post = np.zeros(K); obs = np.zeros((K, D)); oo = np.zeros((K, D, D)); tot = 0
                off = 0
                for n in L:
                    b = B[off:off + n]; x = X[off:off + n]; off += n
                    al = np.empty((n, K)); be = np.zeros((n, K))
                    al[0] = ls + b[0]
                    for t in range(1, n):
                        al[t] = logsumexp(al[t - 1][:, None] + la, axis=0) + b[t]
                    for t in range(n - 2, -1, -1):
                        be[t] = logsumexp(la + (b[t + 1] + be[t + 1])[None, :], axis=1)
                    lp = logsumexp(al[-1]); tot += lp
                    g = np.exp(al + be - logsumexp(al + be, axis=1)[:, None])
                    xi = np.exp(logsumexp(al[:-1, :, None] + la[None] + (b[1:] + be[1:])[:, None, :] - lp, axis=0))
                    st += g[0]; tr += xi; post += g.sum(0); obs += g.T @ x; oo += np.einsum('ij,ik,il->jkl', g, x, x)
                hist.append(tot)
                s = np.where(s == 0, 0, np.maximum(st, 0)); s /= s.sum()
                A = np.where(A == 0, 0, np.maximum(tr, 0)); A /= A.sum(1, keepdims=True)
                M = obs / post[:, None]
                cn = np.empty((K, D, D))
                for k in range(K):
                    om = np.outer(obs[k], M[k])
                    cn[k] = oo[k] - om - om.T + np.outer(M[k], M[k]) * post[k]
                C = (0.01 + cn) / post[:, None, None]
            print(' '.join(repr(float(h)) for h in hist))
            print(' '.join(repr(float(v)) for v in np.concatenate([s.ravel(), A.ravel(), M.ravel(), C.ravel()])))
            """;

    @Test
    void matchesNumpyTranscriptionOfHmmlearnAtPaperScale(@TempDir Path dir) throws Exception {
        // 20 runs x 30 checkpoints x 14 features from a planted 6-state left-to-right-ish model, z-scored per run
        int k = 6;
        int d = 14;
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        double[][] t = new double[k][k];
        double[][] mu = new double[k][d];
        double[][][] cov = new double[k][d][d];
        for (int i = 0; i < k; i++) {
            t[i][i] = 0.8;
            t[i][Math.min(k - 1, i + 1)] += 0.2;
            for (int a = 0; a < d; a++) {
                mu[i][a] = 2 * i * (a % 3 == 0 ? 1 : -0.5) + r.nextDouble();
                cov[i][a][a] = 0.3 + r.nextDouble();
            }
        }
        double[] start = new double[k];
        start[0] = 1;
        GaussianHmm truth = GaussianHmm.of(CovarianceType.FULL, new HmmParameters(start, t, mu, cov));
        List<double[][]> runs = new ArrayList<>();
        for (int s = 0; s < 20; s++) {
            runs.add(TrainingMetrics.zscore(truth.sample(30, 300 + s).observations()));
        }
        Sequences x = Sequences.ofRuns(runs);
        // a k-means / Dirichlet initialisation, then exactly 10 iterations from it in both implementations
        HmmParameters init = ExpectationMaximization.initialise(HmmConfig.builder().states(k).build(), x, null,
                new java.util.SplittableRandom(11));
        HmmFit fit = HmmConfig.builder().states(k).init(init).iterations(10).tol(Double.NEGATIVE_INFINITY).build().fit(x);

        Npy.write(dir.resolve("X.npy"), BenchData.flat(x), x.frames(), d);
        long[] len = new long[20];
        java.util.Arrays.fill(len, 30);
        Npy.write(dir.resolve("lengths.npy"), len, 20);
        Npy.write(dir.resolve("start.npy"), init.startprob(), k);
        Npy.write(dir.resolve("trans.npy"), BenchData.flat(init.transmat()), k, k);
        Npy.write(dir.resolve("means.npy"), BenchData.flat(init.means()), k, d);
        double[] c = new double[k * d * d];
        for (int i = 0; i < k; i++) {
            for (int a = 0; a < d; a++) {
                System.arraycopy(init.covars()[i][a], 0, c, (i * d + a) * d, d);
            }
        }
        Npy.write(dir.resolve("covars.npy"), c, k, d, d);
        String[] out = Python.run(NUMPY_EM, dir.toString(), "10").trim().split("\n");
        String[] hist = out[0].trim().split(" ");
        for (int i = 0; i < 10; i++) {
            double want = Double.parseDouble(hist[i]);
            assertThat(Math.abs(fit.loglikHistory()[i] - want) / Math.abs(want)).as("iteration %d", i + 1)
                    .isLessThan(1e-8);
        }
        String[] p = out[1].trim().split(" ");
        GaussianHmm m = fit.model();
        List<Double> got = new ArrayList<>();
        for (double v : m.startprob()) {
            got.add(v);
        }
        for (double[] row : m.transmat()) {
            for (double v : row) {
                got.add(v);
            }
        }
        for (double[] row : m.means()) {
            for (double v : row) {
                got.add(v);
            }
        }
        for (double[][] mat : m.covars()) {
            for (double[] row : mat) {
                for (double v : row) {
                    got.add(v);
                }
            }
        }
        assertThat(p).hasSize(got.size());
        for (int i = 0; i < p.length; i++) {
            double want = Double.parseDouble(p[i]);
            assertThat(Math.abs(got.get(i) - want) / Math.max(1, Math.abs(want))).as("parameter %d", i).isLessThan(1e-6);
        }
    }

    /** Flattening helpers. */
    static final class BenchData {
        static double[] flat(Sequences x) {
            return flat(x.toMatrix());
        }

        static double[] flat(double[][] m) {
            double[] f = new double[m.length * m[0].length];
            for (int i = 0; i < m.length; i++) {
                System.arraycopy(m[i], 0, f, i * m[0].length, m[0].length);
            }
            return f;
        }
    }
}
