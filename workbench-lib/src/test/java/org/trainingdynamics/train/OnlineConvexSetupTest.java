package org.trainingdynamics.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;

class OnlineConvexSetupTest {

    @TempDir
    Path tmp;

    @Test
    void omdAndOgdIteratesSatisfyTheirUpdateEquations() {
        RunResult r = OnlineConvexSetup.builder().build().run(0, tmp.resolve("run"));
        Trajectory omd = Trajectories.open(r.dir().resolve("omd"));
        Trajectory ogd = Trajectories.open(r.dir().resolve("ogd"));
        assertThat(omd.checkpointCount()).isEqualTo(100);
        double eta = 0.01;
        int clipped = 0;
        for (int t = 0; t + 1 < 100; t++) {
            double[] x = omd.values("x", t);
            double[] xn = omd.values("x", t + 1);
            double[] u = ogd.values("u", t);
            double[] un = ogd.values("u", t + 1);
            for (int i = 0; i < x.length; i++) {
                // OMD with R = -sum log x: grad R(y) = grad R(x) - eta f'(x), i.e. 1/y = 1/x + eta / cos^2 x
                double y = 1.0 / (1.0 / x[i] + eta / (Math.cos(x[i]) * Math.cos(x[i])));
                double expect = Math.max(0.01, Math.min(1.0, y));
                clipped += y < 0.01 ? 1 : 0;
                assertThat(xn[i]).isCloseTo(expect, within(1e-14));
                // OGD on u with x = e^u: u' = u - eta e^u / cos^2(e^u), projected on [ln 0.01, 0]
                double e = Math.exp(u[i]);
                double v = u[i] - eta * e / (Math.cos(e) * Math.cos(e));
                assertThat(un[i]).isCloseTo(Math.max(Math.log(0.01), Math.min(0, v)), within(1e-14));
            }
        }
        assertThat(clipped).as("on this grid the iterates stay inside K").isZero();
        // the projections clip: a large step leaves the box and lands on its faces
        assertThat(TanFunctionMaps.omdStep(new double[]{0.5, 1e-3}, 100.0, 0.01)).containsExactly(0.01, 0.01);
        assertThat(TanFunctionMaps.ogdStep(new double[]{-0.1, -4.0}, 100.0, 0.01))
                .containsExactly(Math.log(0.01), Math.log(0.01));
        assertThat(TanFunctionMaps.ogdStep(new double[]{0.5, 0.0}, 0.0, 0.01)).containsExactly(0.0, 0.0);
        // the stored x of OGD is exp(u)
        assertThat(ogd.values("x", 7)[3]).isCloseTo(Math.exp(ogd.values("u", 7)[3]), within(1e-15));
        // initial grid: condition n = (l[n % 5], l[n / 5]) with l = linspace(0.1, 0.9, 5)
        assertThat(omd.values("x", 0)).containsExactly(0.1, 0.1, 0.30000000000000004, 0.1, 0.5, 0.1, 0.7000000000000001,
                0.1, 0.9, 0.1, 0.1, 0.30000000000000004, 0.30000000000000004, 0.30000000000000004, 0.5,
                0.30000000000000004, 0.7000000000000001, 0.30000000000000004, 0.9, 0.30000000000000004, 0.1, 0.5,
                0.30000000000000004, 0.5, 0.5, 0.5, 0.7000000000000001, 0.5, 0.9, 0.5, 0.1, 0.7000000000000001,
                0.30000000000000004, 0.7000000000000001, 0.5, 0.7000000000000001, 0.7000000000000001,
                0.7000000000000001, 0.9, 0.7000000000000001, 0.1, 0.9, 0.30000000000000004, 0.9, 0.5, 0.9,
                0.7000000000000001, 0.9, 0.9, 0.9);
        assertThat(omd.metadata()).containsEntry("complete", true).containsEntry("setup", "omd-ogd");
    }

    /** The recorded iterates, fed to the paper's own Hankel-DMD, must give the eigenvalues the paper saved. */
    @Test
    void iteratesReproduceThePapersSavedKoopmanEigenvalues() throws Exception {
        RunResult r = OnlineConvexSetup.builder().build().run(0, tmp.resolve("run"));
        Path golden = Path.of(System.getProperty("workbench.shared", "../../shared"), "golden", "koopman");
        assertThat(Files.exists(golden.resolve("mirror_descent_eigs.npy"))).as("golden files at " + golden).isTrue();
        String script = """
                import sys, numpy as np
                run, golden = sys.argv[1], sys.argv[2]
                def eigs(path, name):
                    A = np.load(path + '/params/' + name + '.npy')          # [T, 25, 2]
                    X = np.transpose(A, (0, 2, 1))                         # T x D x N as in the paper
                    T, D, N = X.shape; n = 4
                    H = np.zeros([T - n, (n + 1) * D, N])
                    for dd in range(n + 1):
                        H[:, dd * D:(dd + 1) * D, :] = X[dd:T - n + dd, :, :]
                    Z = np.concatenate([H[:-1, :, k] for k in range(N)]).T
                    Zp = np.concatenate([H[1:, :, k] for k in range(N)]).T
                    U, S, Vh = np.linalg.svd(Z, full_matrices=False)
                    return np.linalg.eigvals((U.T @ Zp @ Vh.T) / S)
                def err(a, b):
                    b = list(b); worst = 0.0
                    for x in a:
                        j = int(np.argmin([abs(x - y) for y in b])); worst = max(worst, abs(x - b[j])); b.pop(j)
                    return worst
                for part, name, g in [('omd', 'x', 'mirror_descent'), ('ogd', 'u', 'gradient_descent'),
                                      ('bisection', 'z', 'bisection_method')]:
                    e = eigs(run + '/' + part, name)
                    print(part, err(np.load(golden + '/' + g + '_eigs.npy'), e))
                """;
        String out = Python.run(script, r.dir().toString(), golden.toString());
        double omd = Double.NaN, ogd = Double.NaN, bm = Double.NaN;
        for (String line : out.strip().split("\n")) {
            String[] f = line.strip().split(" ");
            double v = Double.parseDouble(f[1]);
            switch (f[0]) {
                case "omd" -> omd = v;
                case "ogd" -> ogd = v;
                case "bisection" -> bm = v;
                default -> { }
            }
        }
        assertThat(omd).as(out).isLessThan(1e-8);
        assertThat(ogd).as(out).isLessThan(1e-8);
        assertThat(bm).as(out).isLessThan(1e-4);
    }
}
