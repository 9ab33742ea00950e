package org.trainingdynamics.spectral;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.trainingdynamics.viz.Figures;

/**
 * XChart figures of a {@link SpectralResult}, after Yunis et al.'s {@code plot_run.py}: σ_i(t) per layer,
 * layer × checkpoint heat-maps of a metric (effective rank, SVA score, Gini), SVA and alignment diagonals
 * (rank × checkpoint), and the ESD with its fitted power-law tail (WeightWatcher).
 */
public final class SpectralCharts {

    private static final Color[] VIRIDIS = {new Color(68, 1, 84), new Color(59, 82, 139), new Color(33, 145, 140),
        new Color(94, 201, 98), new Color(253, 231, 37)};

    private SpectralCharts() {
    }

    /** The top {@code count} singular values of one matrix against the optimiser step. */
    public static XYChart singularValues(SpectralResult r, String layer, int count) {
        XYChart c = Figures.xy("Singular values: " + layer, "step", "σ_i");
        double[] x = Arrays.stream(r.steps()).asDoubleStream().toArray();
        int n = Math.min(count, r.singularValues(layer, 0).length);
        for (int i = 0; i < n; i++) {
            double[] y = new double[x.length];
            for (int t = 0; t < x.length; t++) {
                y[t] = r.singularValues(layer, t)[i];
            }
            c.addSeries("σ" + (i + 1), x, y).setShowInLegend(i < 5);
        }
        return c;
    }

    /** Heat-map of one metric, layers (rows) × checkpoints (columns, labelled by step). */
    public static HeatMapChart metricHeatMap(SpectralResult r, String metric) {
        List<String> layers = r.layers();
        double[][] v = new double[layers.size()][];
        for (int i = 0; i < layers.size(); i++) {
            v[i] = r.metric(layers.get(i), metric);
        }
        return heat(metric + " (layer × checkpoint)", stepLabels(r), layers, v);
    }

    /** SVA diagonal of one matrix, singular vector index (rows) × checkpoint. */
    public static HeatMapChart svaDiagonal(SpectralResult r, String layer) {
        int k = r.svaDiagonal(layer, 0).length;
        double[][] v = new double[k][r.checkpointCount()];
        for (int t = 0; t < r.checkpointCount(); t++) {
            double[] d = r.svaDiagonal(layer, t);
            for (int i = 0; i < k; i++) {
                v[i][t] = d[i];
            }
        }
        return heat("SVA diagonal: " + layer, stepLabels(r), indexLabels(k), v);
    }

    /** Alignment diagonal of one pair, index (rows) × checkpoint. */
    public static HeatMapChart alignmentDiagonal(SpectralResult r, String pair) {
        int k = r.alignmentDiagonal(pair, 0).length;
        double[][] v = new double[k][r.checkpointCount()];
        for (int t = 0; t < r.checkpointCount(); t++) {
            double[] d = r.alignmentDiagonal(pair, t);
            for (int i = 0; i < k; i++) {
                v[i][t] = d[i];
            }
        }
        return heat("Alignment diagonal: " + pair, stepLabels(r), indexLabels(k), v);
    }

    /**
     * ESD of one matrix at checkpoint t as a log-log complementary CDF {@code P(Λ ≥ λ)}, with the fitted
     * power law {@code (n_tail/n)(λ/xmin)^{1−α}} over the tail.
     */
    public static XYChart esd(SpectralResult r, String layer, int t) {
        double[] lam = Arrays.stream(r.eigenvalues(layer, t)).filter(x -> x > PowerLawFit.EVALS_THRESHOLD).sorted().toArray();
        int n = lam.length;
        XYChart c = Figures.xy("ESD " + layer + " (step " + r.steps()[t] + ")", "λ = σ²", "P(Λ ≥ λ)");
        c.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = (n - i) / (double) n;
        }
        XYSeries s = c.addSeries("empirical", lam, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setMarkerSize(4);
        PowerLawFit f = r.fit(layer, t);
        if (f != null) {
            List<Double> fx = new ArrayList<>();
            List<Double> fy = new ArrayList<>();
            for (double l : lam) {
                if (l >= f.xmin()) {
                    fx.add(l);
                    fy.add(f.tailCount() / (double) n * Math.pow(l / f.xmin(), 1 - f.alpha()));
                }
            }
            XYSeries line = c.addSeries(String.format("power law α = %.2f ± %.2f (xmin = %.3g)", f.alpha(), f.sigma(), f.xmin()),
                    fx, fy);
            line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            line.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        }
        return c;
    }

    private static HeatMapChart heat(String title, List<String> x, List<String> y, double[][] v) {
        HeatMapChart c = new HeatMapChartBuilder().width(Figures.WIDTH).height(Figures.HEIGHT).title(title).build();
        c.getStyler().setRangeColors(VIRIDIS).setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setXAxisLabelRotation(90);
        c.getStyler().setHeatMapValueDecimalPattern("0.000");
        List<Number[]> data = new ArrayList<>();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < y.size(); i++) {
            for (int j = 0; j < x.size(); j++) {
                double val = v[i][j];
                if (Double.isFinite(val)) {
                    data.add(new Number[]{j, i, val});
                    min = Math.min(min, val);
                    max = Math.max(max, val);
                }
            }
        }
        if (data.isEmpty()) {
            throw new IllegalArgumentException("nothing to plot in '" + title + "': all values undefined");
        }
        c.getStyler().setMin(min).setMax(max == min ? min + 1e-12 : max);
        c.addSeries(title, x, y, data);
        return c;
    }

    private static List<String> stepLabels(SpectralResult r) {
        return Arrays.stream(r.steps()).mapToObj(Long::toString).toList();
    }

    private static List<String> indexLabels(int k) {
        List<String> l = new ArrayList<>();
        for (int i = 1; i <= k; i++) {
            l.add(Integer.toString(i));
        }
        return l;
    }
}
