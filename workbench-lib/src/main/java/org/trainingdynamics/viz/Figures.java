package org.trainingdynamics.viz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/**
 * House style and export for the workbench's XChart figures: every analysis builds its charts through
 * {@link #xy} (or XChart directly) and saves them with {@link #save}, which writes PNG and SVG side by side.
 */
public final class Figures {
    /** Default figure width in pixels. */
    public static final int WIDTH = 720;
    /** Default figure height in pixels. */
    public static final int HEIGHT = 440;

    private Figures() {
    }

    /** An XY line chart in the house style. */
    public static XYChart xy(String title, String xAxis, String yAxis) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xAxis).yAxisTitle(yAxis)
                .theme(Styler.ChartTheme.Matlab).build();
        c.getStyler().setMarkerSize(0);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        return c;
    }

    /** PNG bytes of a chart. */
    public static byte[] png(Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Saves {@code <base>.png} and {@code <base>.svg} (base without extension) and returns the PNG path.
     */
    public static Path save(Chart<?, ?> chart, Path base) {
        try {
            Path dir = base.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            String name = base.getFileName().toString();
            Path png = dir.resolve(name + ".png");
            BitmapEncoder.saveBitmap(chart, dir.resolve(name).toString(), BitmapEncoder.BitmapFormat.PNG);
            VectorGraphicsEncoder.saveVectorGraphic(chart, dir.resolve(name).toString(),
                    VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            return png;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save figure " + base + ": " + e.getMessage(), e);
        }
    }
}
