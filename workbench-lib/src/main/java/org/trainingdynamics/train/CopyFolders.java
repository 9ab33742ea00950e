package org.trainingdynamics.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the perturbed copies of one base seed live (Redman et al. 2024 train each base initialisation with
 * several copies perturbed by w·(1 + ε·U(−1, 1)) and pool their snapshot pairs into one DMD fit): with one copy
 * the run's own folder, otherwise {@code copy-<c>} sub-folders, c = 0 the unperturbed base.
 */
public final class CopyFolders {
    private static final String PREFIX = "copy-";

    private CopyFolders() {
    }

    /** The folder of copy {@code copy} of {@code copies} under a run folder. */
    public static Path of(Path run, int copy, int copies) {
        return copies == 1 ? run : run.resolve(PREFIX + copy);
    }

    /** The copies recorded under a run folder, in copy order: its {@code copy-<c>} folders, or the folder itself. */
    public static List<Path> list(Path run) {
        try (Stream<Path> cs = Files.list(run)) {
            List<Path> copies = cs.filter(p -> Files.isDirectory(p) && p.getFileName().toString().matches(PREFIX + "\\d+"))
                    .sorted(Comparator.comparingInt(CopyFolders::index)).toList();
            return copies.isEmpty() ? List.of(run) : copies;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the copies in " + run + ": " + e.getMessage(), e);
        }
    }

    private static int index(Path p) {
        return Integer.parseInt(p.getFileName().toString().substring(PREFIX.length()));
    }
}
