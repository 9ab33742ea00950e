package org.trainingdynamics.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.trainingdynamics.koopman.ConjugacyResult;
import org.trainingdynamics.koopman.ConjugacyTest;
import org.trainingdynamics.koopman.Dmd;
import org.trainingdynamics.koopman.KoopmanSpectrum;
import org.trainingdynamics.koopman.Observables;
import org.trainingdynamics.koopman.RankRule;
import org.trainingdynamics.koopman.Snapshots;
import org.trainingdynamics.koopman.SpectralDistance;
import org.trainingdynamics.trajectory.AtomicFiles;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code workbench conjugacy A… --vs B…}: are two training conditions' dynamics equivalent? One Koopman spectrum
 * per run (exact DMD of its weights, or a precomputed eigenvalue file with {@code --spectra}); spectral distance,
 * within-condition null, permutation p-value and decision ({@link ConjugacyTest}).
 */
@Command(name = "conjugacy", mixinStandardHelpOptions = true,
        description = "Koopman-spectrum conjugacy test between runs of condition A and runs of condition B.")
public final class ConjugacyCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RUN_A",
            description = "runs of condition A: trajectory store folders or [N, T] .npy matrices (or eigenvalue files with --spectra)")
    List<Path> a;

    @Option(names = "--vs", arity = "1..*", required = true, paramLabel = "RUN_B", description = "runs of condition B")
    List<Path> b;

    @Option(names = "--spectra", description = "inputs are eigenvalue .npy files: complex [k] or [runs, k], or float64 [k, 2]")
    boolean spectra;

    @Option(names = "--rank", defaultValue = "10", description = "fixed DMD rank k for every run (default 10, the paper's)")
    int rank;

    @Option(names = "--delays", defaultValue = "1", description = "delay-embedding depth d (1 = none)")
    int delays;

    @Option(names = "--tensors", split = ",", paramLabel = "GLOB", description = "observe only tensors matching these globs")
    List<String> tensors = new ArrayList<>();

    @Option(names = "--pca", defaultValue = "0", description = "project each run's weights to this many principal components first (0 = raw weights)")
    int pca;

    @Option(names = "--variant", defaultValue = "exact", description = "exact, tls or fb")
    String variant;

    @Option(names = "--ground", defaultValue = "euclidean", description = "ground metric: euclidean (paper) or log")
    String ground;

    @Option(names = "--permutations", defaultValue = "9999", description = "random relabelings (all are enumerated when fewer)")
    int permutations;

    @Option(names = "--alpha", defaultValue = "0.05", description = "significance level")
    double alpha;

    @Option(names = "--bootstrap", defaultValue = "0", description = "bootstrap replicates for eigenvalue intervals (needs >= 2 runs per condition)")
    int bootstrap;

    @Option(names = "--seed", defaultValue = "1", description = "seed of permutations and bootstrap")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "write result.json here")
    Path out;

    @Override
    public Integer call() throws Exception {
        SpectralDistance.Ground g = switch (ground.toLowerCase()) {
            case "euclidean" -> SpectralDistance.Ground.EUCLIDEAN;
            case "log" -> SpectralDistance.Ground.LOG;
            default -> throw new IllegalArgumentException("--ground must be euclidean or log, got '" + ground + "'");
        };
        ConjugacyTest test = ConjugacyTest.builder().permutations(permutations).alpha(alpha).seed(seed).ground(g)
                .bootstrap(bootstrap).build();
        ConjugacyResult r;
        if (spectra) {
            if (bootstrap > 0) {
                throw new IllegalArgumentException("--bootstrap needs trajectories, not precomputed --spectra");
            }
            r = test.test(readSpectra(a), readSpectra(b));
        } else {
            Dmd.Builder db = Dmd.builder().rank(RankRule.fixed(rank)).delays(delays);
            switch (variant.toLowerCase()) {
                case "exact" -> db.variant(Dmd.Variant.EXACT);
                case "tls" -> db.tls(rank);
                case "fb" -> db.variant(Dmd.Variant.FORWARD_BACKWARD);
                default -> throw new IllegalArgumentException("--variant must be exact, tls or fb, got '" + variant + "'");
            }
            r = test.compare(db.build(), snapshots(a), snapshots(b));
        }
        System.out.print(r.report());
        if (out != null) {
            Files.createDirectories(out);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("runs_a", a.stream().map(Path::toString).toList());
            m.put("runs_b", b.stream().map(Path::toString).toList());
            m.put("distance", r.distance());
            m.put("cross_distances", r.crossDistances());
            m.put("within_a", r.withinA());
            m.put("within_b", r.withinB());
            m.put("null_mean", r.nullMean());
            m.put("null_sd", r.nullSd());
            m.put("null_95", r.null95());
            m.put("p_value", r.pValue());
            m.put("minimum_p", r.minimumP());
            m.put("permutations", r.permutations());
            m.put("exact", r.exact());
            m.put("alpha", r.alpha());
            m.put("decision", r.decision().toString());
            m.put("assumptions", r.assumptions());
            m.put("spectra_a", r.spectraA().stream().map(KoopmanSpectrum::toPairs).toList());
            m.put("spectra_b", r.spectraB().stream().map(KoopmanSpectrum::toPairs).toList());
            r.bootstrapA().ifPresent(bi -> m.put("bootstrap_a", bootstrap(bi)));
            r.bootstrapB().ifPresent(bi -> m.put("bootstrap_b", bootstrap(bi)));
            AtomicFiles.writeString(out.resolve("result.json"),
                    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
            System.out.println("wrote " + out.resolve("result.json"));
        }
        return 0;
    }

    private static Map<String, Object> bootstrap(org.trainingdynamics.koopman.BootstrapIntervals bi) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("level", bi.level());
        m.put("eigenvalues", bi.reference().toPairs());
        m.put("re_lo", bi.reLo());
        m.put("re_hi", bi.reHi());
        m.put("im_lo", bi.imLo());
        m.put("im_hi", bi.imHi());
        m.put("replicates", bi.replicates());
        return m;
    }

    private static List<KoopmanSpectrum> readSpectra(List<Path> files) {
        List<KoopmanSpectrum> out = new ArrayList<>();
        for (Path f : files) {
            out.addAll(KoopmanSpectrum.read(f));
        }
        return out;
    }

    private List<Snapshots> snapshots(List<Path> runs) {
        List<Snapshots> out = new ArrayList<>();
        for (Path p : runs) {
            Trajectory t = Files.isDirectory(p) ? Trajectories.open(p) : Trajectories.fromNpyMatrix(p);
            String[] globs = tensors.toArray(new String[0]);
            out.add(pca > 0 ? Observables.pca(pca, List.of(t), globs) : Observables.weights(List.of(t), globs));
        }
        return out;
    }
}
