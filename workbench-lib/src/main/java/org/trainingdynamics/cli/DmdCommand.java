package org.trainingdynamics.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.trainingdynamics.koopman.Dmd;
import org.trainingdynamics.koopman.DmdResult;
import org.trainingdynamics.koopman.RankRule;
import org.trainingdynamics.trajectory.AtomicFiles;
import org.trainingdynamics.trajectory.Npy;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.viz.Figures;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code workbench dmd}: dynamic mode decomposition of a snapshot matrix (Koopman eigenvalues; Redman et al. 2024).
 * Writes {@code eigenvalues.npy} (float64 [k, 2]: re, im; |λ| descending), {@code amplitudes.npy} (float64
 * [k, 2], same order), {@code summary.json} and {@code eigenvalues.png}.
 */
@Command(name = "dmd", mixinStandardHelpOptions = true,
        description = "Dynamic mode decomposition of X.npy [N, T] (columns = snapshots): Koopman eigenvalues, "
                + "amplitudes, errors.")
public final class DmdCommand implements Callable<Integer> {
    @Option(names = "--snapshots", required = true, paramLabel = "X.npy",
            description = "float32/float64 [N, T] matrix, columns = snapshots (memory-mapped, streamed when large)")
    Path snapshots;

    @ArgGroup(exclusive = true)
    RankChoice rank = new RankChoice();

    static final class RankChoice {
        @Option(names = "--rank", paramLabel = "r", description = "fixed rank r")
        Integer fixed;
        @Option(names = "--energy", paramLabel = "f", description = "smallest rank holding a fraction f of Σσ²")
        Double energy;
        @Option(names = "--optimal-threshold", description = "Gavish–Donoho optimal hard threshold (the default)")
        boolean optimal;
        @Option(names = "--full-rank", description = "keep every singular direction")
        boolean full;
    }

    @Option(names = "--variant", defaultValue = "exact", paramLabel = "exact|tls|fb",
            description = "exact (default), tls (total least squares), fb (forward-backward)")
    String variant;

    @Option(names = "--delays", defaultValue = "1", paramLabel = "d",
            description = "time-delay embedding depth: d consecutive snapshots stacked (1 = none; PyDMD HankelDMD d)")
    int delays;

    @Option(names = "--dt", defaultValue = "1", description = "time between snapshots for continuous-time eigenvalues")
    double dt;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder")
    Path out;

    @Override
    public Integer call() throws Exception {
        RankRule rule;
        if (rank.fixed != null) {
            rule = RankRule.fixed(rank.fixed);
        } else if (rank.energy != null) {
            rule = RankRule.energy(rank.energy);
        } else if (rank.full) {
            rule = RankRule.full();
        } else {
            rule = RankRule.optimalThreshold();
        }
        Dmd.Builder b = Dmd.builder().rank(rule).delays(delays).dt(dt);
        switch (variant.toLowerCase()) {
            case "exact" -> b.variant(Dmd.Variant.EXACT);
            case "tls" -> b.tls(rank.fixed != null ? rank.fixed : 0);
            case "fb" -> b.variant(Dmd.Variant.FORWARD_BACKWARD);
            default -> throw new IllegalArgumentException("--variant must be exact, tls or fb, got '" + variant + "'");
        }
        DmdResult r = b.build().fit(Trajectories.fromNpyMatrix(snapshots));
        Files.createDirectories(out);
        int k = r.rank();
        double[] eig = new double[2 * k];
        double[] amp = new double[2 * k];
        for (int j = 0; j < k; j++) {
            eig[2 * j] = r.eigRe()[j];
            eig[2 * j + 1] = r.eigIm()[j];
            amp[2 * j] = r.amplitudeRe()[0][j];
            amp[2 * j + 1] = r.amplitudeIm()[0][j];
        }
        Npy.write(out.resolve("eigenvalues.npy"), eig, k, 2);
        Npy.write(out.resolve("amplitudes.npy"), amp, k, 2);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("snapshots", snapshots.toString());
        s.put("variant", r.variant().toString());
        s.put("rank_rule", rule.toString());
        s.put("rank", k);
        s.put("delays", r.delays());
        s.put("accumulation", r.accumulation().toString());
        s.put("reconstruction_relative_error", r.reconstructionError().orElse(Double.NaN));
        s.put("one_step_relative_error", r.oneStepError());
        s.put("eigenvalues", r.spectrum().toPairs());
        s.put("continuous_time_eigenvalues", r.continuousTime().toPairs());
        s.put("amplitudes_abs", r.amplitudeModulus());
        s.put("residuals", r.residuals());
        s.put("singular_values", r.singularValues());
        AtomicFiles.writeString(out.resolve("summary.json"),
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(s));
        Figures.save(r.eigenvalueChart("DMD eigenvalues (" + r.variant() + ", rank " + k + ")"), out.resolve("eigenvalues"));
        System.out.printf("rank %d (%s), %s DMD, delays %d; reconstruction error %.4g, one-step error %.4g%n", k, rule,
                r.variant(), r.delays(), r.reconstructionError().orElse(Double.NaN), r.oneStepError());
        System.out.println(r.toTable().print());
        System.out.println("wrote " + out.resolve("eigenvalues.npy") + ", amplitudes.npy, summary.json, eigenvalues.png");
        return 0;
    }
}
