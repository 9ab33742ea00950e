package org.trainingdynamics.spectral;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Result of {@link SpectralDynamics#run}: per matrix × checkpoint the singular values, the scalar metrics
 * (Yunis et al.'s ranks, Gini, norms, SVA score; WeightWatcher's ESD metrics prefixed {@code esd_}), the
 * power-law fits, the SVA diagonals against the final checkpoint, and per alignment pair × checkpoint the
 * alignment diagonal and score. Immutable; arrays are returned as copies.
 */
public final class SpectralResult {

    private final List<WeightMatrix> matrices;
    private final List<AlignmentPair> pairs;
    private final long[] steps;
    private final double[][][] sigma;
    private final List<String> metricNames;
    private final double[][][] metrics; // [metric][matrix][t]
    private final PowerLawFit[][] fits;
    private final double[][][] esdEvals;
    private final double[][][] svaDiag;
    private final double[][][] alignDiag;
    private final int scoreK;

    private SpectralResult(List<WeightMatrix> matrices, List<AlignmentPair> pairs, long[] steps, double[][][] sigma,
                           List<String> metricNames, double[][][] metrics, PowerLawFit[][] fits, double[][][] esdEvals,
                           double[][][] svaDiag, double[][][] alignDiag, int scoreK) {
        this.matrices = List.copyOf(matrices);
        this.pairs = List.copyOf(pairs);
        this.steps = steps.clone();
        this.sigma = sigma;
        this.metricNames = List.copyOf(metricNames);
        this.metrics = metrics;
        this.fits = fits;
        this.esdEvals = esdEvals;
        this.svaDiag = svaDiag;
        this.alignDiag = alignDiag;
        this.scoreK = scoreK;
    }

    static SpectralResult assemble(List<WeightMatrix> mats, List<AlignmentPair> pairs, long[] steps,
                                   SpectralDynamics.CheckpointSpectra[] per, int scoreK) {
        int nm = mats.size();
        int nt = per.length;
        Set<String> names = new LinkedHashSet<>();
        for (SpectralDynamics.CheckpointSpectra c : per) {
            c.metrics().forEach(m -> names.addAll(m.keySet()));
        }
        List<String> metricNames = new ArrayList<>(names);
        double[][][] metrics = new double[metricNames.size()][nm][nt];
        double[][][] sigma = new double[nm][nt][];
        PowerLawFit[][] fits = new PowerLawFit[nm][nt];
        double[][][] esd = new double[nm][nt][];
        double[][][] sva = new double[nm][nt][];
        double[][][] align = new double[pairs.size()][nt][];
        for (int t = 0; t < nt; t++) {
            SpectralDynamics.CheckpointSpectra c = per[t];
            for (int i = 0; i < nm; i++) {
                sigma[i][t] = c.sigma()[i];
                fits[i][t] = c.fits()[i];
                esd[i][t] = c.esdEvals()[i];
                sva[i][t] = c.svaDiag()[i];
                for (int k = 0; k < metricNames.size(); k++) {
                    metrics[k][i][t] = c.metrics().get(i).getOrDefault(metricNames.get(k), Double.NaN);
                }
            }
            for (int p = 0; p < pairs.size(); p++) {
                align[p][t] = c.alignDiag()[p];
            }
        }
        return new SpectralResult(mats, pairs, steps, sigma, metricNames, metrics, fits, esd, sva, align, scoreK);
    }

    /** The analysed matrices. */
    public List<WeightMatrix> matrices() {
        return matrices;
    }

    /** Matrix names in order. */
    public List<String> layers() {
        return matrices.stream().map(WeightMatrix::name).toList();
    }

    /** The alignment pairs. */
    public List<AlignmentPair> pairs() {
        return pairs;
    }

    /** Optimiser step of each checkpoint. */
    public long[] steps() {
        return steps.clone();
    }

    /** Number of checkpoints. */
    public int checkpointCount() {
        return steps.length;
    }

    /** Names of the scalar metrics, in table order. */
    public List<String> metricNames() {
        return metricNames;
    }

    /** Singular values (descending) of a matrix at checkpoint t. */
    public double[] singularValues(String layer, int t) {
        return sigma[layerIndex(layer)][t].clone();
    }

    /** One metric of a matrix over checkpoints (NaN where it is undefined, e.g. α of a tail-less spectrum). */
    public double[] metric(String layer, String metric) {
        return metrics[metricIndex(metric)][layerIndex(layer)].clone();
    }

    /** The power-law fit of a matrix's ESD at checkpoint t, or null when the spectrum has no fittable tail. */
    public PowerLawFit fit(String layer, int t) {
        return fits[layerIndex(layer)][t];
    }

    /** The ESD eigenvalues of a matrix at t: σ², or the pooled (½-scaled) conv-tap eigenvalues when pooled. */
    public double[] eigenvalues(String layer, int t) {
        int i = layerIndex(layer);
        if (esdEvals[i][t] != null) {
            return esdEvals[i][t].clone();
        }
        return Arrays.stream(sigma[i][t]).map(x -> x * x).toArray();
    }

    /** SVA diagonal {@code |⟨u_i(t),u_i(T)⟩⟨v_i(t),v_i(T)⟩|}, i < k, of a matrix at t. */
    public double[] svaDiagonal(String layer, int t) {
        double[] d = svaDiag[layerIndex(layer)][t];
        if (d == null) {
            throw new IllegalStateException("no singular vectors were computed (values-only configuration)");
        }
        return d.clone();
    }

    /** Alignment diagonal of a pair (by {@link AlignmentPair#name()}) at t. */
    public double[] alignmentDiagonal(String pair, int t) {
        return alignDiag[pairIndex(pair)][t].clone();
    }

    /** Alignment score (mean of the first scoreK diagonal entries) of a pair over checkpoints. */
    public double[] alignmentScore(String pair) {
        int p = pairIndex(pair);
        double[] out = new double[steps.length];
        for (int t = 0; t < out.length; t++) {
            out[t] = SpectralDynamics.mean(alignDiag[p][t], scoreK);
        }
        return out;
    }

    /** Long table: {@code layer, checkpoint, step, metric, value}; alignment scores have layer {@code a->b}. */
    public Table toTable() {
        StringColumn layer = StringColumn.create("layer");
        IntColumn ck = IntColumn.create("checkpoint");
        LongColumn step = LongColumn.create("step");
        StringColumn metric = StringColumn.create("metric");
        DoubleColumn value = DoubleColumn.create("value");
        for (int i = 0; i < matrices.size(); i++) {
            for (int t = 0; t < steps.length; t++) {
                for (int k = 0; k < metricNames.size(); k++) {
                    double v = metrics[k][i][t];
                    if (Double.isFinite(v)) {
                        layer.append(matrices.get(i).name());
                        ck.append(t);
                        step.append(steps[t]);
                        metric.append(metricNames.get(k));
                        value.append(v);
                    }
                }
            }
        }
        for (AlignmentPair p : pairs) {
            double[] s = alignmentScore(p.name());
            for (int t = 0; t < steps.length; t++) {
                layer.append(p.name());
                ck.append(t);
                step.append(steps[t]);
                metric.append("align_score");
                value.append(s[t]);
            }
        }
        return Table.create("spectral", layer, ck, step, metric, value);
    }

    /** Long table of singular values: {@code layer, checkpoint, step, index, sigma}. */
    public Table singularValuesTable() {
        StringColumn layer = StringColumn.create("layer");
        IntColumn ck = IntColumn.create("checkpoint");
        LongColumn step = LongColumn.create("step");
        IntColumn idx = IntColumn.create("index");
        DoubleColumn value = DoubleColumn.create("sigma");
        for (int i = 0; i < matrices.size(); i++) {
            for (int t = 0; t < steps.length; t++) {
                double[] s = sigma[i][t];
                for (int j = 0; j < s.length; j++) {
                    layer.append(matrices.get(i).name());
                    ck.append(t);
                    step.append(steps[t]);
                    idx.append(j);
                    value.append(s[j]);
                }
            }
        }
        return Table.create("singular_values", layer, ck, step, idx, value);
    }

    /** One metric as a wide table: {@code checkpoint, step}, then one column per matrix. */
    public Table wide(String metric) {
        int k = metricIndex(metric);
        Table t = Table.create(metric, IntColumn.indexColumn("checkpoint", steps.length, 0),
                LongColumn.create("step", steps));
        for (int i = 0; i < matrices.size(); i++) {
            t.addColumns(DoubleColumn.create(matrices.get(i).name(), metrics[k][i]));
        }
        return t;
    }

    int layerIndex(String layer) {
        for (int i = 0; i < matrices.size(); i++) {
            if (matrices.get(i).name().equals(layer)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no matrix '" + layer + "'; matrices are " + layers());
    }

    private int metricIndex(String metric) {
        int k = metricNames.indexOf(metric);
        if (k < 0) {
            throw new IllegalArgumentException("no metric '" + metric + "'; metrics are " + metricNames);
        }
        return k;
    }

    private int pairIndex(String pair) {
        for (int p = 0; p < pairs.size(); p++) {
            if (pairs.get(p).name().equals(pair)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no alignment pair '" + pair + "'; pairs are "
                + pairs.stream().map(AlignmentPair::name).toList());
    }

    int scoreK() {
        return scoreK;
    }
}
