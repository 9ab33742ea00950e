package org.trainingdynamics.hmm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.Trajectory;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * The paper's 14 base features of a network at each checkpoint (Hu et al. 2023 §2.1; {@code src/metrics.py},
 * {@code src/utils.get_stats_for_run}). Per weight matrix X: {@code l1 = ||vec X||_1}, {@code l2 = ||X||_F},
 * {@code trace = sum_i X_ii} (main diagonal, also of rectangular matrices), {@code spectral = sigma_max},
 * {@code code_sparsity = l1/l2}, {@code computational_sparsity = trace/spectral}, and with singular values below
 * 1e-5 set to zero, {@code mean_lambda = mean(sigma)} and {@code variance_lambda} = their unbiased variance; each
 * averaged over matrices ({@code variance_lambda} ignoring matrices with a single singular value, as
 * {@code nanmean}). Then mean, lower median ({@code torch.median}) and unbiased variance of all matrix weights
 * ({@code mean_w, median_w, var_w}) and of all biases ({@code mean_b, median_b, var_b}).
 *
 * <p>Matrices are the rank-2 tensors (higher ranks are flattened to {@code [dim0, rest]}); biases the rank-1 (or [1, n])
 * tensors whose names contain "bias". {@link Builder#perHead} splits attention projections into per-head matrices
 * (the paper's W_Q, W_K, W_V per head): rows of {@code [out, in]} tensors, or dimension 0 of rank-3 tensors.
 */
public final class TrainingMetrics {
    /** The 14 base features, in the paper's order. */
    public static final List<String> BASE_FEATURES = List.of("l1", "l2", "trace", "spectral", "code_sparsity",
            "computational_sparsity", "mean_lambda", "variance_lambda", "mean_w", "median_w", "var_w", "mean_b",
            "median_b", "var_b");
    /** The 11 weight features (the base features without mean_b, median_b, var_b), for networks without biases. */
    public static final List<String> WEIGHT_FEATURES = BASE_FEATURES.subList(0, 11);
    /** The paper's {@code parities_best} feature subset. */
    public static final List<String> PARITIES_BEST = List.of("spectral", "variance_lambda");
    /** The paper's {@code modular_best} feature subset. */
    public static final List<String> MODULAR_BEST = List.of("var_w", "l1", "l2");

    private static final double SIGMA_ZERO = 1e-5;

    private final String[] weightGlobs;
    private final String[] biasGlobs;
    private final List<String> headGlobs;
    private final List<Integer> heads;
    private final boolean biasFree;

    private TrainingMetrics(Builder b) {
        this.biasFree = b.biasFree;
        this.weightGlobs = b.weightGlobs;
        this.biasGlobs = b.biasGlobs;
        this.headGlobs = List.copyOf(b.headGlobs);
        this.heads = List.copyOf(b.heads);
    }

    /**
     * The default extractor: tensors named "*bias*" that are vectors (rank 1, or [1, .., 1, n] as the workbench trainers
     * store them) are biases, every other rank-&ge;2 tensor is a matrix.
     */
    public static TrainingMetrics defaults() {
        return builder().build();
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The 14 features at every checkpoint of {@code run}: [T][14] in {@link #BASE_FEATURES} order; with
     * {@link Builder#noBiases()} the 11 {@link #WEIGHT_FEATURES}.
     */
    public Features extract(Trajectory run) {
        List<TensorSpec> mats = new ArrayList<>();
        List<TensorSpec> biases = new ArrayList<>();
        for (TensorSpec s : run.tensors()) {
            if (isVector(s) && matches(biasGlobs, s.name())) {
                biases.add(s);
            } else if (s.rank() >= 2 && matches(weightGlobs, s.name())) {
                mats.add(s);
            }
        }
        if (mats.isEmpty()) {
            throw new IllegalArgumentException("trajectory has no weight matrices (rank >= 2 tensors matching "
                    + Arrays.toString(weightGlobs) + "); tensors are " + run.tensorNames());
        }
        if (biasFree && !biases.isEmpty()) {
            throw new IllegalArgumentException("noBiases() was set but the trajectory has bias vectors " + biases.stream()
                    .map(TensorSpec::name).toList() + "; use the default extractor to include the bias features");
        }
        if (biases.isEmpty() && !biasFree) {
            throw new IllegalArgumentException("trajectory has no bias vectors (rank-1 or [1, n] tensors matching "
                    + Arrays.toString(biasGlobs) + "), needed for mean_b/median_b/var_b; tensors are " + run.tensorNames());
        }
        int t = run.checkpointCount();
        double[][] out = new double[t][];
        for (int c = 0; c < t; c++) {
            out[c] = checkpoint(run, c, mats, biases);
        }
        if (biasFree) {
            for (int c = 0; c < t; c++) {
                out[c] = Arrays.copyOf(out[c], WEIGHT_FEATURES.size());
            }
            return new Features(WEIGHT_FEATURES, out, run.steps());
        }
        return new Features(BASE_FEATURES, out, run.steps());
    }

    /**
     * A bias vector: rank 1, or a higher rank with every dimension but the last of size 1 (the workbench trainers
     * store a linear layer's bias as [1, out]).
     */
    static boolean isVector(TensorSpec s) {
        for (int i = 0; i < s.rank() - 1; i++) {
            if (s.dim(i) != 1) {
                return false;
            }
        }
        return s.rank() >= 1;
    }

    private double[] checkpoint(Trajectory run, int c, List<TensorSpec> mats, List<TensorSpec> biases) {
        double[] sum = new double[8];
        int nMat = 0;
        double varLambdaSum = 0;
        int varLambdaN = 0;
        long nw = 0;
        for (TensorSpec s : mats) {
            nw += s.size();
        }
        double[] allW = new double[Math.toIntExact(nw)];
        int off = 0;
        for (TensorSpec s : mats) {
            double[] v = run.values(s.name(), c);
            checkFinite(v, s.name(), c);
            System.arraycopy(v, 0, allW, off, v.length);
            off += v.length;
            int rows = (int) s.dim(0);
            int cols = (int) (s.size() / rows);
            int h = headsFor(s.name());
            List<double[]> blocks = new ArrayList<>();
            List<int[]> shapes = new ArrayList<>();
            if (h > 1) {
                if (rows % h != 0) {
                    throw new IllegalArgumentException("tensor " + s.name() + " has " + rows + " rows, not divisible into "
                            + h + " heads");
                }
                int hr = rows / h;
                for (int q = 0; q < h; q++) {
                    blocks.add(Arrays.copyOfRange(v, q * hr * cols, (q + 1) * hr * cols));
                    shapes.add(s.rank() == 3 ? new int[]{(int) s.dim(1), (int) s.dim(2)} : new int[]{hr, cols});
                }
            } else {
                blocks.add(v);
                shapes.add(new int[]{rows, cols});
            }
            for (int q = 0; q < blocks.size(); q++) {
                double[] m = matrixMetrics(blocks.get(q), shapes.get(q)[0], shapes.get(q)[1]);
                for (int i = 0; i < 7; i++) {
                    sum[i] += m[i];
                }
                if (!Double.isNaN(m[7])) {
                    varLambdaSum += m[7];
                    varLambdaN++;
                }
                nMat++;
            }
        }
        long nb = 0;
        for (TensorSpec s : biases) {
            nb += s.size();
        }
        double[] allB = new double[Math.toIntExact(nb)];
        off = 0;
        for (TensorSpec s : biases) {
            double[] v = run.values(s.name(), c);
            checkFinite(v, s.name(), c);
            System.arraycopy(v, 0, allB, off, v.length);
            off += v.length;
        }
        double[] f = new double[14];
        for (int i = 0; i < 7; i++) {
            f[i] = sum[i] / nMat;
        }
        f[7] = varLambdaN > 0 ? varLambdaSum / varLambdaN : Double.NaN;
        double[] ws = distribution(allW);
        double[] bs = biasFree ? new double[3] : distribution(allB);
        f[8] = ws[0];
        f[9] = ws[1];
        f[10] = ws[2];
        f[11] = bs[0];
        f[12] = bs[1];
        f[13] = bs[2];
        for (int i = 0; i < 14; i++) {
            if (!Double.isFinite(f[i])) {
                throw new IllegalArgumentException("feature " + BASE_FEATURES.get(i) + " is " + f[i] + " at checkpoint "
                        + c + " (e.g. a zero matrix gives 0/0 sparsities, a single bias gives no variance)");
            }
        }
        return f;
    }

    /**
     * Per-matrix metrics of a row-major {@code rows x cols} matrix: l1, l2, trace, spectral, code sparsity,
     * computational sparsity, mean sigma, unbiased var sigma (NaN with one singular value).
     */
    static double[] matrixMetrics(double[] x, int rows, int cols) {
        double l1 = 0;
        double l2 = 0;
        for (double v : x) {
            l1 += Math.abs(v);
            l2 += v * v;
        }
        l2 = Math.sqrt(l2);
        double trace = 0;
        for (int i = 0; i < Math.min(rows, cols); i++) {
            trace += x[i * cols + i];
        }
        double[] sv = singularValues(x, rows, cols);
        double spectral = 0;
        double mean = 0;
        for (double s : sv) {
            spectral = Math.max(spectral, s);
        }
        for (int i = 0; i < sv.length; i++) {
            if (sv[i] < SIGMA_ZERO) {
                sv[i] = 0;
            }
            mean += sv[i];
        }
        mean /= sv.length;
        double var = Double.NaN;
        if (sv.length > 1) {
            var = 0;
            for (double s : sv) {
                var += (s - mean) * (s - mean);
            }
            var /= sv.length - 1;
        }
        return new double[]{l1, l2, trace, spectral, l1 / l2, trace / spectral, mean, var};
    }

    /** Singular values (EJML), {@code min(rows, cols)} of them. */
    static double[] singularValues(double[] x, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols, true, x);
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(rows, cols, false, false, true);
        if (!svd.decompose(m)) {
            throw new IllegalStateException("SVD did not converge on a " + rows + "x" + cols + " matrix");
        }
        double[] s = svd.getSingularValues();
        return Arrays.copyOf(s, Math.min(rows, cols));
    }

    /** mean, lower median, unbiased variance. */
    static double[] distribution(double[] v) {
        double mean = 0;
        for (double x : v) {
            mean += x;
        }
        mean /= v.length;
        double var = 0;
        for (double x : v) {
            var += (x - mean) * (x - mean);
        }
        var = v.length > 1 ? var / (v.length - 1) : Double.NaN;
        double[] s = v.clone();
        Arrays.sort(s);
        double median = s[(s.length - 1) / 2];
        return new double[]{mean, median, var};
    }

    private int headsFor(String name) {
        for (int i = 0; i < headGlobs.size(); i++) {
            if (org.trainingdynamics.trajectory.Globs.matches(headGlobs.get(i), name)) {
                return heads.get(i);
            }
        }
        return 1;
    }

    private static boolean matches(String[] globs, String name) {
        for (String g : globs) {
            if (org.trainingdynamics.trajectory.Globs.matches(g, name)) {
                return true;
            }
        }
        return false;
    }

    private static void checkFinite(double[] v, String tensor, int c) {
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new IllegalArgumentException("tensor " + tensor + " has non-finite value " + v[i] + " at checkpoint "
                        + c + ", index " + i);
            }
        }
    }

    /**
     * Z-scores every column within one run ({@code scipy.stats.zscore}, ddof 0), as the paper does before fitting
     * (so the HMM sees each run's shape over time). A constant column becomes zeros (scipy gives NaN and the released
     * pipeline would drop the run).
     */
    public static double[][] zscore(double[][] f) {
        int t = f.length;
        int d = f[0].length;
        double[][] z = new double[t][d];
        for (int j = 0; j < d; j++) {
            double m = 0;
            for (double[] r : f) {
                m += r[j];
            }
            m /= t;
            double v = 0;
            for (double[] r : f) {
                v += (r[j] - m) * (r[j] - m);
            }
            double sd = Math.sqrt(v / t);
            for (int i = 0; i < t; i++) {
                z[i][j] = sd > 0 ? (f[i][j] - m) / sd : 0;
            }
        }
        return z;
    }

    /** Feature values per checkpoint: names, values [T][F], optimiser steps. */
    public record Features(List<String> names, double[][] values, long[] steps) {
        /** The z-scored features (within this run). */
        public double[][] zscored() {
            return zscore(values);
        }

        /** Only the named columns, in the given order. */
        public Features select(List<String> keep) {
            int[] idx = new int[keep.size()];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = names.indexOf(keep.get(i));
                if (idx[i] < 0) {
                    throw new IllegalArgumentException("no feature '" + keep.get(i) + "'; features are " + names);
                }
            }
            double[][] v = new double[values.length][idx.length];
            for (int t = 0; t < values.length; t++) {
                for (int i = 0; i < idx.length; i++) {
                    v[t][i] = values[t][idx[i]];
                }
            }
            return new Features(List.copyOf(keep), v, steps);
        }

        /** A table: checkpoint, step and one column per feature. */
        public Table toTable() {
            Table tb = Table.create("training-metrics");
            IntColumn cp = IntColumn.create("checkpoint");
            for (int t = 0; t < values.length; t++) {
                cp.append(t);
            }
            tb.addColumns(cp, tech.tablesaw.api.LongColumn.create("step", steps));
            for (int j = 0; j < names.size(); j++) {
                DoubleColumn c = DoubleColumn.create(names.get(j));
                for (double[] r : values) {
                    c.append(r[j]);
                }
                tb.addColumns(c);
            }
            return tb;
        }
    }

    /** Builder: which tensors are matrices, biases, and per-head projections. */
    public static final class Builder {
        private String[] weightGlobs = {"*"};
        private String[] biasGlobs = {"*bias*"};
        private final List<String> headGlobs = new ArrayList<>();
        private final List<Integer> heads = new ArrayList<>();
        private boolean biasFree;

        private Builder() {
        }

        /** Globs of the weight tensors (rank &ge; 2) to use as matrices (default all). */
        public Builder weights(String... globs) {
            this.weightGlobs = globs.clone();
            return this;
        }

        /** Globs of the bias tensors (rank 1; default {@code *bias*}). */
        public Builder biases(String... globs) {
            this.biasGlobs = globs.clone();
            return this;
        }

        /**
         * For networks without bias vectors (e.g. the grokking MLP): extract the 11 {@link #WEIGHT_FEATURES} only; a
         * trajectory that does have biases is rejected rather than silently ignoring them.
         */
        public Builder noBiases() {
            this.biasFree = true;
            return this;
        }

        /** Treat tensors matching {@code glob} as {@code heads} per-head matrices (the transformer's Q/K/V). */
        public Builder perHead(String glob, int heads) {
            if (heads < 1) {
                throw new IllegalArgumentException("heads must be >= 1, got " + heads);
            }
            this.headGlobs.add(glob);
            this.heads.add(heads);
            return this;
        }

        /** Builds. */
        public TrainingMetrics build() {
            return new TrainingMetrics(this);
        }
    }
}
