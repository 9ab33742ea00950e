package org.trainingdynamics.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.trainingdynamics.study.Progress;
import org.trainingdynamics.trajectory.Trajectories;

/**
 * Runs seeds s₀, s₀+1, …, s₀+N−1 of one setup into sibling folders {@code <out>/seed-<s>}, with a progress
 * bar over the seeds. Resumable: each run is trained into a hidden {@code .seed-<s>.partial} folder and
 * renamed into place only when it has finished, so an existing {@code seed-<s>} folder is a finished run and
 * is skipped, while a left-over partial folder (a killed sweep) is deleted and that seed is redone.
 */
public final class MultiSeedRunner {
    private MultiSeedRunner() {
    }

    /**
     * Runs (or resumes) the sweep.
     *
     * @param setup     what to train
     * @param firstSeed first seed
     * @param n         number of seeds (≥ 1)
     * @param out       parent folder of the runs
     * @return the run folder of each seed, in seed order (finished earlier or now)
     */
    public static List<Path> run(Setup setup, long firstSeed, int n, Path out) {
        if (n < 1) {
            throw new IllegalArgumentException("number of seeds must be >= 1, got " + n);
        }
        List<Path> dirs = new ArrayList<>();
        try (Progress p = Progress.start(setup.name() + " x" + n + " seeds", n)) {
            for (int i = 0; i < n; i++) {
                long seed = firstSeed + i;
                Path dir = out.resolve(runName(seed));
                if (!Files.isDirectory(dir)) {
                    Path partial = out.resolve("." + runName(seed) + ".partial");
                    Trajectories.deleteTree(partial);
                    setup.run(seed, partial);
                    Trajectories.replaceDir(partial, dir);
                }
                dirs.add(dir);
                p.step();
            }
        }
        return dirs;
    }

    /** Folder name of one seed's run. */
    public static String runName(long seed) {
        return "seed-" + seed;
    }
}
