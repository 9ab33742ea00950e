package org.trainingdynamics.koopman;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.trainingdynamics.viz.Figures;

/** XChart figures of Koopman spectra and spectral-distance matrices (Redman et al. Figs. 2–5 style). */
public final class KoopmanFigures {
    private KoopmanFigures() {
    }

    /** Eigenvalues of each named spectrum as markers on the complex plane, with the unit circle dashed. */
    public static XYChart unitCircle(String title, Map<String, KoopmanSpectrum> spectra) {
        XYChart c = new XYChartBuilder().width(Figures.HEIGHT + 80).height(Figures.HEIGHT).title(title)
                .xAxisTitle("Re λ").yAxisTitle("Im λ").theme(Styler.ChartTheme.Matlab).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setMarkerSize(8);
        int n = 200;
        double[] cx = new double[n + 1];
        double[] cy = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            cx[i] = Math.cos(2 * Math.PI * i / n);
            cy[i] = Math.sin(2 * Math.PI * i / n);
        }
        XYSeries circle = c.addSeries("unit circle", cx, cy);
        circle.setMarker(SeriesMarkers.NONE);
        circle.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        circle.setLineColor(java.awt.Color.GRAY);
        var markers = List.of(SeriesMarkers.CIRCLE, SeriesMarkers.TRIANGLE_UP, SeriesMarkers.DIAMOND,
                SeriesMarkers.SQUARE, SeriesMarkers.CROSS);
        int k = 0;
        for (var e : spectra.entrySet()) {
            XYSeries s = c.addSeries(e.getKey(), e.getValue().re(), e.getValue().im());
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(markers.get(k++ % markers.size()));
        }
        c.getStyler().setXAxisMin(-1.25).setXAxisMax(1.25).setYAxisMin(-1.25).setYAxisMax(1.25);
        return c;
    }

    /**
     * A heat map of a square distance matrix (e.g. window-to-window spectral distances), optionally log10; the colour
     * scale spans the off-diagonal cells and the (zero) diagonal is drawn at its minimum.
     */
    public static HeatMapChart distanceHeatMap(String title, double[][] d, boolean log10) {
        HeatMapChart c = new HeatMapChartBuilder().width(Figures.WIDTH).height(Figures.HEIGHT).title(title)
                .xAxisTitle("window").yAxisTitle("window").build();
        List<Integer> xs = new ArrayList<>();
        for (int i = 0; i < d.length; i++) {
            xs.add(i);
        }
        List<Number[]> cells = new ArrayList<>();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < d.length; i++) {
            for (int j = 0; j < d.length; j++) {
                if (i != j) {
                    double v = log10 ? Math.log10(Math.max(d[i][j], 1e-16)) : d[i][j];
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (d.length < 2) {
            min = 0;
            max = 0;
        }
        // the zero diagonal is drawn at the colour-scale minimum so that it does not swamp the off-diagonal range
        for (int i = 0; i < d.length; i++) {
            for (int j = 0; j < d.length; j++) {
                double v = i == j ? min : log10 ? Math.log10(Math.max(d[i][j], 1e-16)) : d[i][j];
                cells.add(new Number[]{i, j, v});
            }
        }
        c.addSeries(log10 ? "log10 W" : "W", xs, xs, cells);
        // XChart's gradient lookup overflows when a cell equals the maximum: pad the range slightly
        double pad = Math.max(1e-9, 1e-6 * (max - min));
        c.getStyler().setMin(min - pad).setMax(max + pad);
        c.getStyler().setShowValue(false);
        return c;
    }
}
