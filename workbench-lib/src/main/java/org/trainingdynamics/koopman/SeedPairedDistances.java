package org.trainingdynamics.koopman;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The analysis of Redman et al. §4.2 / Fig. 3 (FCN widths): several conditions, each with one spectrum per
 * seed (same seed index = same base initialisation); per seed, the distance between every pair of
 * conditions, summarised as mean ± population standard deviation over seeds (NumPy {@code np.std}), plus the
 * between-seed distances within one condition (the paper's appendix null, 300 pairs for 25 seeds).
 */
public final class SeedPairedDistances {
    private final Map<String, List<KoopmanSpectrum>> conditions;
    private final SpectralDistance.Ground ground;

    private SeedPairedDistances(Map<String, List<KoopmanSpectrum>> conditions, SpectralDistance.Ground ground) {
        int seeds = -1;
        for (var e : conditions.entrySet()) {
            if (seeds >= 0 && e.getValue().size() != seeds) {
                throw new IllegalArgumentException("condition '" + e.getKey() + "' has " + e.getValue().size()
                        + " seeds, others have " + seeds);
            }
            seeds = e.getValue().size();
        }
        if (seeds < 1) {
            throw new IllegalArgumentException("no seeds");
        }
        this.conditions = new LinkedHashMap<>(conditions);
        this.ground = ground;
    }

    /** Conditions in display order, each a list of per-seed spectra. */
    public static SeedPairedDistances of(Map<String, List<KoopmanSpectrum>> conditions) {
        return new SeedPairedDistances(conditions, SpectralDistance.Ground.EUCLIDEAN);
    }

    /** Same with another ground metric. */
    public static SeedPairedDistances of(Map<String, List<KoopmanSpectrum>> conditions, SpectralDistance.Ground g) {
        return new SeedPairedDistances(conditions, g);
    }

    /** W(a_s, b_s) for every seed s. */
    public double[] perSeed(String a, String b) {
        List<KoopmanSpectrum> la = get(a);
        List<KoopmanSpectrum> lb = get(b);
        double[] out = new double[la.size()];
        for (int s = 0; s < out.length; s++) {
            out[s] = SpectralDistance.wasserstein(la.get(s), lb.get(s), ground);
        }
        return out;
    }

    /** W(c_s, c_t) for every pair of seeds s &lt; t within condition c. */
    public double[] betweenSeeds(String c) {
        List<KoopmanSpectrum> l = get(c);
        List<Double> out = new ArrayList<>();
        for (int s = 0; s < l.size(); s++) {
            for (int t = s + 1; t < l.size(); t++) {
                out.add(SpectralDistance.wasserstein(l.get(s), l.get(t), ground));
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private List<KoopmanSpectrum> get(String c) {
        List<KoopmanSpectrum> l = conditions.get(c);
        if (l == null) {
            throw new IllegalArgumentException("no condition '" + c + "'; conditions are " + conditions.keySet());
        }
        return l;
    }

    /** One row per condition pair and per within-condition null: comparison, n, mean, sd. */
    public Table summary() {
        StringColumn name = StringColumn.create("comparison");
        IntColumn n = IntColumn.create("n");
        DoubleColumn mean = DoubleColumn.create("mean_W");
        DoubleColumn sd = DoubleColumn.create("sd_W");
        List<String> keys = new ArrayList<>(conditions.keySet());
        for (int i = 0; i < keys.size(); i++) {
            for (int j = i + 1; j < keys.size(); j++) {
                add(name, n, mean, sd, keys.get(i) + " vs " + keys.get(j), perSeed(keys.get(i), keys.get(j)));
            }
        }
        if (conditions.values().iterator().next().size() > 1) {
            for (String k : keys) {
                add(name, n, mean, sd, "between seeds, " + k, betweenSeeds(k));
            }
        }
        return Table.create("seed-paired-spectral-distances", name, n, mean, sd);
    }

    private static void add(StringColumn name, IntColumn n, DoubleColumn mean, DoubleColumn sd, String label, double[] v) {
        name.append(label);
        n.append(v.length);
        mean.append(mean(v));
        sd.append(populationSd(v));
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    static double populationSd(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / v.length);
    }
}
