package org.trainingdynamics.koopman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.trainingdynamics.trajectory.InMemoryTrajectory;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

/** Observables: pooled PCA against NumPy (the paper's dim_reduction), tensor subsets, metric columns. */
class ObservablesTest {
    @Test
    void pooledPcaMatchesNumpy() {
        double[][] r0 = Planted.run(40, new double[][]{{0.9, 0.2}, {0.7, 0}}, 15, 1, 0.1);
        double[][] r1 = Planted.run(40, new double[][]{{0.9, 0.2}, {0.7, 0}}, 12, 2, 0.1);
        Snapshots p = Observables.pca(3, List.of(Trajectories.fromMatrix("w", r0), Trajectories.fromMatrix("w", r1)));
        assertThat(p.rows()).isEqualTo(3);
        StringBuilder s = new StringBuilder("import numpy as np\nR=[");
        for (double[][] r : new double[][][]{r0, r1}) {
            s.append("np.array([");
            for (double[] row : r) {
                s.append('[');
                for (double v : row) {
                    s.append(String.format("%.17g,", v));
                }
                s.append("],");
            }
            s.append("]),");
        }
        s.append("""
                ]
                Zp=np.concatenate([r[:, :-1] for r in R], axis=1).T
                mu=Zp.mean(0); w,V=np.linalg.eigh(np.cov((Zp-mu).T))
                P=V[:, ::-1][:, :3]
                for r in R:
                    print(' '.join(repr(float(v)) for v in (P.T @ r).ravel()))
                """);
        String[] lines = PythonCheck.run(s.toString()).trim().split("\n");
        for (int run = 0; run < 2; run++) {
            Trajectory t = p.runs().get(run);
            String[] v = lines[run].trim().split(" ");
            int len = t.checkpointCount();
            for (int c = 0; c < 3; c++) {
                double plus = 0;
                double minus = 0;
                double norm = 0;
                for (int k = 0; k < len; k++) {
                    double mine = t.values("observables", k)[c];
                    double ref = Double.parseDouble(v[c * len + k]);
                    plus += (mine - ref) * (mine - ref);
                    minus += (mine + ref) * (mine + ref);
                    norm += ref * ref;
                }
                // principal axes are defined up to sign
                assertThat(Math.sqrt(Math.min(plus, minus) / norm)).as("run " + run + " component " + c).isLessThan(1e-9);
            }
        }
    }

    @Test
    void tensorSubsetAndMetricColumns() {
        InMemoryTrajectory.Builder b = InMemoryTrajectory.builder().tensor("a", 2).tensor("b", 3);
        for (int t = 0; t < 6; t++) {
            b.checkpoint(10L * t, Double.NaN, Map.of("a", new double[]{t, 2 * t}, "b", new double[]{1, 1, 1}));
        }
        Table m = Table.create("m", LongColumn.create("step", 0, 10, 20, 30, 40, 50),
                DoubleColumn.create("train_loss", 1, 0.5, 0.25, 0.125, 0.0625, 0.03125));
        Trajectory run = b.metrics(m).build();
        assertThat(Observables.weights(List.of(run), "a").rows()).isEqualTo(2);
        Snapshots loss = Observables.metrics(List.of(run), "train_loss");
        // loss halves every checkpoint: a 1-d linear system with λ = 0.5
        DmdResult r = Dmd.exact(1).fit(loss);
        assertThat(r.spectrum().re()[0]).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-14));
        assertThatThrownBy(() -> Observables.metrics(List.of(run), "test_acc"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("test_acc");
    }
}
