package org.trainingdynamics.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.trainingdynamics.trajectory.Trajectories;

/**
 * The small recorded trajectories bundled in the repository's {@code data/} folder, so notebooks and the
 * reproduction job run without training first. Each bundle is defined once here, by a setup name, its
 * options, and seeds; the same definition produces the documented command ({@link Bundle#command()}) and the
 * regeneration ({@code ./workbench train --regenerate-bundled}), which is bit-identical on the same back end.
 */
public final class BundledData {
    private BundledData() {
    }

    /**
     * One bundled run or sweep.
     *
     * @param folder      folder name under {@code data/}
     * @param setup       setup name
     * @param options     setup options
     * @param seed        (first) seed
     * @param seeds       number of seeds (sweeps write {@code seed-<s>} sub-folders)
     * @param description what it is for
     */
    public record Bundle(String folder, String setup, Map<String, String> options, long seed, int seeds,
                         String description) {
        public Bundle {
            options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
        }

        /** The {@code ./workbench} command that produces this bundle into {@code data/<folder>}. */
        public String command() {
            StringBuilder sb = new StringBuilder("./workbench train " + setup + " --seed " + seed);
            if (seeds > 1) {
                sb.append(" --seeds ").append(seeds);
            }
            sb.append(" --out data/").append(folder);
            options.forEach((k, v) -> sb.append(" --set ").append(k).append('=').append(v));
            return sb.toString();
        }

        /** Trains this bundle into {@code target} (replacing it only once the new one is complete). */
        public void regenerate(Path target) {
            Setup s = Setups.fromOptions(setup, options);
            Path tmp = target.resolveSibling("." + target.getFileName() + ".regenerating");
            Trajectories.deleteTree(tmp);
            if (seeds > 1) {
                MultiSeedRunner.run(s, seed, seeds, tmp);
            } else {
                s.run(seed, tmp);
            }
            Trajectories.replaceDir(tmp, target);
        }
    }

    private static Map<String, String> opts(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** Every bundle, smallest first. */
    public static List<Bundle> all() {
        List<Bundle> b = new ArrayList<>();
        b.add(new Bundle("omd-ogd", "omd-ogd", opts(), 0, 1,
                "OMD, OGD and bisection iterates on sum tan(x_i), 5x5 initial conditions, 100 iterates (Koopman study)"));
        Map<String, String> grok = opts("p", "31", "width", "128", "train-fraction", "0.5", "lr", "3e-3",
                "steps", "3000", "checkpoint-every", "100");
        Map<String, String> wd1 = new LinkedHashMap<>(grok);
        wd1.put("weight-decay", "1");
        Map<String, String> wd0 = new LinkedHashMap<>(grok);
        wd0.put("weight-decay", "0");
        b.add(new Bundle("grokking-mlp-wd1", "grokking-mlp", wd1, 0, 1,
                "reduced grokking MLP (p=31, width 128) with weight decay 1: groks (spectral, CMD, HMM studies)"));
        b.add(new Bundle("grokking-mlp-wd0", "grokking-mlp", wd0, 0, 1,
                "the same without weight decay: memorises, does not grok (control)"));
        b.add(new Bundle("sparse-parity", "sparse-parity", opts("width", "100"), 0, 4,
                "sparse parity (n=40, k=3, official settings but width 100), 4 seeds (HMM study sample)"));
        return b;
    }

    /** The bundle stored in {@code data/<folder>}. */
    public static Bundle named(String folder) {
        for (Bundle b : all()) {
            if (b.folder().equals(folder)) {
                return b;
            }
        }
        throw new IllegalArgumentException("no bundled data set '" + folder + "'; bundles are "
                + all().stream().map(Bundle::folder).toList());
    }

    /** The repository's {@code data/} folder: {@code $WORKBENCH_ROOT/data} if set, else {@code ./data}. */
    public static Path dataDir() {
        String root = System.getenv("WORKBENCH_ROOT");
        Path d = root != null ? Path.of(root, "data") : Path.of("data");
        if (!Files.isDirectory(d)) {
            throw new IllegalArgumentException("bundled data folder " + d.toAbsolutePath() + " not found; run from the "
                    + "repository root or set WORKBENCH_ROOT");
        }
        return d;
    }
}
