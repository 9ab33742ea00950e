package org.trainingdynamics.dln;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.knowm.xchart.XYChart;
import org.trainingdynamics.viz.Figures;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * Incremental (saddle-to-saddle) learning at small initialisation (dmft.md §2 "timescales", §4; Pesme &amp; Flammarion
 * 2023, arXiv:2304.00488): teacher coordinates activate one group after another, larger |β*| first, with the train
 * loss on a plateau in between. A coordinate i with β*_i ≠ 0 is <i>activated</i> at the first checkpoint where
 * |β_i(t)| ≥ f·|β*_i| (f = 0.5 by default). The early-time prediction for a group of magnitude b is
 * t ≈ log(2f·b/γ)/(4αb): while β ≈ 0 the field is a ≈ αβ* and β = γ sinh 4A ≈ (γ/2)e^{4A} (diff-squares), so the
 * search time scales as log(1/γ). Plateaus are maximal time intervals (≥ 3 checkpoints) on which the loss decay rate
 * −d log E_tr/dt is below {@code 0.1} of its maximum.
 */
public final class IncrementalLearning {
    private IncrementalLearning() {
    }

    /**
     * Activation statistics of the teacher coordinates of one magnitude.
     *
     * @param magnitude  |β*|
     * @param count      coordinates in the group
     * @param activated  how many activated within the horizon
     * @param median     median activation time (NaN if fewer than half activated)
     * @param first      earliest activation
     * @param last       latest activation (NaN if some never activated)
     * @param predicted  log(2f·b/γ)/(4αb)
     */
    public record Group(double magnitude, int count, int activated, double median, double first, double last,
                        double predicted) {
    }

    /**
     * Result: the groups ordered by decreasing magnitude, the loss plateaus, and the per-coordinate activation times.
     *
     * @param groups        groups by decreasing |β*|
     * @param plateaus      [start, end] time intervals of loss plateaus
     * @param activation    activation time per coordinate (NaN off the support or never)
     * @param times         checkpoint times
     * @param trainLoss     E_tr(t)
     */
    public record Result(List<Group> groups, List<double[]> plateaus, double[] activation, double[] times,
                         double[] trainLoss) {

        /** Whether group medians increase strictly as magnitude decreases (bigger coordinates learned first). */
        public boolean activatesInOrder() {
            for (int g = 1; g < groups.size(); g++) {
                if (!(groups.get(g).median() > groups.get(g - 1).median())) {
                    return false;
                }
            }
            return true;
        }

        /** Whether each group's median activation comes after the previous group's last activation (a staircase). */
        public boolean separated() {
            for (int g = 1; g < groups.size(); g++) {
                if (!(groups.get(g).median() > groups.get(g - 1).last())) {
                    return false;
                }
            }
            return true;
        }

        /** One row per group. */
        public Table toTable() {
            Table t = Table.create("incremental-learning", DoubleColumn.create("magnitude"), IntColumn.create("count"),
                    IntColumn.create("activated"), DoubleColumn.create("median_time"), DoubleColumn.create("first_time"),
                    DoubleColumn.create("last_time"), DoubleColumn.create("predicted_time"));
            for (Group g : groups) {
                t.doubleColumn("magnitude").append(g.magnitude());
                t.intColumn("count").append(g.count());
                t.intColumn("activated").append(g.activated());
                t.doubleColumn("median_time").append(g.median());
                t.doubleColumn("first_time").append(g.first());
                t.doubleColumn("last_time").append(g.last());
                t.doubleColumn("predicted_time").append(g.predicted());
            }
            return t;
        }

        /** Train loss (log y) with the group median activation times marked. */
        public XYChart chart() {
            XYChart c = Figures.xy("Incremental learning", "t", "train loss");
            c.getStyler().setYAxisLogarithmic(true);
            c.addSeries("train loss", times, DlnEnsemble.positive(trainLoss));
            double lo = Arrays.stream(trainLoss).filter(v -> v > 0).min().orElse(1e-12);
            double hi = Arrays.stream(trainLoss).max().orElse(1);
            for (Group g : groups) {
                if (Double.isFinite(g.median())) {
                    c.addSeries(String.format("|beta*|=%.3g active", g.magnitude()), new double[] {g.median(), g.median()},
                            new double[] {lo, hi});
                }
            }
            return c;
        }
    }

