package org.trainingdynamics.trajectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/** Entry points: open a stored trajectory, write any trajectory to the native store, wrap matrices. */
public final class Trajectories {
    private Trajectories() {
    }

    /** Opens a native store folder (see {@link StoredTrajectory}). */
    public static StoredTrajectory open(Path dir) {
        return StoredTrajectory.open(dir);
    }

    /**
     * Wraps an {@code [N, T]} matrix (rows = parameters, columns = checkpoints) as a one-tensor trajectory
     * named {@code name} with shape {@code [N]} and steps {@code 0..T-1}.
     */
    public static InMemoryTrajectory fromMatrix(String name, double[][] nByT) {
        int n = nByT.length;
        if (n == 0) {
            throw new IllegalArgumentException("matrix has no rows");
        }
        int t = nByT[0].length;
        InMemoryTrajectory.Builder b = InMemoryTrajectory.builder().tensor(name, n);
        for (int j = 0; j < t; j++) {
            double[] col = new double[n];
            for (int i = 0; i < n; i++) {
                if (nByT[i].length != t) {
                    throw new IllegalArgumentException("ragged matrix: row " + i + " has " + nByT[i].length + " columns, row 0 has " + t);
                }
                col[i] = nByT[i][j];
            }
            b.checkpoint(j, Double.NaN, Map.of(name, col));
        }
        return b.build();
    }

    /**
     * Reads an {@code [N, T]} {@code .npy} matrix (rows = parameters) as a one-tensor trajectory named
     * {@code weights}. The file is memory-mapped; nothing is copied until read.
     */
    public static Trajectory fromNpyMatrix(Path file) {
        NpyArray a = Npy.open(file);
        if (a.rank() != 2) {
            throw new TrajectoryFormatException(file, "expected an [N, T] matrix, shape is " + java.util.Arrays.toString(a.shape()));
        }
        return new NpyMatrixTrajectory(file, a);
    }

    /**
     * Writes a trajectory to a native store at {@code dir}, atomically: the store is built in a hidden
     * sibling folder and swapped in only when complete, so an existing store at {@code dir} is replaced
     * whole or not at all.
     */
    public static StoredTrajectory write(Trajectory source, Path dir, DType dtype) {
        Path parent = dir.toAbsolutePath().getParent();
        Path tmp;
        try {
            Files.createDirectories(parent);
            tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + ".tmp-");
            AtomicFiles.publicReadable(tmp, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder beside " + dir + ": " + e.getMessage(), e);
        }
        try {
            var specs = source.tensors().stream().map(s -> new TensorSpec(s.name(), s.shape(), dtype)).toList();
            Map<String, Object> meta = new LinkedHashMap<>(source.metadata());
            try (TrajectoryRecorder rec = TrajectoryRecorder.create(tmp, specs, meta)
                    .nonFinite(NonFinitePolicy.ALLOW_AND_REPORT)) {
                long[] steps = source.steps();
                double[] epochs = source.epochs();
                for (int t = 0; t < source.checkpointCount(); t++) {
                    Map<String, double[]> row = new LinkedHashMap<>();
                    for (TensorSpec s : source.tensors()) {
                        row.put(s.name(), source.values(s.name(), t));
                    }
                    rec.append(steps[t], epochs[t], row);
                }
            }
            var metrics = source.metrics();
            if (metrics.rowCount() > 0) {
                Metrics.writeCsv(metrics, tmp.resolve("metrics.csv"));
            }
            replaceDir(tmp, dir);
            tmp = null;
            return StoredTrajectory.open(dir);
        } finally {
            if (tmp != null) {
                deleteTree(tmp);
            }
        }
    }

    /**
     * Swaps a finished folder into place, keeping the old one until the new one is there. Two renames: the
     * old store is renamed aside, the new one renamed in (the old one is put back if that fails), then the
     * old one is deleted. Between the renames (microseconds) the target name is briefly absent; a crash in
     * that window leaves both complete stores on disk, the old one as {@code .<name>.old-<n>}.
     *
     * <p>When an old store is replaced, every file of the new one is forced to disk first, so a power loss
     * after the swap cannot leave an incomplete store where a good one was. A new name has nothing to lose:
     * its files stay in the OS cache, like any copy (a killed process cannot tear them; the rename is atomic).
     */
    public static void replaceDir(Path finished, Path target) {
        try {
            if (Files.exists(target)) {
                forceTree(finished);
                Path old = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
                Files.move(target, old);
                try {
                    Files.move(finished, target);
                } catch (IOException e) {
                    Files.move(old, target); // put the previous store back
                    throw e;
                }
                deleteTree(old);
            } else {
                Files.move(finished, target);
            }
            AtomicFiles.fsyncDir(target.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + finished + " to " + target + ": " + e.getMessage(), e);
        }
    }

    /** Forces every file and folder under {@code dir} to stable storage. */
    private static void forceTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isDirectory(p)) {
                    AtomicFiles.fsyncDir(p);
                } else {
                    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                }
            }
        }
    }

    /** Deletes a folder tree (best effort). */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
