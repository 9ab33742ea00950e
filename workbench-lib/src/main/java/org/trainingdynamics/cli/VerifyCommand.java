package org.trainingdynamics.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.trainingdynamics.study.StudyBundle;
import org.trainingdynamics.study.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code workbench verify <archive>}: checks a bundle written by {@code workbench bundle} — every file against
 * the manifest's SHA-256, the data sets by content hash — and, unless {@code --integrity-only}, re-runs the study's
 * notebook in the recorded profile through the reproduce runner and compares every re-generated table and the
 * PASS/FAIL counts with the bundled ones ({@link StudyBundle#verify}). Exit 0 only when everything matches.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check a study bundle: file integrity, data-set hashes, and (unless --integrity-only) a re-run "
                + "of its notebook whose tables and checks must match the bundled ones. Exit 0 only if all match.")
public final class VerifyCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ARCHIVE", description = "a bundle written by `workbench bundle`")
    Path archive;

    @Option(names = "--integrity-only", description = "only check the archive's files and data-set hashes; no re-run")
    boolean integrityOnly;

    @Option(names = "--rtol", paramLabel = "R",
            description = "relative tolerance for numeric table cells (default 0: identical text)")
    double rtol = 0;

    @Option(names = "--data", paramLabel = "DIR", description = "where referenced (not embedded) data sets are (default: data/)")
    Path data;

    @Option(names = "--work", paramLabel = "DIR", description = "extract and re-run here and keep it (default: a temporary folder, deleted)")
    Path work;

    @Option(names = "--timeout-min", paramLabel = "MIN", description = "limit for the re-run in minutes (default ${DEFAULT-VALUE})")
    long timeoutMin = 120;

    @Option(names = "--python", paramLabel = "PYTHON", description = "Python with nbclient/nbconvert (default ${DEFAULT-VALUE})")
    String python = "/usr/bin/python3";

    @Override
    public Integer call() {
        if (timeoutMin <= 0) {
            throw new IllegalArgumentException("--timeout-min must be positive, got " + timeoutMin);
        }
        StudyBundle.VerifyOptions d = StudyBundle.VerifyOptions.defaults();
        StudyBundle.VerifyOptions opts = new StudyBundle.VerifyOptions(integrityOnly, rtol, data, null, work,
                Duration.ofMinutes(timeoutMin), python, d.environment());
        long t0 = System.nanoTime();
        VerifyReport r = StudyBundle.verify(archive, opts);
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.println(r.toTable().printAll());
        System.out.println("manifest sha256 " + r.manifestSha256());
        if (r.workDir() != null) {
            System.out.println("work folder kept: " + r.workDir());
        }
        System.out.printf(java.util.Locale.ROOT, "%s in %.1f s%n", r.summary(), secs);
        for (VerifyReport.Outcome f : r.failures()) {
            System.out.println("FAIL " + f.kind() + " " + f.item() + ": " + f.detail());
        }
        return r.ok() ? 0 : 1;
    }
}
