package org.trainingdynamics.spectral;

import java.util.ArrayList;
import java.util.List;

/**
 * Configuration of {@link SpectralDynamics} with the papers' defaults: every ≥2-D tensor, top k = 100
 * singular vectors kept, scores over the first 10 diagonal entries (Yunis et al. 2024), WeightWatcher ESD
 * metrics with the random-ESD comparison, conv kernels flattened to {@code c_out × (c_in·k_h·k_w)} with the
 * ESD optionally from WeightWatcher's pooled per-tap slices ({@code conv2d_norm} scaling by 1/2 on λ).
 *
 * @param tensors        globs of the tensors to analyse (only ≥2-D tensors are taken)
 * @param topK           singular vector pairs kept per matrix (at most 100)
 * @param scoreK         diagonal entries averaged into SVA and alignment scores (10)
 * @param vectors        whether to compute singular vectors (SVA and alignment); false = values only
 * @param esd            whether to compute WeightWatcher ESD metrics
 * @param randomize      whether to compare with an element-shuffled W ({@code rand_distance}; one more SVD)
 * @param seed           seed of the shuffles
 * @param pooledConvTaps whether a conv kernel's ESD pools its per-tap {@code c_out × c_in} slices
 * @param splits         fused projections to split into Q/K/V and heads
 * @param pairs          alignment pairs; null = consecutive matrices whose dimensions chain, plus per-head Q–K
 * @param threads        worker threads over checkpoints (≥ 1; default 1). They overlap store reads, EJML SVDs
 *                       of small matrices, metrics and ESD fits; every LAPACK call runs on the single LAPACK
 *                       thread of {@link org.trainingdynamics.linalg.Svd} (several calling threads corrupted
 *                       ND4J 1.0.0-M2.1's native heap)
 * @param blasThreads    BLAS/LAPACK threads during the run (OpenBLAS' setting is process-wide; default = cores)
 */
public record SpectralConfig(List<String> tensors, int topK, int scoreK, boolean vectors, boolean esd, boolean randomize,
                             long seed, boolean pooledConvTaps, List<FusedSplit> splits, List<AlignmentPair> pairs,
                             int threads, int blasThreads) {

    /** The most singular vector pairs kept per matrix. */
    public static final int MAX_TOP_K = 100;

    public SpectralConfig {
        tensors = List.copyOf(tensors);
        splits = List.copyOf(splits);
        pairs = pairs == null ? null : List.copyOf(pairs);
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("no tensor globs given");
        }
        if (topK < 1 || topK > MAX_TOP_K) {
            throw new IllegalArgumentException("topK must be in [1, " + MAX_TOP_K + "], got " + topK);
        }
        if (scoreK < 1 || scoreK > topK) {
            throw new IllegalArgumentException("scoreK must be in [1, topK=" + topK + "], got " + scoreK);
        }
        if (threads < 1 || blasThreads < 1) {
            throw new IllegalArgumentException("threads and blasThreads must be >= 1, got " + threads + ", " + blasThreads);
        }
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link SpectralConfig}. */
    public static final class Builder {
        private List<String> tensors = List.of("*");
        private int topK = MAX_TOP_K;
        private int scoreK = 10;
        private boolean vectors = true;
        private boolean esd = true;
        private boolean randomize = true;
        private long seed = 0;
        private boolean pooledConvTaps = false;
        private final List<FusedSplit> splits = new ArrayList<>();
        private List<AlignmentPair> pairs = null;
        private int threads = 1;
        private int blasThreads = Runtime.getRuntime().availableProcessors();

        public Builder tensors(String... globs) {
            this.tensors = List.of(globs);
            return this;
        }

        public Builder topK(int k) {
            this.topK = k;
            return this;
        }

        public Builder scoreK(int k) {
            this.scoreK = k;
            return this;
        }

        /** Values only: no singular vectors, hence no SVA or alignment. */
        public Builder valuesOnly() {
            this.vectors = false;
            return this;
        }

        public Builder esd(boolean on) {
            this.esd = on;
            return this;
        }

        public Builder randomize(boolean on) {
            this.randomize = on;
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        public Builder pooledConvTaps(boolean on) {
            this.pooledConvTaps = on;
            return this;
        }

        public Builder split(FusedSplit s) {
            this.splits.add(s);
            return this;
        }

        public Builder pairs(List<AlignmentPair> p) {
            this.pairs = p;
            return this;
        }

        /** Worker threads over checkpoints and the BLAS threads each uses. */
        public Builder threads(int workers, int blas) {
            this.threads = workers;
            this.blasThreads = blas;
            return this;
        }

        public SpectralConfig build() {
            int k = topK;
            int s = Math.min(scoreK, k);
            return new SpectralConfig(tensors, k, s, vectors, esd, randomize, seed, pooledConvTaps, splits, pairs,
                    threads, blasThreads);
        }
    }
}
