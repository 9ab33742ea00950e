package org.trainingdynamics.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.trainingdynamics.spectral.AlignmentPair;
import org.trainingdynamics.spectral.FusedSplit;
import org.trainingdynamics.spectral.SpectralCharts;
import org.trainingdynamics.spectral.SpectralConfig;
import org.trainingdynamics.spectral.SpectralDynamics;
import org.trainingdynamics.spectral.SpectralResult;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;
import org.trainingdynamics.viz.Figures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code workbench spectral <run-dir> --out DIR}: spectral dynamics of every selected weight matrix
 * (Yunis et al. 2024; WeightWatcher ESD metrics), written as {@code spectral.csv} (long table: layer,
 * checkpoint, step, metric, value), {@code singular_values.csv} and figures (PNG + SVG).
 */
@Command(name = "spectral", mixinStandardHelpOptions = true,
        description = "Singular values/vectors of weight matrices through training: ranks, SVA, alignment, ESD power law.")
public final class SpectralCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "trajectory folder (native store)")
    Path runDir;

    @Option(names = "--tensors", description = "glob of tensors to analyse (repeatable; default: every >=2-D tensor)")
    List<String> tensors = new ArrayList<>();

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Option(names = "--top-k", description = "singular vector pairs kept per matrix (<= 100; default ${DEFAULT-VALUE})")
    int topK = SpectralConfig.MAX_TOP_K;

    @Option(names = "--values-only", description = "singular values only (no SVA or alignment)")
    boolean valuesOnly;

    @Option(names = "--no-esd", description = "skip WeightWatcher ESD metrics")
    boolean noEsd;

    @Option(names = "--no-randomize", description = "skip the element-shuffled comparison (rand_distance)")
    boolean noRandomize;

    @Option(names = "--pooled-conv-taps", description = "ESD of conv kernels from pooled per-tap slices (WeightWatcher)")
    boolean pooledTaps;

    @Option(names = "--split", description = "split fused projections GLOB:HEADS into Q/K/V and heads (repeatable)")
    List<String> splits = new ArrayList<>();

    @Option(names = "--threads", description = "worker threads over checkpoints (default 1; BLAS uses all cores)")
    int threads = 1;

    @Option(names = "--seed", description = "seed of the shuffled matrices (default ${DEFAULT-VALUE})")
    long seed = 0;

    @Override
    public Integer call() throws Exception {
        Trajectory traj = Trajectories.open(runDir);
        SpectralConfig.Builder b = SpectralConfig.builder().topK(topK).esd(!noEsd).randomize(!noRandomize)
                .pooledConvTaps(pooledTaps).seed(seed)
                .threads(threads, Runtime.getRuntime().availableProcessors());
        if (!tensors.isEmpty()) {
            b.tensors(tensors.toArray(String[]::new));
        }
        if (valuesOnly) {
            b.valuesOnly();
        }
        for (String s : splits) {
            int c = s.lastIndexOf(':');
            if (c <= 0) {
                throw new IllegalArgumentException("--split expects GLOB:HEADS, got '" + s + "'");
            }
            int heads;
            try {
                heads = Integer.parseInt(s.substring(c + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--split " + s + ": HEADS must be an integer");
            }
            b.split(FusedSplit.qkv(s.substring(0, c), heads));
        }
        SpectralResult r = SpectralDynamics.run(traj, b.build());
        Files.createDirectories(out);
        r.toTable().write().csv(out.resolve("spectral.csv").toFile());
        r.singularValuesTable().write().csv(out.resolve("singular_values.csv").toFile());
        Path fig = out.resolve("figures");
        int last = r.checkpointCount() - 1;
        for (String metric : List.of("effective_rank", "stable_rank_normalised", "gini")) {
            Figures.save(SpectralCharts.metricHeatMap(r, metric), fig.resolve("heatmap_" + metric));
        }
        if (!valuesOnly) {
            Figures.save(SpectralCharts.metricHeatMap(r, "sva_score"), fig.resolve("heatmap_sva_score"));
        }
        for (String layer : r.layers()) {
            String base = safe(layer);
            Figures.save(SpectralCharts.singularValues(r, layer, 20), fig.resolve("sv_" + base));
            if (!noEsd && r.fit(layer, last) != null) {
                Figures.save(SpectralCharts.esd(r, layer, last), fig.resolve("esd_" + base));
            }
            if (!valuesOnly) {
                Figures.save(SpectralCharts.svaDiagonal(r, layer), fig.resolve("sva_diag_" + base));
            }
        }
        for (AlignmentPair p : r.pairs()) {
            Figures.save(SpectralCharts.alignmentDiagonal(r, p.name()), fig.resolve("align_diag_" + safe(p.name())));
        }
        System.out.printf("spectral: %d matrices x %d checkpoints -> %s (spectral.csv, singular_values.csv, figures/)%n",
                r.layers().size(), r.checkpointCount(), out);
        return 0;
    }

    private static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
