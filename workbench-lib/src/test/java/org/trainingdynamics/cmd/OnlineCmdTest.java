package org.trainingdynamics.cmd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;
import org.junit.jupiter.api.Test;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;

/** Online CMD equals batch least squares (EJML QR on the design [r(t), 1]) on the same checkpoints. */
class OnlineCmdTest {

    @Test
    void runningMomentsEqualBatchLeastSquares() {
        int n = 300;
        int total = 60;
        int warm = 11;
        Random rng = new Random(4);
        double[][] w = new double[n][total];
        double[][] prof = new double[3][total];
        for (int t = 0; t < total; t++) {
            prof[0][t] = Math.exp(-t / 20.0) + 0.3;
            prof[1][t] = Math.sin(t / 7.0);
            prof[2][t] = 0.01 * t;
        }
        for (int i = 0; i < n; i++) {
            int g = i % 3;
            double a = rng.nextGaussian();
            double b = 5 * rng.nextGaussian();
            for (int t = 0; t < total; t++) {
                // large offsets and noise: the fit is not exact, so the test sees the least-squares solution
                w[i][t] = i == 7 ? 2.5 : a * prof[g][t] + b + 0.05 * rng.nextGaussian();
            }
        }
        Trajectory all = Trajectories.fromMatrix("w", w);
        CmdResult warmFit = Cmd.builder().modes(3).sampleSize(120).build().fit(all.window(0, warm, 1));
        OnlineCmd online = OnlineCmd.of(warmFit);
        int[] mode = online.modes();
        long[] refs = online.references();
        checkAgainstBatch(w, mode, refs, warm, online);
        for (int t = warm; t < total; t++) {
            double[] col = new double[n];
            for (int i = 0; i < n; i++) {
                col[i] = w[i][t];
            }
            online.update(col);
            if (t % 12 == 0 || t == total - 1) {
                checkAgainstBatch(w, mode, refs, t + 1, online);
            }
        }
        assertThat(online.checkpointCount()).isEqualTo(total);
        // reconstruct uses the current reference values
        double[] last = new double[n];
        for (int i = 0; i < n; i++) {
            last[i] = w[i][total - 1];
        }
        double[] hat = online.reconstruct(last);
        double[] a = online.a();
        double[] b = online.b();
        for (int i = 0; i < n; i++) {
            assertThat(hat[i]).isEqualTo(a[i] * last[(int) refs[mode[i]]] + b[i]);
        }
        assertThat(a[7]).isZero();
        assertThat(b[7]).isEqualTo(2.5, org.assertj.core.data.Offset.offset(1e-12));
        assertThatThrownBy(() -> online.update(new double[3])).hasMessageContaining("300");
    }

    static void checkAgainstBatch(double[][] w, int[] mode, long[] refs, int count, OnlineCmd online) {
        double[] a = online.a();
        double[] b = online.b();
        for (int i = 0; i < w.length; i++) {
            double[] r = w[(int) refs[mode[i]]];
            DMatrixRMaj design = new DMatrixRMaj(count, 2);
            DMatrixRMaj y = new DMatrixRMaj(count, 1);
            for (int t = 0; t < count; t++) {
                design.set(t, 0, r[t]);
                design.set(t, 1, 1.0);
                y.set(t, 0, w[i][t]);
            }
            LinearSolverDense<DMatrixRMaj> qr = LinearSolverFactory_DDRM.leastSquares(count, 2);
            assertThat(qr.setA(design)).isTrue();
            DMatrixRMaj x = new DMatrixRMaj(2, 1);
            qr.solve(y, x);
            assertThat(Math.abs(a[i] - x.get(0))).as("a[%d] after %d checkpoints", i, count).isLessThan(1e-9);
            assertThat(Math.abs(b[i] - x.get(1))).as("b[%d] after %d checkpoints", i, count).isLessThan(1e-9);
        }
    }
}
