package org.trainingdynamics.koopman;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.knowm.xchart.XYChart;
import org.trainingdynamics.study.Progress;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;
import org.trainingdynamics.train.CopyFolders;
import org.trainingdynamics.train.MultiSeedRunner;
import org.trainingdynamics.train.Setups;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Transformers with and without grokking over the first training steps (Redman et al. 2024, arXiv 2302.09160,
 * §4.4 / Fig. 5; research note §2d): per seed, the recorded {@code mlp.W_out} of the grokking runs (weight decay
 * 1) and of the constrained runs (fixed parameter norm) — each condition one run or several perturbed copies of
 * the seed's initialisation (the paper: 10) — are projected onto 10 principal axes fitted on all of that seed's
 * runs pooled (the paper's {@code dim_reduction}), time-delay embedded (the paper's 32 delays, PyDMD d = 33) and
 * fitted by exact DMD at rank 10, one fit per condition with the copies' snapshot pairs pooled (pairs never cross
 * copies); the cross-condition distance W(grok_s, constrained_s) is compared
 * with the between-seed distances within each condition and by a permutation test on run labels
 * ({@link ConjugacyTest#test}).
 */
public final class TransformerGrokkingReplication {
    private TransformerGrokkingReplication() {
    }

    /**
     * Analysis settings.
     *
     * @param pca    principal axes per seed (paper: 10)
     * @param delays PyDMD d (paper: 32 delays, d = 33)
     * @param rank   DMD rank (paper's saved results: 10)
     * @param tensor observable tensor glob (paper: {@code mlp.W_out})
     */
    public record Config(int pca, int delays, int rank, String tensor) {
        /** Validates. */
        public Config {
            if (pca < 1 || delays < 1 || rank < 1 || tensor == null || tensor.isBlank()) {
                throw new IllegalArgumentException("transformer replication config: pca, delays, rank >= 1 and a tensor"
                        + " glob are required; got pca=" + pca + ", delays=" + delays + ", rank=" + rank + ", tensor=" + tensor);
            }
        }

        /** PCA 10, d = 33, rank 10, {@code mlp.W_out}. */
        public static Config paper() {
            return new Config(10, 33, 10, "mlp.W_out");
        }
    }

    /**
     * Trains {@code seeds} grokking and constrained runs ({@code Setups.transformer()}: the first 100 updates,
     * every update recorded), each with {@code copies} perturbed copies, into {@code out/grokking/seed-<s>} and
     * {@code out/constrained/seed-<s>} (copies in their {@code copy-<c>} folders when more than one).
     *
     * @return the grokking runs and the constrained runs, in seed order
     */
    public static List<List<Path>> train(Path out, long firstSeed, int seeds, int copies) {
        List<Path> g = MultiSeedRunner.run(Setups.transformer().constrained(false).copies(copies).build(), firstSeed,
                seeds, out.resolve("grokking"));
        List<Path> c = MultiSeedRunner.run(Setups.transformer().constrained(true).copies(copies).build(), firstSeed,
                seeds, out.resolve("constrained"));
        return List.of(g, c);
    }

    /** Opens and analyses paired runs (index = seed), each a run folder or a folder of {@code copy-<c>} runs. */
    public static Result run(Config config, List<Path> grokking, List<Path> constrained) {
        return analyse(config, open(grokking), open(constrained));
    }

    private static List<List<Trajectory>> open(List<Path> runs) {
        List<List<Trajectory>> out = new ArrayList<>();
        for (Path p : runs) {
            List<Trajectory> copies = new ArrayList<>();
            for (Path c : CopyFolders.list(p)) {
                copies.add(Trajectories.open(c));
            }
            out.add(copies);
        }
        return out;
    }

    /**
     * Per seed s: PCA on all of seed s's runs (both conditions, every copy) pooled, then one spectrum per condition
     * from its copies' snapshot pairs pooled.
     *
     * @param grokking    per seed, the grokking run's copies (one or more)
     * @param constrained per seed, the constrained run's copies
     */
    public static Result analyse(Config config, List<? extends List<? extends Trajectory>> grokking,
                                 List<? extends List<? extends Trajectory>> constrained) {
        if (grokking.size() != constrained.size() || grokking.size() < 2) {
            throw new IllegalArgumentException("need the same number (>= 2) of grokking and constrained runs, got "
                    + grokking.size() + " and " + constrained.size());
        }
        Dmd dmd = Dmd.builder().rank(config.rank()).delays(config.delays()).build();
        List<KoopmanSpectrum> a = new ArrayList<>();
        List<KoopmanSpectrum> b = new ArrayList<>();
        try (Progress p = Progress.start("transformer spectra", grokking.size())) {
            for (int s = 0; s < grokking.size(); s++) {
                int ng = grokking.get(s).size();
                int nc = constrained.get(s).size();
                if (ng < 1 || nc < 1) {
                    throw new IllegalArgumentException("seed index " + s + " has " + ng + " grokking and " + nc
                            + " constrained copies; each condition needs at least one run");
                }
                List<Trajectory> runs = new ArrayList<>(grokking.get(s));
                runs.addAll(constrained.get(s));
                Snapshots obs = Observables.pca(config.pca(), runs, config.tensor());
                a.add(dmd.fit(obs.subset(IntStream.range(0, ng).toArray())).spectrum());
                b.add(dmd.fit(obs.subset(IntStream.range(ng, ng + nc).toArray())).spectrum());
                p.step();
            }
        }
        return new Result(config, List.copyOf(a), List.copyOf(b),
                ConjugacyTest.builder().seed(1).build().test(a, b));
    }

    /**
     * Spectra and the test.
     *
     * @param config      the analysis settings
     * @param grokking    one spectrum per seed
     * @param constrained one spectrum per seed
     * @param test        cross-condition W, within-condition null, permutation p-value and decision
     */
    public record Result(Config config, List<KoopmanSpectrum> grokking, List<KoopmanSpectrum> constrained,
                         ConjugacyResult test) {
        /** W(grok_s, constrained_s) per seed (same initial seed, same PCA basis). */
        public double[] pairedCross() {
            double[] out = new double[grokking.size()];
            for (int s = 0; s < out.length; s++) {
                out[s] = SpectralDistance.wasserstein(grokking.get(s), constrained.get(s));
            }
            return out;
        }

        /** Mean over seeds of the largest |λ| (paper: ≈ 1.036 grokking, ≈ 1.010 constrained). */
        public static double meanMaxModulus(List<KoopmanSpectrum> l) {
            double s = 0;
            for (KoopmanSpectrum k : l) {
                double m = 0;
                for (double v : k.modulus()) {
                    m = Math.max(m, v);
                }
                s += m;
            }
            return s / l.size();
        }

        /**
         * Mean cross-condition W over the mean within-condition (between-seed) W of both conditions pooled; the
         * paper: 0.0275 / ≈ 0.0024 ≈ 11.
         */
        public double crossToWithinRatio() {
            double[] wa = test.withinA();
            double[] wb = test.withinB();
            double s = 0;
            for (double v : wa) {
                s += v;
            }
            for (double v : wb) {
                s += v;
            }
            return test.distance() / (s / (wa.length + wb.length));
        }

        /** Summary rows: comparison, n, mean, sd (population), with the paper's values beside. */
        public Table toTable() {
            StringColumn name = StringColumn.create("quantity");
            DoubleColumn mean = DoubleColumn.create("mean");
            DoubleColumn sd = DoubleColumn.create("sd");
            DoubleColumn n = DoubleColumn.create("n");
            DoubleColumn paper = DoubleColumn.create("paper_mean");
            add(name, mean, sd, n, paper, "W(grokking, constrained), all cross pairs", test.crossDistances(), 0.0275);
            add(name, mean, sd, n, paper, "W(grokking, constrained), same seed", pairedCross(), 0.0275);
            add(name, mean, sd, n, paper, "between seeds, grokking", test.withinA(), 0.0021);
            add(name, mean, sd, n, paper, "between seeds, constrained", test.withinB(), 0.0026);
            add(name, mean, sd, n, paper, "max |λ|, grokking", maxMods(grokking), 1.036);
            add(name, mean, sd, n, paper, "max |λ|, constrained", maxMods(constrained), 1.010);
            return Table.create("transformer-grokking-koopman", name, n, mean, sd, paper);
        }

        private static double[] maxMods(List<KoopmanSpectrum> l) {
            double[] out = new double[l.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = meanMaxModulus(List.of(l.get(i)));
            }
            return out;
        }

        private static void add(StringColumn name, DoubleColumn mean, DoubleColumn sd, DoubleColumn n, DoubleColumn paper,
                                String label, double[] v, double p) {
            name.append(label);
            mean.append(SeedPairedDistances.mean(v));
            sd.append(SeedPairedDistances.populationSd(v));
            n.append(v.length);
            paper.append(p);
        }

        /** Eigenvalues of every seed, grokking vs constrained, on the complex plane (zoom of Fig. 5). */
        public XYChart chart() {
            Map<String, KoopmanSpectrum> m = new LinkedHashMap<>();
            m.put("grokking", pool(grokking));
            m.put("constrained", pool(constrained));
            XYChart c = KoopmanFigures.unitCircle("Transformer, first steps: Koopman eigenvalues (all seeds)", m);
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            double im = 0;
            for (KoopmanSpectrum k : m.values()) {
                for (int i = 0; i < k.size(); i++) {
                    lo = Math.min(lo, k.re()[i]);
                    hi = Math.max(hi, k.re()[i]);
                    im = Math.max(im, Math.abs(k.im()[i]));
                }
            }
            double pad = 0.05 * Math.max(hi - lo, 2 * im) + 1e-3;
            double half = Math.max(hi - lo, 2 * im) / 2 + pad;
            double mid = (lo + hi) / 2;
            c.getStyler().setXAxisMin(mid - half).setXAxisMax(mid + half).setYAxisMin(-half).setYAxisMax(half);
            return c;
        }

        private static KoopmanSpectrum pool(List<KoopmanSpectrum> l) {
            List<double[]> pairs = new ArrayList<>();
            for (KoopmanSpectrum k : l) {
                for (int i = 0; i < k.size(); i++) {
                    pairs.add(new double[]{k.re()[i], k.im()[i]});
                }
            }
            return KoopmanSpectrum.fromPairs(pairs.toArray(new double[0][]));
        }
    }
}
