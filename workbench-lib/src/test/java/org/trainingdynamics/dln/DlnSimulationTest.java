package org.trainingdynamics.dln;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;
import org.trainingdynamics.trajectory.Trajectory;

class DlnSimulationTest {

    @Test
    void parameterisationsReduceToTheirMirrorMaps() {
        double s0 = 0.3;
        for (Parameterization par : new Parameterization[] {Parameterization.DIFF_SQUARES, Parameterization.PRODUCT,
            Parameterization.depth(3), Parameterization.depth(4)}) {
            for (double a : new double[] {-0.2, 0.05, 0.3}) {
                if (Math.abs(a) >= par.maxAbsA(s0)) {
                    continue;
                }
                double u = par.u(a, s0);
                double v = par.v(a, s0);
                assertThat(par.betaOf(u, v)).as("%s beta", par).isCloseTo(par.beta(a, s0), offset(1e-12));
                // dbeta/dA = (dβ/du)·(du/dA) + (dβ/dv)·(dv/dA) with du/dA = ∂β/∂u, dv/dA = ∂β/∂v (gradient flow)
                double want = Math.pow(par.dBetaDu(u, v), 2) + Math.pow(par.dBetaDv(u, v), 2);
                assertThat(par.dbeta(a, s0)).as("%s dbeta", par).isCloseTo(want, offset(1e-9 * want));
                double fd = (par.beta(a + 1e-6, s0) - par.beta(a - 1e-6, s0)) / 2e-6;
                assertThat(fd).isCloseTo(want, offset(1e-5 * want));
                assertThat(par.mirrorOf(par.beta(a, s0), s0)).isCloseTo(a, offset(1e-9));
            }
        }
        assertThat(Parameterization.DIFF_SQUARES.dbeta(0, s0)).isEqualTo(4 * Parameterization.gamma(s0));
    }

    @Test
    void mirrorAndParameterGradientDescentAgreeInTheFlowLimit() {
        for (Parameterization par : new Parameterization[] {Parameterization.DIFF_SQUARES, Parameterization.PRODUCT,
            Parameterization.depth(3)}) {
            DlnConfig base = DlnConfig.builder().d(80).alpha(0.5).s0(0.3).parameterization(par).step(0.002).horizon(3)
                    .checkpoints(4).seed(2).build();
            DlnRun m = DlnSimulation.run(base);
            DlnRun p = DlnSimulation.run(base.toBuilder().integrator(DlnConfig.Integrator.PARAMETERS).build());
            double diff = ImplicitBias.relDist(p.finalBeta(), m.finalBeta());
            assertThat(diff).as("%s", par).isLessThan(0.01);
            // and both moved: the loss fell
            assertThat(m.trainLoss()[3]).isLessThan(0.5 * m.trainLoss()[0]);
        }
    }

    @Test
    void recordsTrajectoryAndMetrics() {
        DlnConfig c = DlnConfig.builder().d(50).alpha(0.6).s0(0.2).horizon(2).step(0.05).checkpoints(5)
                .recordParameters(true).seed(9).build();
        DlnRun r = DlnSimulation.run(c);
        Trajectory t = r.trajectory();
        assertThat(t.checkpointCount()).isEqualTo(5);
        assertThat(t.steps()).containsExactly(0, 10, 20, 30, 40);
        assertThat(t.tensors()).extracting(s -> s.name()).containsExactly("beta", "u", "v");
        double[] beta = new double[50];
        double[] u = new double[50];
        double[] v = new double[50];
        t.read("beta", 4, 0, beta, 0, 50);
        t.read("u", 4, 0, u, 0, 50);
        t.read("v", 4, 0, v, 0, 50);
        for (int i = 0; i < 50; i++) {
            assertThat(beta[i]).isCloseTo(u[i] * u[i] - v[i] * v[i], offset(1e-12));
        }
        // E_te at t=0 is E β*² for the fixed-count teacher; E_tr(0) = ‖y‖²/n
        DlnProblem p = DlnProblem.generate(c);
        double m2 = 0;
        for (double b : p.teacher()) {
            m2 += b * b / 50;
        }
        assertThat(r.testLoss()[0]).isCloseTo(m2, offset(1e-15));
        double yy = 0;
        for (double y : p.y()) {
            yy += y * y / p.n();
        }
        assertThat(r.trainLoss()[0]).isCloseTo(yy, offset(1e-12));
        assertThat(t.metrics().columnNames()).contains("train_loss", "test_loss", "support_recall", "time");
        // deterministic per seed
        assertThat(DlnSimulation.run(c).finalBeta()).containsExactly(r.finalBeta());
    }

    @Test
    void smallInitialisationReachesTheSparseTeacher() {
        DlnConfig c = DlnConfig.builder().d(200).alpha(0.5).prior(SparsePrior.bernoulliRademacher(0.05)).s0(0.001)
                .step(0.05).horizon(60).checkpoints(21).seed(4).build();
        DlnRun r = DlnSimulation.run(c);
        int last = r.times().length - 1;
        // relative error ‖β − β*‖/‖β*‖ below 2% (the last approach is slow: lambda_inf = O(gamma))
        assertThat(r.testLoss()[last]).isLessThan(3e-4 * r.testLoss()[0]);
        assertThat(ImplicitBias.relDist(r.finalBeta(), r.teacher())).isLessThan(0.02);
        assertThat(r.toTable().doubleColumn("support_recall").get(last)).isEqualTo(1.0);
        assertThat(r.toTable().doubleColumn("support_precision").get(last)).isEqualTo(1.0);
    }

    @Test
    void badInputIsRejectedClearly() {
        assertThatThrownBy(() -> DlnConfig.builder().s0(-1).build()).hasMessageContaining("s0");
        assertThatThrownBy(() -> DlnConfig.builder().alpha(Double.NaN).build()).hasMessageContaining("alpha");
        assertThatThrownBy(() -> SparsePrior.bernoulliRademacher(0)).hasMessageContaining("rho");
        assertThatThrownBy(() -> DlnSimulation.run(DlnConfig.builder().d(50).s0(3).step(1).horizon(5).build()))
                .hasMessageContaining("reduce the step");
        assertThatThrownBy(() -> Parameterization.parse("depth-x")).hasMessageContaining("depth");
    }
}
