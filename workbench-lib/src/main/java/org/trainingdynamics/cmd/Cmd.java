package org.trainingdynamics.cmd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.trainingdynamics.trajectory.Trajectory;

/**
 * Post-hoc Correlation Mode Decomposition (Brokman et al., ICLR 2024, arXiv 2312.13247, Sec. 3, and the
 * official {@code basic_cmd}; Turjeman et al. 2022, arXiv 2212.09040): each parameter is modelled as
 * {@code w_i(t) ≈ a_i · w_{r(m_i)}(t) + b_i}, where {@code r(m)} is the reference parameter of mode m.
 *
 * <ol>
 *   <li>sample K parameters, layer-balanced ({@link LayerBalancedSampler}) or given;</li>
 *   <li>{@code |C|}: absolute Pearson correlations of the sample over time ({@link SampleCorrelation});</li>
 *   <li>complete-linkage clustering of the rows of |C| (Euclidean), cut by {@link CutCriterion};
 *       modes numbered by cluster size in the sample (mode 0 largest);</li>
 *   <li>reference of each mode: the member with the largest mean |corr| within its cluster;</li>
 *   <li>every parameter joins the mode whose reference it is most |correlated| with, and gets the
 *       least-squares {@code a_i, b_i} ({@link ModeAssignment}), streaming parameter blocks.</li>
 * </ol>
 *
 * <p>Defaults are the paper's: M = 10 modes ({@code maxclust}), K = 1000 samples (capped at N), distance
 * divisor 2. Sampled parameters with zero variance are left out of the clustering (their |C| rows are all
 * zero; in the official code they would form a mode whose constant reference attracts nobody); every
 * zero-variance parameter is assigned to mode 0 with {@code a = 0}, {@code b =} its value.
 * The trajectory passed in may be a {@link Trajectory#window window} or {@link Trajectory#select selection}.
 *
 * @param modes      maximal number of modes M for {@link CutCriterion#MAXCLUST}
 * @param criterion  how the dendrogram is cut
 * @param threshold  the divisor {@code t} of {@link CutCriterion#DISTANCE}: cut at {@code max distance / t}
 * @param sampleSize K, the number of sampled parameters (capped at N)
 * @param seed       seed of the sampler
 * @param sample     explicit sampled global indices (overrides sampleSize/seed), or null
 */
public record Cmd(int modes, CutCriterion criterion, double threshold, int sampleSize, long seed, long[] sample) {

    public Cmd {
        if (criterion == null) {
            throw new IllegalArgumentException("criterion must not be null");
        }
        if (criterion == CutCriterion.MAXCLUST && modes < 1) {
            throw new IllegalArgumentException("--modes must be >= 1, got " + modes);
        }
        if (criterion == CutCriterion.DISTANCE && !(threshold > 0 && Double.isFinite(threshold))) {
            throw new IllegalArgumentException("distance threshold divisor must be a positive number, got " + threshold);
        }
        if (sample == null && sampleSize < 2) {
            throw new IllegalArgumentException("sample size must be >= 2, got " + sampleSize);
        }
        if (sample != null) {
            sample = sample.clone();
        }
    }

    /** A builder with the paper's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public long[] sample() {
        return sample == null ? null : sample.clone();
    }

    /** Runs post-hoc CMD on every parameter and checkpoint of {@code trajectory}. */
    public CmdResult fit(Trajectory trajectory) {
        return sweep(trajectory, new int[]{modes}).get(0);
    }

