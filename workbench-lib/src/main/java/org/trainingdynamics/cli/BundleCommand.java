package org.trainingdynamics.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.trainingdynamics.study.StudyBundle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code workbench bundle <results-dir>}: packs a study's results folder, the data sets it used (embedded up to
 * {@code --max-embed-mb}, else referenced by name and SHA-256) and its provenance into one {@code .zip} with a
 * manifest, for {@code workbench verify} on another machine ({@link StudyBundle#pack}).
 */
@Command(name = "bundle", mixinStandardHelpOptions = true,
        description = "Pack a study's results, the data sets it used and its provenance into one archive (.zip) "
                + "that another machine checks and re-runs with `workbench verify`.")
public final class BundleCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RESULTS_DIR", description = "a study's results folder, e.g. results/01-trajectories")
    Path resultsDir;

    @Option(names = {"-o", "--out"}, paramLabel = "ARCHIVE", description = "archive to write (default: RESULTS_DIR.zip)")
    Path out;

    @Option(names = "--max-embed-mb", paramLabel = "MB",
            description = "embed data sets up to this size in MiB, reference larger ones by name + SHA-256 (default ${DEFAULT-VALUE})")
    double maxEmbedMb = 64;

    @Option(names = "--force", description = "replace an existing archive")
    boolean force;

    @Option(names = "--data", paramLabel = "DIR", description = "look for the study's data sets here (default: where it recorded them, then data/)")
    Path data;

    @Override
    public Integer call() {
        if (!(maxEmbedMb >= 0) || Double.isInfinite(maxEmbedMb)) {
            throw new IllegalArgumentException("--max-embed-mb must be a number >= 0, got " + maxEmbedMb);
        }
        Path archive = out != null ? out
                : resultsDir.toAbsolutePath().normalize().resolveSibling(resultsDir.toAbsolutePath().normalize().getFileName() + ".zip");
        long t0 = System.nanoTime();
        StudyBundle.PackResult r = StudyBundle.pack(resultsDir, archive, StudyBundle.PackOptions.defaults()
                .withMaxEmbedBytes((long) (maxEmbedMb * (1 << 20))).withForce(force).withDataFolder(data));
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "wrote %s: %s (%s), %d files, %.1f KiB in %.2f s%n", r.archive(),
                r.manifest().study(), r.manifest().profile(), r.manifest().files().size(), r.bytes() / 1024.0, secs);
        if (!r.manifest().data().isEmpty()) {
            System.out.println(r.dataTable().printAll());
        }
        for (String n : r.notes()) {
            System.out.println("note: " + n);
        }
        System.out.println("manifest sha256 " + r.manifestSha256() + "  (quote it with the archive; `workbench verify` prints it)");
        return 0;
    }
}
