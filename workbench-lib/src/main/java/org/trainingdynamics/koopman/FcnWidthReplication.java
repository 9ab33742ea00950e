package org.trainingdynamics.koopman;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.trainingdynamics.study.Progress;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;
import org.trainingdynamics.train.CopyFolders;
import org.trainingdynamics.train.MultiSeedRunner;
import org.trainingdynamics.train.Setups;
import org.trainingdynamics.viz.Figures;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * Narrow vs wide FCNs (Redman et al. 2024, arXiv 2302.09160, §4.2 / Fig. 3; research note §2b): for each width
 * h and base seed, the Koopman spectrum of the output-layer weights ({@code fc2.weight}, 10·h values) of the
 * seed's perturbed copies pooled as separate trajectories, time-delay embedded with the paper's
 * {@code int(320/h)} delays (PyDMD d = 320/h + 1 stacked snapshots, so every width has an embedding of ≈ 3.3k
 * dimensions) and exact DMD at rank 10; then per seed W(h_a, h_b) (1-Wasserstein, Euclidean ground metric) and
 * the between-seed distances within the widest width (the paper's appendix null).
 *
 * <p>The paper's claims checked by {@link Result}: W(10,40) &lt; W(5,40) in most seeds, W(10,40) within the
 * between-seed spread of the widest width, and larger |Im λ| for the narrowest width.
 */
public final class FcnWidthReplication {
    private FcnWidthReplication() {
    }

    /**
     * Analysis settings with the paper's defaults.
     *
     * @param rank        DMD rank k (paper: 10)
     * @param delayBudget the paper's delays are {@code int(delayBudget / h)} (paper: 320)
     * @param tensor      observable tensor glob (paper: {@code fc2.weight})
     */
    public record Config(int rank, int delayBudget, String tensor) {
        /** Validates. */
        public Config {
            if (rank < 1 || delayBudget < 0 || tensor == null || tensor.isBlank()) {
                throw new IllegalArgumentException("FCN replication config: rank >= 1, delayBudget >= 0 and a tensor"
                        + " glob are required; got rank=" + rank + ", delayBudget=" + delayBudget + ", tensor=" + tensor);
            }
        }

        /** Rank 10, int(320/h) delays, {@code fc2.weight}. */
        public static Config paper() {
            return new Config(10, 320, "fc2.weight");
        }

        /** PyDMD's d (stacked snapshots) for width h: int(delayBudget / h) + 1. */
        public int stackedSnapshots(int width) {
            return delayBudget / width + 1;
        }
    }

    /**
     * Trains the runs with the workbench trainer ({@code Setups.fcn()}, Fashion-MNIST) into
     * {@code out/h<width>/seed-<s>/copy-<c>} (resumable) and returns the folder of each width.
     */
    public static SortedMap<Integer, Path> train(Path out, long firstSeed, int seeds, int copies, int... widths) {
        SortedMap<Integer, Path> dirs = new TreeMap<>();
        for (int h : widths) {
            Path d = out.resolve("h" + h);
            MultiSeedRunner.run(Setups.fcn().hidden(h).copies(copies).build(), firstSeed, seeds, d);
            dirs.put(h, d);
        }
        return dirs;
    }

    /**
     * Runs the analysis on trained runs: {@code widthDirs} maps h to a folder of {@code seed-<s>} runs, each
     * holding {@code copy-<c>} trajectories (the layout of {@code ./workbench train fcn --seeds n}). Seeds
     * present for every width are used, in seed order.
     */
    public static Result run(Config config, Map<Integer, Path> widthDirs) {
        if (widthDirs.size() < 2) {
            throw new IllegalArgumentException("need at least two widths, got " + widthDirs.keySet());
        }
        SortedMap<Integer, SortedMap<Long, List<Trajectory>>> found = new TreeMap<>();
        for (var e : widthDirs.entrySet()) {
            found.put(e.getKey(), seedRuns(e.getValue()));
        }
        List<Long> common = new ArrayList<>(found.values().iterator().next().keySet());
        for (var m : found.values()) {
            common.retainAll(m.keySet());
        }
        if (common.isEmpty()) {
            throw new IllegalArgumentException("no seed is present for every width in " + widthDirs);
        }
        SortedMap<Integer, List<Snapshots>> snaps = new TreeMap<>();
        for (var e : found.entrySet()) {
            List<Snapshots> l = new ArrayList<>();
            for (long s : common) {
                l.add(Observables.weights(e.getValue().get(s), config.tensor()));
            }
            snaps.put(e.getKey(), l);
        }
        return analyse(config, snaps, common.stream().mapToLong(Long::longValue).toArray());
    }

    /** The analysis on given observables: per width, one {@link Snapshots} (the copies) per seed. */
    public static Result analyse(Config config, SortedMap<Integer, List<Snapshots>> perWidth, long[] seeds) {
        if (perWidth.size() < 2) {
            throw new IllegalArgumentException("need at least two widths, got " + perWidth.keySet());
        }
        for (var e : perWidth.entrySet()) {
            if (e.getKey() < 1 || e.getValue().size() != seeds.length) {
                throw new IllegalArgumentException("width " + e.getKey() + " has " + e.getValue().size()
                        + " seeds, expected " + seeds.length);
            }
        }
        SortedMap<Integer, List<KoopmanSpectrum>> spectra = new TreeMap<>();
        try (Progress p = Progress.start("FCN width spectra", perWidth.size() * seeds.length)) {
            for (var e : perWidth.entrySet()) {
                Dmd dmd = Dmd.builder().rank(config.rank()).delays(config.stackedSnapshots(e.getKey())).build();
                List<KoopmanSpectrum> l = new ArrayList<>();
                for (Snapshots s : e.getValue()) {
                    l.add(dmd.fit(s).spectrum());
                    p.step();
                }
                spectra.put(e.getKey(), List.copyOf(l));
            }
        }
        return new Result(config, seeds.clone(), spectra);
    }

    private static SortedMap<Long, List<Trajectory>> seedRuns(Path dir) {
        SortedMap<Long, List<Trajectory>> out = new TreeMap<>();
        try (Stream<Path> seeds = Files.list(dir)) {
            for (Path s : seeds.filter(Files::isDirectory).toList()) {
                String n = s.getFileName().toString();
                if (!n.startsWith("seed-")) {
                    continue;
                }
                List<Trajectory> runs = new ArrayList<>();
                for (Path c : CopyFolders.list(s)) {
                    runs.add(Trajectories.open(c));
                }
                out.put(Long.parseLong(n.substring(5)), runs);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list FCN runs in " + dir, e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no seed-<s> runs in " + dir);
        }
        return out;
    }

    /**
     * Spectra per width and seed and the paper's comparisons.
     *
     * @param config  the analysis settings
     * @param seeds   base seeds, in order
     * @param spectra per width (ascending), one spectrum per seed
     */
    public record Result(Config config, long[] seeds, SortedMap<Integer, List<KoopmanSpectrum>> spectra) {
        /** Defensive copies. */
        public Result {
            seeds = seeds.clone();
            spectra = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(spectra));
        }

        /** Seed-paired distances with conditions named {@code h<width>}. */
        public SeedPairedDistances distances() {
            Map<String, List<KoopmanSpectrum>> m = new LinkedHashMap<>();
            spectra.forEach((h, l) -> m.put("h" + h, l));
            return SeedPairedDistances.of(m);
        }

        /** W(h_a, h_b) per seed. */
        public double[] perSeed(int a, int b) {
            return distances().perSeed("h" + a, "h" + b);
        }

        /** Between-seed distances within width h (all pairs of seeds). */
        public double[] betweenSeeds(int h) {
            return distances().betweenSeeds("h" + h);
        }

        private int narrow() {
            return spectra.firstKey();
        }

        private int wide() {
            return spectra.lastKey();
        }

        private int middle() {
            List<Integer> ks = new ArrayList<>(spectra.keySet());
            return ks.get(ks.size() / 2);
        }

        /** Seeds where W(middle, widest) &lt; W(narrowest, widest) — the paper: 20 of 25. */
        public int seedsMiddleCloserToWide() {
            double[] mw = perSeed(middle(), wide());
            double[] nw = perSeed(narrow(), wide());
            int c = 0;
            for (int s = 0; s < mw.length; s++) {
                if (mw[s] < nw[s]) {
                    c++;
                }
            }
            return c;
        }

        /** One-sided sign-test p-value of {@link #seedsMiddleCloserToWide()} under a fair coin. */
        public double signTestP() {
            int n = seeds.length;
            int k = seedsMiddleCloserToWide();
            double p = 0;
            for (int i = k; i <= n; i++) {
                p += Math.exp(logChoose(n, i) - n * Math.log(2));
            }
            return Math.min(1, p);
        }

        private static double logChoose(int n, int k) {
            double s = 0;
            for (int i = 1; i <= k; i++) {
                s += Math.log(n - k + i) - Math.log(i);
            }
            return s;
        }

        /** Seeds whose W(middle, widest) is at most mean + 1 sd of the widest width's between-seed distances. */
        public int seedsMiddleWithinWideSpread() {
            double[] b = betweenSeeds(wide());
            double thr = SeedPairedDistances.mean(b) + SeedPairedDistances.populationSd(b);
            int c = 0;
            for (double w : perSeed(middle(), wide())) {
                if (w <= thr) {
                    c++;
                }
            }
            return c;
        }

        /** Mean over seeds of the largest |Im λ| of each width's spectrum (paper: 0.029 for h = 5, 0.018 else). */
        public double meanMaxImag(int h) {
            List<KoopmanSpectrum> l = spectra.get(h);
            if (l == null) {
                throw new IllegalArgumentException("no width " + h + "; widths are " + spectra.keySet());
            }
            double s = 0;
            for (KoopmanSpectrum k : l) {
                s += Arrays.stream(k.im()).map(Math::abs).max().orElse(0);
            }
            return s / l.size();
        }

        /** The paper's table: per pair of widths and between seeds, n, mean ± sd (population) of W. */
        public Table toTable() {
            return distances().summary();
        }

        /** Per seed: W for every pair of widths. */
        public Table perSeedTable() {
            Table t = Table.create("fcn-width-distances-per-seed",
                    IntColumn.create("seed", Arrays.stream(seeds).mapToInt(s -> (int) s).toArray()));
            List<Integer> ks = new ArrayList<>(spectra.keySet());
            for (int i = 0; i < ks.size(); i++) {
                for (int j = i + 1; j < ks.size(); j++) {
                    t.addColumns(DoubleColumn.create("W_h" + ks.get(i) + "_h" + ks.get(j), perSeed(ks.get(i), ks.get(j))));
                }
            }
            return t;
        }

        /** The verdict lines: counts, sign test, spread and oscillation, against the paper's numbers. */
        public String report() {
            int n = seeds.length;
            double[] b = betweenSeeds(wide());
            StringBuilder sb = new StringBuilder();
            sb.append(toTable().print()).append('\n');
            sb.append(String.format("W(h%d,h%d) < W(h%d,h%d) in %d of %d seeds (one-sided sign test p = %.3g; paper: 20/25)%n",
                    middle(), wide(), narrow(), wide(), seedsMiddleCloserToWide(), n, signTestP()));
            sb.append(String.format("W(h%d,h%d) <= mean + sd of between-seed h%d (%.4g) in %d of %d seeds%n",
                    middle(), wide(), wide(), SeedPairedDistances.mean(b) + SeedPairedDistances.populationSd(b),
                    seedsMiddleWithinWideSpread(), n));
            for (int h : spectra.keySet()) {
                sb.append(String.format("mean max |Im λ|, h%d: %.4f%n", h, meanMaxImag(h)));
            }
            return sb.toString();
        }

        /**
         * Per seed, W(narrowest, widest) and W(middle, widest), with the widest width's between-seed mean ± sd as
         * horizontal lines (the paper's Fig. 3 bar plot, seed by seed).
         */
        public XYChart chart() {
            XYChart c = Figures.xy("FCN widths: Koopman spectral distance per seed", "seed", "W (1-Wasserstein)");
            double[] x = Arrays.stream(seeds).asDoubleStream().toArray();
            XYSeries a = c.addSeries("W(h" + narrow() + ",h" + wide() + ")", x, perSeed(narrow(), wide()));
            XYSeries m = c.addSeries("W(h" + middle() + ",h" + wide() + ")", x, perSeed(middle(), wide()));
            a.setMarker(SeriesMarkers.CIRCLE);
            m.setMarker(SeriesMarkers.DIAMOND);
            double[] b = betweenSeeds(wide());
            double mu = SeedPairedDistances.mean(b);
            double sd = SeedPairedDistances.populationSd(b);
            double[] ends = {x[0], x[x.length - 1]};
            XYSeries lo = c.addSeries("between seeds h" + wide() + ": mean", ends, new double[]{mu, mu});
            XYSeries hi = c.addSeries("between seeds h" + wide() + ": mean + sd", ends, new double[]{mu + sd, mu + sd});
            lo.setMarker(SeriesMarkers.NONE);
            hi.setMarker(SeriesMarkers.NONE);
            return c;
        }
    }
}
