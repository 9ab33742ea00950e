package org.trainingdynamics.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.trainingdynamics.cmd.Cmd;
import org.trainingdynamics.cmd.CmdFigures;
import org.trainingdynamics.cmd.CmdResult;
import org.trainingdynamics.cmd.CutCriterion;
import org.trainingdynamics.trajectory.AtomicFiles;
import org.trainingdynamics.trajectory.Npy;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;
import org.trainingdynamics.viz.Figures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code workbench cmd}: post-hoc Correlation Mode Decomposition of a stored run or an {@code [N, T]} .npy
 * matrix; writes {@code a.npy}, {@code b.npy} (float64), {@code mode.npy}, {@code ref.npy} (int64, 0-based,
 * mode 0 largest), {@code summary.json}, the mode and per-tensor tables (CSV) and the figures.
 */
@Command(name = "cmd", mixinStandardHelpOptions = true,
        description = "Correlation Mode Decomposition (post-hoc) of a trajectory.")
public final class CmdCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "<run-dir | weights.npy>",
            description = "a native-store run folder, or an [N, T] .npy matrix (rows = parameters)")
    Path input;

    @Option(names = "--modes", paramLabel = "M", defaultValue = "10", description = "maximal number of modes (maxclust; default ${DEFAULT-VALUE})")
    int modes;

    @Option(names = "--criterion", paramLabel = "maxclust|distance", defaultValue = "maxclust",
            description = "dendrogram cut: at most M clusters, or at max distance / t (default ${DEFAULT-VALUE})")
    String criterion;

    @Option(names = "--threshold", paramLabel = "t", defaultValue = "2", description = "divisor t of the distance criterion (default ${DEFAULT-VALUE})")
    double threshold;

    @Option(names = "--sample-size", paramLabel = "K", defaultValue = "1000", description = "sampled parameters (default ${DEFAULT-VALUE})")
    int sampleSize;

    @Option(names = "--sample", paramLabel = "indices.npy", description = "explicit sampled global indices (int .npy, 0-based)")
    Path sampleFile;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "sampler seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--select", paramLabel = "GLOB", split = ",", description = "only tensors matching these globs")
    List<String> select;

    @Option(names = "--window", paramLabel = "from:to[:stride]", description = "checkpoint window (to exclusive)")
    String window;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "output folder")
    Path out;

    @Override
    public Integer call() throws Exception {
        Trajectory traj = open(input);
        if (select != null && !select.isEmpty()) {
            traj = traj.select(select.toArray(String[]::new));
        }
        if (window != null) {
            String[] p = window.split(":");
            if (p.length < 2 || p.length > 3) {
                throw new IllegalArgumentException("--window must be from:to or from:to:stride, got '" + window + "'");
            }
            try {
                traj = traj.window(Integer.parseInt(p[0]), Integer.parseInt(p[1]), p.length == 3 ? Integer.parseInt(p[2]) : 1);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--window must hold integers, got '" + window + "'");
            }
        }
        CutCriterion crit = switch (criterion.toLowerCase()) {
            case "maxclust" -> CutCriterion.MAXCLUST;
            case "distance" -> CutCriterion.DISTANCE;
            default -> throw new IllegalArgumentException("--criterion must be maxclust or distance, got '" + criterion + "'");
        };
        Cmd.Builder b = Cmd.builder().modes(modes).criterion(crit).threshold(threshold).sampleSize(sampleSize).seed(seed);
        if (sampleFile != null) {
            b.sample(Npy.read(sampleFile).toLongArray());
        }
        Cmd cmd = b.build();
        CmdResult r = cmd.fit(traj);
        Files.createDirectories(out);
        int n = r.parameterCount();
        Npy.write(out.resolve("a.npy"), r.a(), n);
        Npy.write(out.resolve("b.npy"), r.b(), n);
        long[] mode = new long[n];
        int[] m = r.modes();
        for (int i = 0; i < n; i++) {
            mode[i] = m[i];
        }
        Npy.write(out.resolve("mode.npy"), mode, n);
        Npy.write(out.resolve("ref.npy"), r.references(), r.modeCount());
        r.modeTable().write().csv(out.resolve("modes.csv").toFile());
        r.layerTable().write().csv(out.resolve("modes-per-tensor.csv").toFile());
        r.errorTable().write().csv(out.resolve("error-per-checkpoint.csv").toFile());

        // error against M: maxclust cuts of the same sample at 1, 2, 5, 10 and M
        TreeSet<Integer> ms = new TreeSet<>(List.of(1, 2, 5, 10));
        ms.add(r.modeCount());
        ms.removeIf(k -> k > r.modeCount());
        Cmd sweepCfg = Cmd.builder().modes(r.modeCount()).sample(r.sample()).build();
        List<CmdResult> sweep = sweepCfg.sweep(traj, ms.stream().mapToInt(Integer::intValue).toArray());
        Figures.save(CmdFigures.correlationHeatmap(r, 120), out.resolve("correlation"));
        Figures.save(CmdFigures.modeProfiles(r), out.resolve("mode-profiles"));
        Figures.save(CmdFigures.checkpointError(r), out.resolve("error-per-checkpoint"));
        Figures.save(CmdFigures.errorVsModes(sweep), out.resolve("error-vs-modes"));

        Map<String, Object> s = new LinkedHashMap<>();
        s.put("input", input.toString());
        s.put("parameters", n);
        s.put("checkpoints", r.checkpointCount());
        s.put("criterion", crit.name().toLowerCase());
        if (crit == CutCriterion.MAXCLUST) {
            s.put("max_modes", modes);
        } else {
            s.put("threshold_divisor", threshold);
        }
        s.put("sample_size", r.sample().length);
        s.put("modes", r.modeCount());
        s.put("refs", r.references());
        s.put("mode_sizes", r.modeSizes());
        s.put("relative_error", r.relativeError());
        s.put("checkpoint_error", r.checkpointError());
        s.put("constant_parameters", r.constantParameters().length);
        List<Map<String, Object>> sw = new ArrayList<>();
        for (CmdResult x : sweep) {
            sw.add(Map.of("modes", x.modeCount(), "relative_error", x.relativeError()));
        }
        s.put("error_vs_modes", sw);
        s.put("phase_seconds", r.phaseSeconds());
        AtomicFiles.writeString(out.resolve("summary.json"),
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(s));
        System.out.printf("CMD: N=%d, T=%d, %d modes, refs %s, relative error %.6g, %d constant parameters -> %s%n",
                n, r.checkpointCount(), r.modeCount(), java.util.Arrays.toString(r.references()), r.relativeError(),
                r.constantParameters().length, out);
        return 0;
    }

    static Trajectory open(Path input) {
        if (!Files.exists(input)) {
            throw new IllegalArgumentException("input " + input + " does not exist");
        }
        if (Files.isDirectory(input)) {
            return Trajectories.open(input);
        }
        if (input.getFileName().toString().endsWith(".npy")) {
            return Trajectories.fromNpyMatrix(input);
        }
        throw new IllegalArgumentException("input " + input + " is neither a run folder nor an .npy matrix");
    }
}
