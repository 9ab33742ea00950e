package org.trainingdynamics.cmd;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import org.trainingdynamics.viz.Figures;

/** XChart figures of CMD results (plotting lives here, never in the algorithm). */
public final class CmdFigures {
    private CmdFigures() {
    }

    /**
     * Heat-map of the sample's |corr| matrix with rows and columns ordered by mode (the block structure
     * of the paper's Fig. 1 / the official README image); at most {@code maxSide} evenly spaced sampled
     * parameters are shown.
     */
    public static HeatMapChart correlationHeatmap(CmdResult r, int maxSide) {
        if (maxSide < 2) {
            throw new IllegalArgumentException("heat-map side must be >= 2, got " + maxSide);
        }
        int[] sm = r.sampleModes();
        Integer[] order = IntStream.range(0, sm.length).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(order, Comparator.comparingInt(i -> sm[i]));
        int side = Math.min(maxSide, order.length);
        double[][] prof = new double[side][];
        double[][] all = r.sampleProfiles();
        for (int j = 0; j < side; j++) {
            prof[j] = all[order[(int) ((long) j * order.length / side)]];
        }
        List<Integer> axis = new ArrayList<>();
        for (int j = 0; j < side; j++) {
            axis.add(j);
        }
        List<Number[]> cells = new ArrayList<>();
        try (SampleCorrelation c = SampleCorrelation.of(prof)) {
            for (int i = 0; i < side; i++) {
                double[] row = c.row(i);
                for (int j = 0; j < side; j++) {
                    cells.add(new Number[]{j, side - 1 - i, row[j]});
                }
            }
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(Figures.HEIGHT + 120).height(Figures.HEIGHT + 60)
                .title("|corr| of sampled parameters, ordered by mode (M = " + r.modeCount() + ")")
                .xAxisTitle("sampled parameter").yAxisTitle("sampled parameter").build();
        chart.getStyler().setMin(0);
        chart.getStyler().setMax(1);
        chart.getStyler().setRangeColors(new Color[]{Color.WHITE, new Color(0x3b, 0x6f, 0xb6), new Color(0x10, 0x1f, 0x4f)});
        chart.getStyler().setShowValue(false);
        chart.getStyler().setPlotGridLinesVisible(false);
        chart.getStyler().setPlotBorderVisible(false);
        chart.getStyler().setXAxisTicksVisible(false);
        chart.getStyler().setYAxisTicksVisible(false);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        List<Integer> yAxis = new ArrayList<>(axis);
        chart.addSeries("|corr|", axis, yAxis, cells);
        return chart;
    }

    /** The M mode profiles (reference parameters over checkpoints), each standardised to zero mean and unit std. */
    public static XYChart modeProfiles(CmdResult r) {
        XYChart c = Figures.xy("CMD mode profiles (standardised references)", "checkpoint", "z-score");
        double[][] prof = r.modeProfiles();
        long[] sizes = r.modeSizes();
        double[] x = IntStream.range(0, r.checkpointCount()).asDoubleStream().toArray();
        for (int k = 0; k < prof.length; k++) {
            double[] p = prof[k];
            double mean = java.util.Arrays.stream(p).average().orElse(0);
            double ss = 0;
            for (double v : p) {
                ss += (v - mean) * (v - mean);
            }
            double sd = Math.sqrt(ss / p.length);
            double[] z = new double[p.length];
            for (int t = 0; t < p.length; t++) {
                z[t] = sd > 0 ? (p[t] - mean) / sd : 0;
            }
            c.addSeries("mode " + k + " (" + sizes[k] + ")", x, z);
        }
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        return c;
    }

    /** Relative reconstruction error per checkpoint. */
    public static XYChart checkpointError(CmdResult r) {
        XYChart c = Figures.xy("CMD reconstruction error per checkpoint (M = " + r.modeCount() + ")", "checkpoint",
                "relative error");
        double[] x = IntStream.range(0, r.checkpointCount()).asDoubleStream().toArray();
        c.addSeries("relative error", x, r.checkpointError());
        return c;
    }

    /** Overall relative reconstruction error against the number of modes, from a {@link Cmd#sweep}. */
    public static XYChart errorVsModes(List<CmdResult> sweep) {
        if (sweep.isEmpty()) {
            throw new IllegalArgumentException("no CMD results to plot");
        }
        XYChart c = Figures.xy("CMD reconstruction error vs number of modes", "modes M", "relative error");
        double[] m = sweep.stream().mapToDouble(CmdResult::modeCount).toArray();
        double[] e = sweep.stream().mapToDouble(CmdResult::relativeError).toArray();
        c.addSeries("‖Ŵ − W‖ / ‖W − mean‖", m, e);
        c.getStyler().setMarkerSize(8);
        return c;
    }
}
