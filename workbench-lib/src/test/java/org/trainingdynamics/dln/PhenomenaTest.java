package org.trainingdynamics.dln;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PhenomenaTest {

    static IncrementalLearning.Result incremental(double gamma, double horizon) {
        DlnConfig c = DlnConfig.builder().d(300).alpha(0.5).prior(SparsePrior.symmetricAtoms(0.06, 1, 2, 4)).gamma(gamma)
                .step(0.02).horizon(horizon).checkpoints((int) Math.round(horizon / 0.02) / 2 + 1).seed(11).build();
        return IncrementalLearning.analyze(DlnSimulation.run(c));
    }

    @Test
    void smallInitialisationLearnsIncrementallyWithPlateausAndLogTimescale() {
        IncrementalLearning.Result a = incremental(1e-8, 16);
        System.out.println(a.toTable().print());
        a.plateaus().forEach(p -> System.out.println("plateau " + p[0] + " .. " + p[1]));
        assertThat(a.groups()).hasSize(3);
        assertThat(a.activatesInOrder()).isTrue();
        assertThat(a.separated()).isTrue();
        IncrementalLearning.Group big = a.groups().get(0);
        assertThat(big.magnitude()).isEqualTo(4);
        assertThat(big.median()).isBetween(0.8 * big.predicted(), 1.25 * big.predicted());
        assertThat(a.plateaus().size()).isGreaterThanOrEqualTo(2);
        IncrementalLearning.Result b = incremental(1e-16, 30);
        System.out.println(b.toTable().print());
        double ratio = b.groups().get(0).median() / big.median();
        // search time ∝ log(1/γ): doubling log(1/γ) roughly doubles the activation time
        assertThat(ratio).isBetween(1.7, 2.3);
        assertThat(b.activatesInOrder()).isTrue();
    }

    @Test
    void largeInitialisationEndsNearMinL2AndSmallNearMinL1() {
        // noiseless, rho/alpha = 0.2 inside exact recovery: min-l1 = teacher, min-l2 has E_te ≈ (1 − α)Eβ*²
        DlnConfig base = DlnConfig.builder().d(160).alpha(0.5).prior(SparsePrior.bernoulliRademacher(0.1))
                .step(0.05).checkpoints(51).seed(21).build();
        DlnProblem p = DlnProblem.generate(base);
        ImplicitBias.Sweep s = ImplicitBias.sweep(p, base, new double[] {0.003, 0.1, 5},
                s0 -> s0 >= 1 ? 40 / (8 * s0 * s0 * Math.pow(1 - Math.sqrt(0.5), 2)) : 100);
        System.out.println(s.toTable().print());
        ImplicitBias small = s.points().get(0);
        ImplicitBias large = s.points().get(2);
        // small init converges slowly (lambda_inf = O(gamma), dmft.md §2), hence the looser interpolation check
        assertThat(small.trainLoss()).isLessThan(1e-4);
        assertThat(large.trainLoss()).isLessThan(1e-6);
        assertThat(large.distL2()).isLessThan(0.01);
        assertThat(large.distL1()).isGreaterThan(0.3);
        assertThat(small.distL1()).isLessThan(0.05);
        assertThat(small.distL1()).isLessThan(0.1 * small.distL2());
        assertThat(small.distL2()).isGreaterThan(0.3);
        // in between, monotone interpolation
        assertThat(s.points().get(1).distL1()).isBetween(small.distL1(), large.distL1());
        assertThat(s.minL1().gap()).isLessThan(1e-6);
    }

    @Test
    void convergenceRateTradesOffAgainstGeneralisation() {
        DlnConfig base = DlnConfig.builder().d(200).alpha(0.5).prior(SparsePrior.bernoulliRademacher(0.1)).checkpoints(41)
                .seed(5).build();
        DlnProblem p = DlnProblem.generate(base);
        double[] s0s = {2, 0.3, 0.05};
        ConvergenceRate[] r = new ConvergenceRate[s0s.length];
        double maxT = 1;
        for (int i = 0; i < s0s.length; i++) {
            DlnConfig c = base.toBuilder().s0(s0s[i]).build();
            double h = Math.min(0.05, ImplicitBias.stableStep(c, maxT));
            c = c.toBuilder().step(h).horizon(s0s[i] >= 1 ? 4 : 60).build();
            r[i] = ConvergenceRate.of(p, DlnSimulation.run(p, c));
            System.out.println(r[i]);
        }
        // large init: lambda_inf close to the kernel prediction 4γ(1−√α)² and the observed late-time rate
        assertThat(r[0].lambdaMin()).isBetween(0.8 * r[0].kernelLimit(), 1.3 * r[0].kernelLimit());
        assertThat(r[0].fittedRate()).isBetween(0.8 * r[0].lambdaMin(), 1.25 * r[0].lambdaMin());
        // smaller init: slower convergence, better generalisation
        assertThat(r[1].lambdaMin()).isLessThan(r[0].lambdaMin());
        assertThat(r[2].lambdaMin()).isLessThan(r[1].lambdaMin());
        assertThat(r[1].testLoss()).isLessThan(r[0].testLoss());
        assertThat(r[2].fittedRate()).isLessThan(r[0].fittedRate());
        assertThat(r[2].testLoss()).isLessThan(r[1].testLoss());
    }
}