    /**
     * Runs CMD for several maximal mode counts at once, sharing the sample correlation and the
     * dendrogram (one assignment pass per entry). With {@link CutCriterion#DISTANCE} the entries are
     * ignored and one result is returned.
     */
    public List<CmdResult> sweep(Trajectory trajectory, int... modeCounts) {
        if (criterion == CutCriterion.MAXCLUST) {
            if (modeCounts == null || modeCounts.length == 0) {
                throw new IllegalArgumentException("sweep needs at least one mode count");
            }
            for (int m : modeCounts) {
                if (m < 1) {
                    throw new IllegalArgumentException("mode counts must be >= 1, got " + m);
                }
            }
        }
        ParameterLayout layout = ParameterLayout.of(trajectory);
        long n = layout.parameterCount();
        if (n < 1) {
            throw new IllegalArgumentException("trajectory has no parameters");
        }
        if (trajectory.checkpointCount() < 2) {
            throw new IllegalArgumentException("CMD needs at least 2 checkpoints, trajectory has "
                    + trajectory.checkpointCount());
        }
        Map<String, Double> shared = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        long[] drawn = sample != null ? checkedSample(sample, n)
                : LayerBalancedSampler.sample(layout, (int) Math.min(sampleSize, n), seed);
        double[][] drawnProfiles = layout.readProfiles(trajectory, drawn);
        // zero-variance samples carry no correlation (all-zero |C| rows); the official code would give
        // them a cluster of their own whose constant reference attracts nobody: leave them out
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < drawn.length; i++) {
            if (!isConstant(drawnProfiles[i])) {
                keep.add(i);
            }
        }
        if (keep.isEmpty()) {
            throw new IllegalArgumentException("all " + drawn.length + " sampled parameters are constant over the "
                    + trajectory.checkpointCount() + " checkpoints; CMD needs parameters that move");
        }
        long[] idx = new long[keep.size()];
        double[][] profiles = new double[keep.size()][];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = drawn[keep.get(i)];
            profiles[i] = drawnProfiles[keep.get(i)];
        }
        List<CmdResult> out = new ArrayList<>();
        try (SampleCorrelation corr = SampleCorrelation.of(profiles)) {
            long t1 = System.nanoTime();
            shared.put("sample correlation", (t1 - t0) / 1e9);
            int stride = CompleteLinkage.workStride(idx.length);
            double[] dist = corr.squareDistances(stride);
            double maxDist = 0;
            for (double d : dist) {
                maxDist = Math.max(maxDist, d); // the spare region is zero
            }
            long t2 = System.nanoTime();
            shared.put("profile distances", (t2 - t1) / 1e9);
            Dendrogram tree = CompleteLinkage.fitStrided(dist, idx.length, stride);
            dist = null;
            long t3 = System.nanoTime();
            double linkageSeconds = (t3 - t2) / 1e9;
            int[] list = criterion == CutCriterion.DISTANCE ? new int[]{0} : modeCounts;
            for (int mMax : list) {
                long c0 = System.nanoTime();
                int[] labels = criterion == CutCriterion.DISTANCE ? tree.cutDistance(maxDist / threshold)
                        : tree.cutMaxclust(mMax);
                Modes modesFound = Modes.of(labels, corr);
                long[] refs = new long[modesFound.refs().length];
                for (int k = 0; k < refs.length; k++) {
                    refs[k] = idx[modesFound.refs()[k]];
                }
                double[][] refProfiles = new double[refs.length][];
                for (int k = 0; k < refs.length; k++) {
                    refProfiles[k] = profiles[modesFound.refs()[k]].clone();
                }
                long c1 = System.nanoTime();
                ModeAssignment.Result pass = ModeAssignment.run(trajectory, layout, refProfiles);
                Map<String, Double> phases = new LinkedHashMap<>(shared);
                phases.put("clustering", linkageSeconds + (c1 - c0) / 1e9);
                phases.put("assignment", pass.assignSeconds());
                phases.put("fit", pass.fitSeconds());
                out.add(new CmdResult(this, trajectory.tensors(), trajectory.steps(), idx, modesFound.sampleMode(),
                        profiles, refs, refProfiles, pass, phases));
            }
        }
        return out;
    }

    static boolean isConstant(double[] profile) {
        for (double v : profile) {
            if (v != profile[0]) {
                return false;
            }
        }
        return true;
    }

    private static long[] checkedSample(long[] s, long n) {
        if (s.length < 2) {
            throw new IllegalArgumentException("the sample needs at least 2 parameters, got " + s.length);
        }
        long[] sorted = s.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] < 0 || sorted[i] >= n) {
                throw new IllegalArgumentException("sample index " + sorted[i] + " outside [0, " + n + ")");
            }
            if (i > 0 && sorted[i] == sorted[i - 1]) {
                throw new IllegalArgumentException("sample index " + sorted[i] + " appears twice");
            }
        }
        return s.clone();
    }

    /** Modes of the sample: size-ordered labels and the reference (sample position) of each. */
    record Modes(int[] sampleMode, int[] refs) {
        static Modes of(int[] labels, SampleCorrelation corr) {
            int maxLabel = 0;
            for (int l : labels) {
                maxLabel = Math.max(maxLabel, l);
            }
            int[] count = new int[maxLabel + 1];
            for (int l : labels) {
                count[l]++;
            }
            // clusters by decreasing size; equal sizes keep scipy's label order (a stable sort)
            List<Integer> present = new ArrayList<>();
            for (int l = 1; l <= maxLabel; l++) {
                if (count[l] > 0) {
                    present.add(l);
                }
            }
            present.sort((x, y) -> Integer.compare(count[y], count[x]));
            int[] newLabel = new int[maxLabel + 1];
            for (int i = 0; i < present.size(); i++) {
                newLabel[present.get(i)] = i;
            }
            int[] sampleMode = new int[labels.length];
            for (int i = 0; i < labels.length; i++) {
                sampleMode[i] = newLabel[labels[i]];
            }
            int[] refs = new int[present.size()];
            for (int mIdx = 0; mIdx < present.size(); mIdx++) {
                int[] members = new int[count[present.get(mIdx)]];
                int c = 0;
                for (int i = 0; i < labels.length; i++) {
                    if (sampleMode[i] == mIdx) {
                        members[c++] = i;
                    }
                }
                double[] mean = corr.meanWithin(members);
                int best = 0;
                for (int j = 1; j < members.length; j++) {
                    if (mean[j] > mean[best]) {
                        best = j;
                    }
                }
                refs[mIdx] = members[best];
            }
            return new Modes(sampleMode, refs);
        }
    }

    /** Builder for {@link Cmd}; defaults M = 10, maxclust, t = 2, K = 1000, seed 0. */
    public static final class Builder {
        private int modes = 10;
        private CutCriterion criterion = CutCriterion.MAXCLUST;
        private double threshold = 2;
        private int sampleSize = 1000;
        private long seed = 0;
        private long[] sample;

        /** Maximal number of modes M (maxclust). */
        public Builder modes(int m) {
            this.modes = m;
            return this;
        }

        /** Cut criterion. */
        public Builder criterion(CutCriterion c) {
            this.criterion = c;
            return this;
        }

        /** Divisor t of the distance criterion (cut at max distance / t). */
        public Builder threshold(double t) {
            this.threshold = t;
            return this;
        }

        /** Number K of sampled parameters. */
        public Builder sampleSize(int k) {
            this.sampleSize = k;
            return this;
        }

        /** Sampler seed. */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** Explicit sample of global parameter indices (as the official {@code samp_ind}). */
        public Builder sample(long[] indices) {
            this.sample = indices == null ? null : indices.clone();
            return this;
        }

        /** The configuration. */
        public Cmd build() {
            return new Cmd(modes, criterion, threshold, sampleSize, seed, sample);
        }
    }
}
