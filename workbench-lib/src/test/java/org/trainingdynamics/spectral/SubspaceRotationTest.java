package org.trainingdynamics.spectral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.trainingdynamics.trajectory.InMemoryTrajectory;
import org.trainingdynamics.trajectory.Trajectory;

class SubspaceRotationTest {

    /** W(t) = U(t) diag(5, 4, 1, 0.5) Vᵀ with U(t) turning e1 towards e4 (outside the top 2) by angle θ_t. */
    static double[] planted(double theta) {
        int m = 5;
        int n = 4;
        double[][] u = new double[m][4];
        u[0][0] = Math.cos(theta);
        u[3][0] = Math.sin(theta);
        u[1][1] = 1;
        u[2][2] = 1;
        u[0][3] = -Math.sin(theta);
        u[3][3] = Math.cos(theta);
        double[] s = {5, 4, 1, 0.5};
        // V: a fixed permutation with a sign flip (signs must not matter)
        int[] perm = {2, 0, 3, 1};
        double[] w = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double v = 0;
                for (int k = 0; k < 4; k++) {
                    double vjk = perm[k] == j ? (k == 1 ? -1 : 1) : 0;
                    v += u[i][k] * s[k] * vjk;
                }
                w[i * n + j] = v;
            }
        }
        return w;
    }

    @Test
    void plantedRotationGivesMeanSquaredSine() {
        double[] angles = {0, 0.3, 0.3, 1.0};
        InMemoryTrajectory.Builder b = InMemoryTrajectory.builder().tensor("w", 5, 4);
        for (int t = 0; t < angles.length; t++) {
            b.checkpoint(t, t, Map.of("w", planted(angles[t])));
        }
        Trajectory run = b.build();
        double[] rot = SubspaceRotation.of(run, "w", 2);
        assertThat(rot).hasSize(3);
        // left subspace: one principal angle of Δθ, right subspace fixed -> sin²Δθ / (2k)
        assertThat(rot[0]).isCloseTo(Math.pow(Math.sin(0.3), 2) / 4, within(1e-12));
        assertThat(rot[1]).isCloseTo(0, within(1e-12));
        assertThat(rot[2]).isCloseTo(Math.pow(Math.sin(0.7), 2) / 4, within(1e-12));
        // k = 4 spans everything on the right and all of U's 4 columns move within a fixed 4-dim space on the left
        assertThat(SubspaceRotation.of(run, "w", 4)[2]).isCloseTo(0, within(1e-12));
        assertThatThrownBy(() -> SubspaceRotation.of(run, "w", 5)).hasMessageContaining("k must be in [1, 4]");
    }
}
