package org.trainingdynamics.hmm;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.trainingdynamics.study.Progress;
import org.trainingdynamics.viz.Figures;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * Choice of the number of states (Hu et al. 2023 §2.2, {@code scripts/04_train_hmm/model_selection.py}): for each
 * K, {@code restarts} seeded fits on the training runs; each is scored on held-out runs; per K the table keeps mean
 * and standard deviation of the held-out log-likelihood and, for the fit with the best held-out log-likelihood (the
 * model the paper keeps), BIC and AIC on the training frames and on the held-out frames (the paper computes them
 * on the held-out runs). The paper chooses K by eye; {@link Result#bestByHeldOut()} and {@link Result#bestByBic()}
 * are offered alongside.
 */
public final class ModelSelection {
    private final HmmConfig template;
    private final int minStates;
    private final int maxStates;
    private final int restarts;
    private final long seed;

    private ModelSelection(HmmConfig template, int minStates, int maxStates, int restarts, long seed) {
        this.template = template;
        this.minStates = minStates;
        this.maxStates = maxStates;
        this.restarts = restarts;
        this.seed = seed;
    }

    /**
     * Selection over {@code minStates..maxStates} with {@code restarts} fits per K (the paper: 1..8, 5); the other
     * settings (covariance, iterations, tol, priors) come from {@code template} (its states, restarts and seed are
     * replaced).
     */
    public static ModelSelection of(HmmConfig.Builder template, int minStates, int maxStates, int restarts, long seed) {
        if (minStates < 1 || maxStates < minStates) {
            throw new IllegalArgumentException("state range " + minStates + ".." + maxStates + " is empty or below 1");
        }
        if (restarts < 1) {
            throw new IllegalArgumentException("restarts must be >= 1, got " + restarts);
        }
        return new ModelSelection(template.states(minStates).restarts(1).build(), minStates, maxStates, restarts, seed);
    }

    /**
     * Splits {@code runs} run indices (sorted) into training and held-out sets with a seeded shuffle; the paper uses
     * 80/20 ({@code train_test_split(random_state=0)}).
     */
    public static int[][] split(int runs, double testFraction, long seed) {
        if (runs < 2) {
            throw new IllegalArgumentException("held-out selection needs at least 2 runs, got " + runs);
        }
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("test fraction must be in (0, 1), got " + testFraction);
        }
        int nTest = Math.max(1, Math.min(runs - 1, (int) Math.ceil(testFraction * runs)));
        int[] idx = new int[runs];
        for (int i = 0; i < runs; i++) {
            idx[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = runs - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        int[] test = java.util.Arrays.copyOfRange(idx, 0, nTest);
        int[] train = java.util.Arrays.copyOfRange(idx, nTest, runs);
        java.util.Arrays.sort(test);
        java.util.Arrays.sort(train);
        return new int[][]{train, test};
    }

    /** Runs the selection: fits on {@code train}, scores on {@code test}. */
    public Result run(Sequences train, Sequences test) {
        List<Row> rows = new ArrayList<>();
        List<GaussianHmm> best = new ArrayList<>();
        SplittableRandom root = new SplittableRandom(seed);
        try (Progress p = Progress.start("HMM model selection", (long) (maxStates - minStates + 1) * restarts)) {
            for (int k = minStates; k <= maxStates; k++) {
                double[] ll = new double[restarts];
                int failed = 0;
                GaussianHmm bestModel = null;
                double bestLl = Double.NEGATIVE_INFINITY;
                double bestTrain = Double.NaN;
                for (int r = 0; r < restarts; r++) {
                    long s = root.nextLong();
                    try {
                        HmmFit fit = template.toBuilder().states(k).restarts(1).seed(s).build().fit(train, false);
                        ll[r] = fit.model().score(test);
                        if (ll[r] > bestLl || bestModel == null) {
                            bestLl = ll[r];
                            bestModel = fit.model();
                            bestTrain = fit.score();
                        }
                    } catch (IllegalStateException | IllegalArgumentException e) {
                        ll[r] = Double.NaN;
                        failed++;
                    }
                    p.step();
                }
                double mean = 0;
                double sq = 0;
                int n = 0;
                for (double v : ll) {
                    if (!Double.isNaN(v)) {
                        mean += v;
                        n++;
                    }
                }
                mean = n > 0 ? mean / n : Double.NaN;
                for (double v : ll) {
                    if (!Double.isNaN(v)) {
                        sq += (v - mean) * (v - mean);
                    }
                }
                double std = n > 0 ? Math.sqrt(sq / n) : Double.NaN;
                if (bestModel == null) {
                    rows.add(new Row(k, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                            Double.NaN, Double.NaN, 0, failed));
                } else {
                    rows.add(new Row(k, mean, std, bestLl, bestTrain, bestModel.bic(train), bestModel.aic(train),
                            bestModel.bic(test), bestModel.aic(test), bestModel.freeParameters(), failed));
                }
                best.add(bestModel);
            }
        }
        return new Result(rows, best);
    }

    /** One K of the selection table. */
    public record Row(int states, double heldOutMean, double heldOutStd, double heldOutBest, double trainLogLik,
                      double bicTrain, double aicTrain, double bicTest, double aicTest, int freeParameters,
                      int failedRestarts) {
    }

    /** The selection table and the best-held-out model per K. */
    public record Result(List<Row> rows, List<GaussianHmm> models) {

        /** K with the highest mean held-out log-likelihood. */
        public int bestByHeldOut() {
            Row best = null;
            for (Row r : rows) {
                if (!Double.isNaN(r.heldOutMean) && (best == null || r.heldOutMean > best.heldOutMean)) {
                    best = r;
                }
            }
            return best == null ? -1 : best.states;
        }

        /** K with the lowest training BIC. */
        public int bestByBic() {
            Row best = null;
            for (Row r : rows) {
                if (!Double.isNaN(r.bicTrain) && (best == null || r.bicTrain < best.bicTrain)) {
                    best = r;
                }
            }
            return best == null ? -1 : best.states;
        }

        /** The best-held-out model fitted with {@code k} states (null if every restart failed). */
        public GaussianHmm model(int k) {
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i).states == k) {
                    return models.get(i);
                }
            }
            throw new IllegalArgumentException("no selection row for K=" + k);
        }

        /** The table: one row per K. */
        public Table toTable() {
            IntColumn k = IntColumn.create("states");
            DoubleColumn mean = DoubleColumn.create("heldout_loglik_mean");
            DoubleColumn std = DoubleColumn.create("heldout_loglik_std");
            DoubleColumn best = DoubleColumn.create("heldout_loglik_best");
            DoubleColumn train = DoubleColumn.create("train_loglik");
            DoubleColumn bic = DoubleColumn.create("bic_train");
            DoubleColumn aic = DoubleColumn.create("aic_train");
            DoubleColumn bicT = DoubleColumn.create("bic_heldout");
            DoubleColumn aicT = DoubleColumn.create("aic_heldout");
            IntColumn p = IntColumn.create("free_parameters");
            IntColumn f = IntColumn.create("failed_restarts");
            for (Row r : rows) {
                k.append(r.states);
                mean.append(r.heldOutMean);
                std.append(r.heldOutStd);
                best.append(r.heldOutBest);
                train.append(r.trainLogLik);
                bic.append(r.bicTrain);
                aic.append(r.aicTrain);
                bicT.append(r.bicTest);
                aicT.append(r.aicTest);
                p.append(r.freeParameters);
                f.append(r.failedRestarts);
            }
            return Table.create("hmm-model-selection", k, mean, std, best, train, bic, aic, bicT, aicT, p, f);
        }

        /** Mean held-out log-likelihood per K with ±1 std error bars (the paper's selection plot). */
        public XYChart heldOutChart() {
            XYChart c = Figures.xy("HMM model selection: held-out log-likelihood", "states K", "log-likelihood");
            double[] x = rows.stream().mapToDouble(Row::states).toArray();
            double[] y = rows.stream().mapToDouble(Row::heldOutMean).toArray();
            double[] e = rows.stream().mapToDouble(Row::heldOutStd).toArray();
            XYSeries s = c.addSeries("held-out mean ± std", x, y, e);
            s.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.CIRCLE);
            c.getStyler().setMarkerSize(6);
            return c;
        }

        /** Training BIC and AIC per K. */
        public XYChart criteriaChart() {
            XYChart c = Figures.xy("HMM model selection: information criteria", "states K", "criterion");
            double[] x = rows.stream().mapToDouble(Row::states).toArray();
            c.addSeries("BIC (train)", x, rows.stream().mapToDouble(Row::bicTrain).toArray());
            c.addSeries("AIC (train)", x, rows.stream().mapToDouble(Row::aicTrain).toArray());
            return c;
        }
    }
}