    /** Analyses a run with activation fraction f = 0.5. */
    public static Result analyze(DlnRun run) {
        return analyze(run, 0.5);
    }

    /** Analyses a run: activation times from its recorded β trajectory. */
    public static Result analyze(DlnRun run, double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("incremental learning: fraction must be in (0, 1], got " + fraction);
        }
        double[] teacher = run.teacher();
        double[] times = run.times();
        int d = teacher.length;
        int t = times.length;
        double[] act = new double[d];
        Arrays.fill(act, Double.NaN);
        double[] row = new double[d];
        for (int k = 0; k < t; k++) {
            run.trajectory().read("beta", k, 0, row, 0, d);
            for (int i = 0; i < d; i++) {
                if (teacher[i] != 0 && Double.isNaN(act[i]) && Math.abs(row[i]) >= fraction * Math.abs(teacher[i])) {
                    act[i] = times[k];
                }
            }
        }
        TreeMap<Double, List<Double>> byMag = new TreeMap<>((a, b) -> Double.compare(b, a));
        for (int i = 0; i < d; i++) {
            if (teacher[i] != 0) {
                byMag.computeIfAbsent(Math.abs(teacher[i]), x -> new ArrayList<>()).add(act[i]);
            }
        }
        DlnConfig c = run.config();
        List<Group> groups = new ArrayList<>();
        for (var e : byMag.entrySet()) {
            double b = e.getKey();
            double[] ts = e.getValue().stream().mapToDouble(Double::doubleValue).toArray();
            double[] fin = Arrays.stream(ts).filter(Double::isFinite).sorted().toArray();
            double median = fin.length * 2 >= ts.length && fin.length > 0 ? medianOfAll(ts) : Double.NaN;
            double first = fin.length > 0 ? fin[0] : Double.NaN;
            double last = fin.length == ts.length ? fin[fin.length - 1] : Double.NaN;
            double pred = Math.log(2 * fraction * b / c.gamma()) / (4 * c.alpha() * b);
            groups.add(new Group(b, ts.length, fin.length, median, first, last, pred));
        }
        return new Result(List.copyOf(groups), plateaus(times, run.trainLoss()), act, times.clone(),
                run.trainLoss().clone());
    }

    /** Median treating never-activated (NaN) as +∞. */
    private static double medianOfAll(double[] ts) {
        double[] s = ts.clone();
        for (int i = 0; i < s.length; i++) {
            if (Double.isNaN(s[i])) {
                s[i] = Double.POSITIVE_INFINITY;
            }
        }
        Arrays.sort(s);
        int m = s.length;
        return m % 2 == 1 ? s[m / 2] : 0.5 * (s[m / 2 - 1] + s[m / 2]);
    }

    /** Maximal intervals (≥ 3 checkpoints) where −d log L/dt &lt; 0.1·max. */
    static List<double[]> plateaus(double[] times, double[] loss) {
        int t = times.length;
        double[] rate = new double[t - 1];
        double max = 0;
        for (int k = 0; k + 1 < t; k++) {
            double a = Math.log(Math.max(loss[k], 1e-300));
            double b = Math.log(Math.max(loss[k + 1], 1e-300));
            rate[k] = -(b - a) / (times[k + 1] - times[k]);
            max = Math.max(max, rate[k]);
        }
        List<double[]> out = new ArrayList<>();
        int start = -1;
        for (int k = 0; k <= rate.length; k++) {
            boolean flat = k < rate.length && rate[k] < 0.1 * max;
            if (flat && start < 0) {
                start = k;
            } else if (!flat && start >= 0) {
                if (k - start >= 2) {
                    out.add(new double[] {times[start], times[k]});
                }
                start = -1;
            }
        }
        return out;
    }
}
