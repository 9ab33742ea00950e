package org.trainingdynamics.koopman;

import java.util.SplittableRandom;
import org.trainingdynamics.study.Progress;

/**
 * Bootstrap over trajectories for Koopman eigenvalue uncertainty (research/koopman.md §1.4): resample the
 * trajectories of one condition with replacement, refit the same DMD, match each replicate's eigenvalues to the
 * reference spectrum by optimal assignment (so conjugate pairs and crossings stay attached to the right
 * eigenvalue), and report percentile intervals of Re, Im and |λ| for each reference eigenvalue.
 */
public final class EigenvalueBootstrap {
    private EigenvalueBootstrap() {
    }

    /** Intervals at {@code level} from {@code reps} replicates (needs at least 2 trajectories). */
    public static BootstrapIntervals intervals(Dmd dmd, Snapshots runs, int reps, long seed, double level) {
        int n = runs.runCount();
        if (n < 2) {
            throw new IllegalArgumentException("bootstrap over trajectories needs at least 2 trajectories, got " + n);
        }
        if (reps < 2 || !(level > 0 && level < 1)) {
            throw new IllegalArgumentException("need reps >= 2 and level in (0, 1), got " + reps + ", " + level);
        }
        KoopmanSpectrum ref = dmd.fit(runs).spectrum();
        int k = ref.size();
        double[][] re = new double[k][reps];
        double[][] im = new double[k][reps];
        double[][] mod = new double[k][reps];
        SplittableRandom rnd = new SplittableRandom(seed);
        int used = 0;
        int skipped = 0;
        try (Progress p = Progress.start("eigenvalue bootstrap", reps)) {
            for (int b = 0; b < reps; b++) {
                int[] idx = new int[n];
                for (int i = 0; i < n; i++) {
                    idx[i] = rnd.nextInt(n);
                }
                KoopmanSpectrum s = dmd.fit(runs.subset(idx)).spectrum();
                p.step();
                if (s.size() != k) {
                    skipped++;
                    continue;
                }
                int[] m = SpectralDistance.assignment(SpectralDistance.cost(ref, s, SpectralDistance.Ground.EUCLIDEAN));
                for (int j = 0; j < k; j++) {
                    re[j][used] = s.re()[m[j]];
                    im[j][used] = s.im()[m[j]];
                    mod[j][used] = Math.hypot(re[j][used], im[j][used]);
                }
                used++;
            }
        }
        if (used < 2) {
            throw new IllegalArgumentException("only " + used + " bootstrap replicates kept the reference rank " + k
                    + "; use a fixed rank");
        }
        double lo = (1 - level) / 2;
        double hi = 1 - lo;
        double[][] out = new double[6][k];
        for (int j = 0; j < k; j++) {
            double[] r = java.util.Arrays.copyOf(re[j], used);
            double[] i = java.util.Arrays.copyOf(im[j], used);
            double[] md = java.util.Arrays.copyOf(mod[j], used);
            out[0][j] = ConjugacyTest.quantile(r, lo);
            out[1][j] = ConjugacyTest.quantile(r, hi);
            out[2][j] = ConjugacyTest.quantile(i, lo);
            out[3][j] = ConjugacyTest.quantile(i, hi);
            out[4][j] = ConjugacyTest.quantile(md, lo);
            out[5][j] = ConjugacyTest.quantile(md, hi);
        }
        return new BootstrapIntervals(ref, level, out[0], out[1], out[2], out[3], out[4], out[5], used, skipped);
    }
}
