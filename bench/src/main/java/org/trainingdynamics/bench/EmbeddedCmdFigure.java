package org.trainingdynamics.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.trainingdynamics.cmd.Cmd;
import org.trainingdynamics.cmd.EmbeddedCmd;
import org.trainingdynamics.train.EpochHook;
import org.trainingdynamics.train.Setups;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;
import org.trainingdynamics.viz.Figures;
import tech.tablesaw.api.Table;

/**
 * The figure of docs/cmd.md's embedded-CMD section: the LeNet-5-like CNN on the first {@code trainLimit}
 * Fashion-MNIST training images (Adam 1e-3, batch 128, seed 1), trained once plainly and once with embedded
 * CMD as its epoch hook (Brokman et al. 2024 Sec. 3.3; M = 10, K = 1000), at a reduced size: F, L, P and the
 * number of epochs are arguments. Prints, per epoch, the embedded fraction and both runs' test accuracy
 * (full 10 000-image test set) and saves the chart. Arguments: output base (default
 * docs/img/cmd-embedded-cnn), epochs (30), train limit (1024), F (10), L (5), P (10).
 */
public final class EmbeddedCmdFigure {
    private EmbeddedCmdFigure() {
    }

    public static void main(String[] args) throws IOException {
        Path base = Path.of(args.length > 0 ? args[0] : "docs/img/cmd-embedded-cnn");
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int limit = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        int window = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        double percent = args.length > 5 ? Double.parseDouble(args[5]) : 10;
        EmbeddedCmd.Config cfg = new EmbeddedCmd.Config(warmup, window, percent, false, Cmd.builder().build());
        List<EmbeddedCmd> hooks = new ArrayList<>();
        EpochHook.Factory factory = new EpochHook.Factory(cfg.describe(), tensors -> {
            EmbeddedCmd h = new EmbeddedCmd(tensors, cfg);
            hooks.add(h);
            return EpochHook.logging(h::onEpoch, "cmd_embedded", h::embeddedCount);
        });
        Path dir = Files.createTempDirectory("tdw-embedded-cmd");
        long t0 = System.nanoTime();
        Trajectory plain = Trajectories.open(Setups.cnn().trainLimit(limit).epochs(epochs).earlyPhase(0, 1).build()
                .run(1, dir.resolve("plain")).dir());
        long t1 = System.nanoTime();
        Trajectory embedded = Trajectories.open(Setups.cnn().trainLimit(limit).epochs(epochs).earlyPhase(0, 1)
                .epochHook(factory).build().run(1, dir.resolve("embedded")).dir());
        long t2 = System.nanoTime();
        double[] accPlain = perEpoch(plain.metrics(), "test_acc");
        double[] accEmbedded = perEpoch(embedded.metrics(), "test_acc");
        double[] count = perEpoch(embedded.metrics(), "cmd_embedded");
        int n = embedded.flattened(0).length;
        double[] x = new double[epochs + 1];
        double[] fraction = new double[epochs + 1];
        System.out.println("epoch  embedded  fraction  test_acc_plain  test_acc_embedded");
        for (int e = 0; e <= epochs; e++) {
            x[e] = e;
            fraction[e] = count[e] / n;
            System.out.printf("%5d  %8d  %8.4f  %14.4f  %17.4f%n", e, (long) count[e], fraction[e], accPlain[e],
                    accEmbedded[e]);
        }
        System.out.printf("N = %d parameters; plain run %.0f s, embedded run %.0f s%n", n, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
        System.out.println(hooks.get(0).history().print());
        XYChart c = Figures.xy(String.format("Embedded CMD on the CNN, %d images (F=%d, L=%d, P=%.0f%%)",
                limit, warmup, window, percent), "epoch", "fraction");
        c.addSeries("embedded parameters (fraction of N)", x, fraction);
        c.addSeries("test accuracy, plain Adam", x, accPlain);
        c.addSeries("test accuracy, embedded CMD", x, accEmbedded);
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(1.0);
        System.out.println("saved " + Figures.save(c, base));
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The column's value at each epoch end (rows with a full evaluation; one per epoch with the CNN setup). */
    private static double[] perEpoch(Table m, String column) {
        Table rows = m.where(m.doubleColumn("test_acc").isNotMissing());
        return rows.doubleColumn(column).asDoubleArray();
    }
}
