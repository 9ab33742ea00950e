package org.trainingdynamics.koopman;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.trainingdynamics.trajectory.Trajectory;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;

/**
 * Koopman observables g(θ_t) of training runs, turned into {@link Snapshots} (Redman et al. use the raw
 * weights of a layer, or their PCA projection for transformers; §1.2 of research/koopman.md).
 */
public final class Observables {
    private Observables() {
    }

    /** A function of one checkpoint of a run returning the observable vector (same length for every call). */
    @FunctionalInterface
    public interface CheckpointFunction {
        double[] apply(Trajectory run, int checkpoint);
    }

    /** Raw weights: every parameter of the tensors matching the globs (all tensors when none are given). */
    public static Snapshots weights(List<? extends Trajectory> runs, String... globs) {
        List<Trajectory> l = new ArrayList<>();
        for (Trajectory t : runs) {
            l.add(globs.length == 0 ? t : t.select(globs));
        }
        return Snapshots.of(l);
    }

    /**
     * A user function of each checkpoint (e.g. a layer's singular values, a norm, predictions on a probe set).
     */
    public static Snapshots function(List<? extends Trajectory> runs, CheckpointFunction f) {
        double[][][] out = new double[runs.size()][][];
        int dim = -1;
        for (int r = 0; r < runs.size(); r++) {
            Trajectory run = runs.get(r);
            int t = run.checkpointCount();
            for (int c = 0; c < t; c++) {
                double[] v = f.apply(run, c);
                if (dim < 0) {
                    dim = v.length;
                }
                if (v.length != dim || dim == 0) {
                    throw new IllegalArgumentException("observable function returned " + v.length + " values at run " + r
                            + ", checkpoint " + c + "; expected " + dim + " (and at least 1)");
                }
                if (out[r] == null) {
                    out[r] = new double[dim][t];
                }
                for (int i = 0; i < dim; i++) {
                    out[r][i][c] = v[i];
                }
            }
        }
        return Snapshots.ofMatrices(out);
    }

    /**
     * Metric columns (e.g. {@code train_loss}, {@code test_acc}) at each checkpoint: the metrics row whose
     * {@code step} equals the checkpoint's step must exist.
     */
    public static Snapshots metrics(List<? extends Trajectory> runs, String... columns) {
        if (columns.length == 0) {
            throw new IllegalArgumentException("name at least one metric column");
        }
        double[][][] out = new double[runs.size()][][];
        for (int r = 0; r < runs.size(); r++) {
            Trajectory run = runs.get(r);
            Table m = run.metrics();
            Map<Long, Integer> row = new HashMap<>();
            NumericColumn<?> step = m.numberColumn("step");
            for (int i = 0; i < m.rowCount(); i++) {
                row.put((long) step.getDouble(i), i);
            }
            long[] steps = run.steps();
            out[r] = new double[columns.length][steps.length];
            for (int c = 0; c < columns.length; c++) {
                if (!m.columnNames().contains(columns[c])) {
                    throw new IllegalArgumentException("run " + r + " has no metric column '" + columns[c]
                            + "'; columns are " + m.columnNames());
                }
                NumericColumn<?> col = m.numberColumn(columns[c]);
                for (int t = 0; t < steps.length; t++) {
                    Integer i = row.get(steps[t]);
                    if (i == null) {
                        throw new IllegalArgumentException("run " + r + " has no metrics row for step " + steps[t]
                                + " (checkpoint " + t + ")");
                    }
                    out[r][c][t] = col.getDouble(i);
                }
            }
        }
        return Snapshots.ofMatrices(out);
    }

    /**
     * PCA projection to k dimensions fitted on all runs pooled, as the paper's {@code dim_reduction}: the
     * principal axes are those of the centred snapshots x_0 … x_{T−2} of every run (the DMD "X" columns), and
     * every snapshot is projected <em>without</em> centring, s_t = Pᵀ θ_t, as the released code does. Computed
     * from one streamed Gram pass (the N × k axes are never formed).
     */
    public static Snapshots pca(int k, List<? extends Trajectory> runs, String... globs) {
        Snapshots raw = weights(runs, globs);
        int m = raw.columns();
        int[] lens = raw.lengths();
        List<Integer> fitCols = new ArrayList<>();
        int off = 0;
        for (int len : lens) {
            for (int t = 0; t < len - 1; t++) {
                fitCols.add(off + t);
            }
            off += len;
        }
        int p = fitCols.size();
        if (k < 1 || k > Math.min(p - 1, raw.rows())) {
            throw new IllegalArgumentException("PCA dimension must be in [1, " + Math.min(p - 1, raw.rows()) + "], got " + k);
        }
        double[] g = StreamedGram.compute(raw, 4096);
        // centred Gram of the fit columns: Gc = J Gp J
        double[][] gp = new double[p][p];
        for (int a = 0; a < p; a++) {
            for (int b = 0; b < p; b++) {
                gp[a][b] = g[fitCols.get(a) * m + fitCols.get(b)];
            }
        }
        double[] rowMean = new double[p];
        double all = 0;
        for (int a = 0; a < p; a++) {
            for (int b = 0; b < p; b++) {
                rowMean[a] += gp[a][b] / p;
            }
            all += rowMean[a] / p;
        }
        DMatrixRMaj gc = new DMatrixRMaj(p, p);
        for (int a = 0; a < p; a++) {
            for (int b = 0; b < p; b++) {
                gc.set(a, b, gp[a][b] - rowMean[a] - rowMean[b] + all);
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(p, true, true);
        if (!eig.decompose(gc)) {
            throw new IllegalStateException("PCA eigen-decomposition failed");
        }
        Integer[] idx = new Integer[p];
        for (int i = 0; i < p; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (x, y) -> Double.compare(eig.getEigenvalue(y).real, eig.getEigenvalue(x).real));
        // scores of column j: Λ^{-1/2} V_kᵀ J Gp[:, j]  with Gp[:, j] = Zpᵀ z_j
        double[][] coef = new double[k][p];
        for (int c = 0; c < k; c++) {
            double lam = eig.getEigenvalue(idx[c]).real;
            if (!(lam > 0)) {
                throw new IllegalArgumentException("pooled snapshots have fewer than " + k + " principal directions");
            }
            DMatrixRMaj v = eig.getEigenVector(idx[c]);
            double vm = 0;
            for (int a = 0; a < p; a++) {
                vm += v.get(a, 0) / p;
            }
            for (int a = 0; a < p; a++) {
                coef[c][a] = (v.get(a, 0) - vm) / Math.sqrt(lam);
            }
        }
        double[][][] out = new double[lens.length][][];
        off = 0;
        for (int r = 0; r < lens.length; r++) {
            out[r] = new double[k][lens[r]];
            for (int t = 0; t < lens[r]; t++) {
                int j = off + t;
                for (int c = 0; c < k; c++) {
                    double s = 0;
                    for (int a = 0; a < p; a++) {
                        s += coef[c][a] * g[fitCols.get(a) * m + j];
                    }
                    out[r][c][t] = s;
                }
            }
            off += lens[r];
        }
        return Snapshots.ofMatrices(out);
    }
}
