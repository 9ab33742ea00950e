package org.trainingdynamics.hmm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.trainingdynamics.trajectory.Npy;
import org.trainingdynamics.trajectory.NpyArray;
import org.trainingdynamics.trajectory.Trajectory;

/**
 * Sparse-parity replication driver (research note §5) using the test-only {@link SparseParityTrainer}: trains
 * {@code seeds} runs, extracts the 14 features, caches them under {@code out/} ({@code features.npy} [seeds*T, 14],
 * {@code accuracy.npy} [seeds, T]) and runs {@link TrainingHmmStudy}. Run as
 * {@code java ... SparseParityReplication HIDDEN EPOCHS SEEDS OUT [K]}.
 */
final class SparseParityReplication {
    private SparseParityReplication() {
    }

    static List<TrainingHmmStudy.Run> runs(int hidden, int epochs, int seeds, Path cache) {
        Path f = cache == null ? null : cache.resolve("features.npy");
        Path a = cache == null ? null : cache.resolve("accuracy.npy");
        List<TrainingHmmStudy.Run> runs = new ArrayList<>();
        if (f != null && Files.exists(f) && Files.exists(a)) {
            double[] feats = Npy.read(f).toDoubleArray();
            NpyArray acc = Npy.read(a);
            int t = (int) acc.shape()[1];
            double[] accs = acc.toDoubleArray();
            for (int s = 0; s < (int) acc.shape()[0]; s++) {
                double[][] v = new double[t][14];
                for (int c = 0; c < t; c++) {
                    System.arraycopy(feats, (s * t + c) * 14, v[c], 0, 14);
                }
                double[] ac = java.util.Arrays.copyOfRange(accs, s * t, (s + 1) * t);
                runs.add(new TrainingHmmStudy.Run("seed" + s, new TrainingMetrics.Features(TrainingMetrics.BASE_FEATURES,
                        v, new long[t]), ac));
            }
            return runs;
        }
        SparseParityTrainer tr = new SparseParityTrainer(hidden, epochs, 10);
        TrainingHmmStudy.Run[] out = new TrainingHmmStudy.Run[seeds];
        IntStream.range(0, seeds).parallel().forEach(s -> {
            Trajectory traj = tr.train(s);
            out[s] = TrainingHmmStudy.Run.of("seed" + s, traj, TrainingMetrics.defaults(), "test_acc");
        });
        runs.addAll(List.of(out));
        if (cache != null) {
            int t = out[0].convergenceMetric().length;
            double[] feats = new double[seeds * t * 14];
            double[] accs = new double[seeds * t];
            for (int s = 0; s < seeds; s++) {
                for (int c = 0; c < t; c++) {
                    System.arraycopy(out[s].features().values()[c], 0, feats, (s * t + c) * 14, 14);
                }
                System.arraycopy(out[s].convergenceMetric(), 0, accs, s * t, t);
            }
            try {
                Files.createDirectories(cache);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Npy.write(f, feats, seeds * t, 14);
            Npy.write(a, accs, seeds, t);
        }
        return runs;
    }

    public static void main(String[] args) {
        int hidden = Integer.parseInt(args[0]);
        int epochs = Integer.parseInt(args[1]);
        int seeds = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        int k = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        long t0 = System.nanoTime();
        List<TrainingHmmStudy.Run> runs = runs(hidden, epochs, seeds, out);
        System.out.printf("training/loading: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        TrainingHmmStudy.Result r = TrainingHmmStudy.of(TrainingHmmStudy.Config.defaults().withStates(k)).run(runs);
        System.out.printf("HMM study: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        System.out.println(r.selection().toTable().print());
        System.out.println("chosen K = " + r.states());
        System.out.println(r.map().toTable().print());
        System.out.println(r.detours().toTable().print());
        System.out.println("detour counts over restarts: " + java.util.Arrays.toString(r.detourRestartCounts()));
        System.out.println(r.criteriaTable().printAll());
        r.map().savePng(out.resolve("training-map.png"), "Sparse parity (n=40, k=3, width " + hidden + ", "
                + seeds + " seeds): training map, K=" + r.states());
        org.trainingdynamics.viz.Figures.save(r.selection().heldOutChart(), out.resolve("selection"));
    }
}
