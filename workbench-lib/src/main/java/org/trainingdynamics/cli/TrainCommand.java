package org.trainingdynamics.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.trainingdynamics.train.BundledData;
import org.trainingdynamics.train.MultiSeedRunner;
import org.trainingdynamics.train.RunResult;
import org.trainingdynamics.train.Setup;
import org.trainingdynamics.train.Setups;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./workbench train <setup> --seed S --out DIR [--seeds N] [--set key=value …]}: trains one of the
 * {@link Setups} and records its trajectory; {@code --regenerate-bundled} re-creates the bundled data sets.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a setup and record its trajectory (weights at checkpoints, metrics per step).",
            "Setups: omd-ogd, grokking-mlp, sparse-parity, fcn, cnn, transformer, dln. See docs/training.md.",
            "dln options: d, alpha (n/d), sparsity, prior (rademacher|gaussian|atoms:1,2,4), noise, s0 or gamma,",
            "  step, horizon, checkpoints, parameterization, integrator (mirror|parameters), record-parameters,",
            "  support-threshold; e.g. train dln --seed 1 --out runs/dln --set s0=0.01 --set horizon=40"})
public final class TrainCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "SETUP", description = "setup name")
    String setup;

    @Option(names = "--seed", defaultValue = "0", description = "seed (first seed with --seeds; default 0)")
    long seed;

    @Option(names = "--seeds", defaultValue = "1", description = "number of seeds; >1 writes seed-<s> sub-folders, "
            + "resuming a partly finished sweep")
    int seeds;

    @Option(names = "--out", description = "output folder (must not exist or be empty for a single run)")
    Path out;

    @Option(names = {"--set", "-s"}, description = "setup option key=value, e.g. --set weight-decay=0 (repeatable)")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(names = "--list", description = "list setups and bundled data sets")
    boolean list;

    @Option(names = "--regenerate-bundled", description = "re-train the bundled trajectories under data/ (bit-identical)")
    boolean regenerate;

    @Option(names = "--only", split = ",", description = "with --regenerate-bundled: only these bundles")
    List<String> only = new ArrayList<>();

    @Option(names = "--data-dir", description = "with --regenerate-bundled: the data folder (default $WORKBENCH_ROOT/data)")
    Path dataDir;

    @Override
    public Integer call() {
        if (list) {
            System.out.println("setups: " + String.join(", ", Setups.names()));
            System.out.println("bundled data:");
            for (BundledData.Bundle b : BundledData.all()) {
                System.out.println("  " + b.folder() + ": " + b.description() + "\n      " + b.command());
            }
            return 0;
        }
        if (regenerate) {
            Path dir = dataDir != null ? dataDir : BundledData.dataDir();
            List<BundledData.Bundle> todo = new ArrayList<>();
            if (only.isEmpty()) {
                todo.addAll(BundledData.all());
            } else {
                for (String name : only) {
                    todo.add(BundledData.named(name));
                }
            }
            for (BundledData.Bundle b : todo) {
                System.err.println("regenerating data/" + b.folder() + " (" + b.command() + ")");
                b.regenerate(dir.resolve(b.folder()));
            }
            return 0;
        }
        if (setup == null) {
            throw new IllegalArgumentException("give a setup (one of " + Setups.names() + "), --list or --regenerate-bundled");
        }
        if (out == null) {
            throw new IllegalArgumentException("--out DIR is required");
        }
        Setup s = Setups.fromOptions(setup, options);
        if (seeds > 1) {
            List<Path> dirs = MultiSeedRunner.run(s, seed, seeds, out);
            System.out.println("wrote " + dirs.size() + " runs under " + out);
        } else if (seeds == 1) {
            RunResult r = s.run(seed, out);
            System.out.println("wrote " + r.trajectories());
            r.finalMetrics().forEach((k, v) -> System.out.println("  " + k + " = " + v));
        } else {
            throw new IllegalArgumentException("--seeds must be >= 1, got " + seeds);
        }
        return 0;
    }
}
