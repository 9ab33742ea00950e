package org.trainingdynamics.koopman;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The calibrated conjugacy test on planted spectra and planted dynamics. */
class ConjugacyTestTest {
    private static List<KoopmanSpectrum> jittered(double[][] eig, int runs, double sd, long seed) {
        Random r = new Random(seed);
        List<KoopmanSpectrum> out = new ArrayList<>();
        KoopmanSpectrum base = Planted.spectrum(eig);
        for (int k = 0; k < runs; k++) {
            double[] re = base.re().clone();
            double[] im = base.im().clone();
            for (int i = 0; i < re.length; i++) {
                re[i] += sd * r.nextGaussian();
                im[i] += sd * r.nextGaussian();
            }
            out.add(new KoopmanSpectrum(re, im));
        }
        return out;
    }

    private static final double[][] A = {{0.95, 0.1}, {0.8, 0}, {0.5, 0}};
    private static final double[][] B = {{0.9, 0.2}, {0.7, 0}, {0.5, 0}};

    @Test
    void separatedConditionsAreRejectedWithTheExactMinimumP() {
        ConjugacyResult r = ConjugacyTest.builder().build().test(jittered(A, 5, 1e-3, 1), jittered(B, 5, 1e-3, 2));
        System.out.println(r.report());
        // fully separated groups of 5 and 5: only the true labelling and its swap reach W_obs → p = 2 / C(10,5)
        assertThat(r.exact()).isTrue();
        assertThat(r.pValue()).isCloseTo(2.0 / 252, Offset.offset(1e-15));
        assertThat(r.decision()).isEqualTo(ConjugacyTest.Decision.NOT_CONJUGATE);
        assertThat(r.ratioToNull()).isGreaterThan(10);
        assertThat(r.assumptions()).isNotEmpty();
    }

    @Test
    void sameConditionIsConsistentWithConjugacyAndPIsRoughlyUniform() {
        int rejections = 0;
        for (int rep = 0; rep < 40; rep++) {
            ConjugacyResult r = ConjugacyTest.builder().permutations(199).seed(rep).build()
                    .test(jittered(A, 6, 1e-2, 100 + rep), jittered(A, 6, 1e-2, 200 + rep));
            if (r.decision() == ConjugacyTest.Decision.NOT_CONJUGATE) {
                rejections++;
            }
        }
        // nominal 5%: 40 null replicates should reject rarely (binomial(40, 0.05) ≤ 6 with prob > 0.99)
        assertThat(rejections).isLessThanOrEqualTo(6);
    }

    @Test
    void tooFewRunsIsInconclusive() {
        ConjugacyResult r = ConjugacyTest.builder().build().test(jittered(A, 2, 1e-3, 1), jittered(B, 2, 1e-3, 2));
        assertThat(r.minimumP()).isCloseTo(2.0 / 6, Offset.offset(1e-15));
        assertThat(r.decision()).isEqualTo(ConjugacyTest.Decision.INCONCLUSIVE);
    }

    @Test
    void plantedDynamicsThroughPcaAndDelaysWithBootstrapIntervals() {
        // two conditions, 4 seeds each, each seed = 3 perturbed trajectories with process noise (like the paper's
        // transformer runs: PCA to 4 dimensions pooled per seed, delays 3)
        List<Snapshots> a = new ArrayList<>();
        List<Snapshots> b = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            a.add(seed(A, 10 * s));
            b.add(seed(B, 10 * s + 5));
        }
        Dmd dmd = Dmd.builder().rank(4).delays(3).build();
        ConjugacyResult r = ConjugacyTest.builder().bootstrap(40).build().compare(dmd, a, b);
        System.out.println(r.report());
        System.out.println(r.bootstrapA().orElseThrow().toTable().print());
        assertThat(r.decision()).isEqualTo(ConjugacyTest.Decision.NOT_CONJUGATE);
        assertThat(r.distance()).isGreaterThan(r.null95());
        assertThat(r.bootstrapA().orElseThrow().replicates()).isGreaterThan(30);
    }

    @Test
    void bootstrapIntervalsCoverThePlantedEigenvaluesAndShrinkWithMoreTrajectories() {
        double[][] eig = {{0.9, 0.3}, {0.8, 0}, {0.6, 0}};
        Dmd dmd = Dmd.exact(4);
        double[] width = new double[2];
        int[] sizes = {8, 32};
        for (int c = 0; c < 2; c++) {
            List<org.trainingdynamics.trajectory.Trajectory> runs = new ArrayList<>();
            for (int k = 0; k < sizes[c]; k++) {
                runs.add(org.trainingdynamics.trajectory.Trajectories.fromMatrix("w", Planted.run(4, eig, 150, 1000 + k, 0.1)));
            }
            BootstrapIntervals bi = EigenvalueBootstrap.intervals(dmd, Snapshots.of(runs), 100, 7, 0.99);
            KoopmanSpectrum truth = Planted.spectrum(eig);
            int[] m = SpectralDistance.assignment(SpectralDistance.cost(bi.reference(), truth, SpectralDistance.Ground.EUCLIDEAN));
            for (int j = 0; j < 4; j++) {
                double t = truth.modulus()[m[j]];
                assertThat(t).as("n=" + sizes[c] + " eigenvalue " + j).isBetween(bi.modLo()[j], bi.modHi()[j]);
                width[c] += bi.modHi()[j] - bi.modLo()[j];
            }
        }
        // process noise: exact DMD is consistent, intervals shrink ~ 1/sqrt(#trajectories) (ratio ~ 0.5)
        assertThat(width[1] / width[0]).isBetween(0.3, 0.75);
    }

    private static Snapshots seed(double[][] eig, long seed) {
        List<org.trainingdynamics.trajectory.Trajectory> runs = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            runs.add(org.trainingdynamics.trajectory.Trajectories.fromMatrix("w", Planted.run(200, eig, 60, seed * 7 + c, 0.05)));
        }
        return Observables.pca(4, runs);
    }
}
