package org.trainingdynamics.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.trainingdynamics.cmd.Cmd;
import org.trainingdynamics.cmd.EmbeddedCmd;
import org.trainingdynamics.train.BundledData;
import org.trainingdynamics.train.EpochHook;
import org.trainingdynamics.train.MultiSeedRunner;
import org.trainingdynamics.train.RunResult;
import org.trainingdynamics.train.Setup;
import org.trainingdynamics.train.Setups;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./workbench train <setup> --seed S --out DIR [--seeds N] [--set key=value …] [--cmd-embed …]}: trains
 * one of the {@link Setups} and records its trajectory; {@code --cmd-embed} trains with embedded CMD
 * ({@link EmbeddedCmd}, Brokman et al. 2024 Sec. 3.3) as the setup's epoch hook, logging the number of
 * embedded parameters as metrics column {@code cmd_embedded}; {@code --regenerate-bundled} re-creates the
 * bundled data sets.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a setup and record its trajectory (weights at checkpoints, metrics per step).",
            "Setups: omd-ogd, grokking-mlp, sparse-parity, fcn, cnn, transformer, dln. See docs/training.md.",
            "dln options: d, alpha (n/d), sparsity, prior (rademacher|gaussian|atoms:1,2,4), noise, s0 or gamma,",
            "  step, horizon, checkpoints, parameterization, integrator (mirror|parameters), record-parameters,",
            "  support-threshold; e.g. train dln --seed 1 --out runs/dln --set s0=0.01 --set horizon=40",
            "Embedded CMD (cnn, sparse-parity): --cmd-embed [--cmd-warmup F] [--cmd-window L] [--cmd-percent P]",
            "  [--cmd-relative] [--cmd-modes M] [--cmd-sample-size K]; official defaults F=20, L=10, P=10, M=10, K=1000.",
            "  Logs metrics column cmd_embedded (parameters embedded after each epoch). See docs/cmd.md."})
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

    @Option(names = "--cmd-embed", description = "train with embedded CMD (Brokman et al. 2024): every L epochs after a "
            + "warm-up of F epochs, the P% of parameters whose (a, b) moved least follow a·w_ref + b from then on")
    boolean cmdEmbed;

    @Option(names = "--cmd-warmup", paramLabel = "F", description = "with --cmd-embed: warm-up epochs; CMD is fitted on "
            + "epochs 0..F (epoch 0 = initial weights; default 20)")
    Integer cmdWarmup;

    @Option(names = "--cmd-window", paramLabel = "L", description = "with --cmd-embed: an embedding round at every epoch "
            + "> F divisible by L (default 10)")
    Integer cmdWindow;

    @Option(names = "--cmd-percent", paramLabel = "P", description = "with --cmd-embed: percentage of the parameters "
            + "embedded per round (default 10)")
    Double cmdPercent;

    @Option(names = "--cmd-relative", description = "with --cmd-embed: P is a percentage of the not yet embedded parameters")
    boolean cmdRelative;

    @Option(names = "--cmd-modes", paramLabel = "M", description = "with --cmd-embed: CMD modes (default 10)")
    Integer cmdModes;

    @Option(names = "--cmd-sample-size", paramLabel = "K", description = "with --cmd-embed: CMD sample size (default 1000)")
    Integer cmdSampleSize;

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
        Setup s = Setups.fromOptions(setup, options, embeddedCmd());
        if (seeds > 1) {
            List<Path> dirs = MultiSeedRunner.run(s, seed, seeds, out);
            System.out.println("wrote " + dirs.size() + " runs under " + out);
        } else if (seeds == 1) {
            RunResult r = s.run(seed, out);
            System.out.println("wrote " + r.trajectories());
            r.finalMetrics().forEach((k, v) -> System.out.println("  " + k + " = " + v));
            if (cmdEmbed) {
                System.out.println("  (cmd_embedded: parameters embedded after the last epoch; per epoch in metrics.csv)");
            }
        } else {
            throw new IllegalArgumentException("--seeds must be >= 1, got " + seeds);
        }
        return 0;
    }

    /** The embedded-CMD epoch hook from the {@code --cmd-*} options, or null without {@code --cmd-embed}. */
    private EpochHook.Factory embeddedCmd() {
        if (!cmdEmbed) {
            List<String> stray = new ArrayList<>();
            if (cmdWarmup != null) {
                stray.add("--cmd-warmup");
            }
            if (cmdWindow != null) {
                stray.add("--cmd-window");
            }
            if (cmdPercent != null) {
                stray.add("--cmd-percent");
            }
            if (cmdRelative) {
                stray.add("--cmd-relative");
            }
            if (cmdModes != null) {
                stray.add("--cmd-modes");
            }
            if (cmdSampleSize != null) {
                stray.add("--cmd-sample-size");
            }
            if (!stray.isEmpty()) {
                throw new IllegalArgumentException(String.join(", ", stray) + " only apply with --cmd-embed");
            }
            return null;
        }
        if (!Setups.epochHookSetups().contains(setup)) {
            throw new IllegalArgumentException("--cmd-embed needs a setup that trains in epochs: "
                    + Setups.epochHookSetups() + ", got '" + setup + "'");
        }
        EmbeddedCmd.Config d = EmbeddedCmd.Config.defaults();
        int modes = cmdModes != null ? cmdModes : d.cmd().modes();
        int k = cmdSampleSize != null ? cmdSampleSize : d.cmd().sampleSize();
        if (modes < 1) {
            throw new IllegalArgumentException("--cmd-modes must be >= 1, got " + modes);
        }
        if (k < 2) {
            throw new IllegalArgumentException("--cmd-sample-size must be >= 2, got " + k);
        }
        EmbeddedCmd.Config cfg;
        try {
            cfg = new EmbeddedCmd.Config(
                    cmdWarmup != null ? cmdWarmup : d.warmup(),
                    cmdWindow != null ? cmdWindow : d.window(),
                    cmdPercent != null ? cmdPercent : d.percent(),
                    cmdRelative,
                    Cmd.builder().modes(modes).sampleSize(k).build());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--cmd-embed: " + e.getMessage(), e);
        }
        int epochs = ((Number) Setups.fromOptions(setup, options).config().get("epochs")).intValue();
        int firstRound = (cfg.warmup() / cfg.window() + 1) * cfg.window();
        if (firstRound >= epochs) {
            throw new IllegalArgumentException("--cmd-embed: with F=" + cfg.warmup() + " and L=" + cfg.window()
                    + " the first embedding round is after epoch " + firstRound + " and takes effect from epoch "
                    + (firstRound + 1) + ", but the run has " + epochs + " epochs; train longer (--set epochs=N) "
                    + "or lower --cmd-warmup / --cmd-window");
        }
        return new EpochHook.Factory(cfg.describe(), tensors -> {
            EmbeddedCmd h = new EmbeddedCmd(tensors, cfg);
            return EpochHook.logging(h::onEpoch, "cmd_embedded", h::embeddedCount);
        });
    }
}
