package org.trainingdynamics.spectral;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.trainingdynamics.trajectory.Trajectory;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * The grokking claims of Yunis et al. 2024 (arXiv 2408.11804, §grokking) in the CPU-scale form of the
 * workbench's research note (spectral.md §6, criteria 1–6), measured on recorded runs: runs with weight decay
 * against a weight-decay-free control.
 *
 * <p>Per run ({@link #measure}): memorisation = first checkpoint with train error 0; grokking = first
 * checkpoint with validation error &lt; {@code grokValError}; the generalisation window = from the last
 * checkpoint whose validation error is still ≥ {@code windowHigh}·e₀ to the first with ≤ {@code windowLow}·e₀,
 * e₀ the validation error at memorisation (with e₀ = 1, as in the paper's transformer, this is "val error from
 * 90% to 10%"); per matrix: normalised effective rank at memorisation and at the end, and the interval of its
 * steepest fall after memorisation; the top-10 SVA score against the final checkpoint; the largest
 * consecutive-layer alignment score; with a {@link ModelEvaluator}, the cost in validation (and train) error of
 * keeping the top half of the singular triplets ({@link LowRankPruning}) at memorisation, grokking and the end.
 * Train and validation errors come from the run's metrics table ({@code train_acc}, {@code test_acc} at the
 * checkpoint steps, as the workbench trainers record them).
 *
 * <p>{@link #verdict} turns the runs into the criterion table: criterion, expected, measured, pass.
 */
public final class GrokkingCriteria {

    private GrokkingCriteria() {
    }

    /**
     * Thresholds of the six criteria (research note §6 defaults; the last three make "clearly lower",
     * "comparable" and "well below 1" explicit).
     *
     * @param grokValError    validation error that counts as generalised (0.05)
     * @param delay           grokking must come at least this many times later than memorisation (3)
     * @param rankDrop        minimum relative fall of the effective rank from memorisation to the end (0.25)
     * @param windowHigh      window start, as a fraction of the validation error at memorisation (0.9)
     * @param windowLow       window end, likewise (0.1)
     * @param sva             top-10 SVA score to exceed from grokking on (0.9)
     * @param svaBefore       "clearly lower before": SVA score at memorisation at most this (0.5)
     * @param pruneCost       pruning cost (validation error points, as a fraction) allowed after grokking and
     *                        exceeded before (0.05)
     * @param controlFraction "comparable rank drop": the control's drop must stay below {@code rankDrop} and,
     *                        where the weight-decay runs' mean drop reaches {@code rankDrop}, below this fraction
     *                        of it (0.5)
     * @param alignment       "well below 1": every consecutive-layer alignment score stays below this (0.5)
     */
    public record Thresholds(double grokValError, double delay, double rankDrop, double windowHigh, double windowLow,
                             double sva, double svaBefore, double pruneCost, double controlFraction, double alignment) {

        /** The defaults above. */
        public static Thresholds defaults() {
            return new Thresholds(0.05, 3, 0.25, 0.9, 0.1, 0.9, 0.5, 0.05, 0.5, 0.5);
        }
    }

    /**
     * Per-matrix measures of one run.
     *
     * @param layer               matrix name
     * @param rankAtMemorisation  normalised effective rank at memorisation (NaN if the run never memorised)
     * @param rankAtEnd           at the last checkpoint
     * @param steepestFromStep    the steepest single-interval fall of the effective rank after memorisation
     *                            runs from this step …
     * @param steepestToStep      … to this step (-1 if no checkpoint after memorisation)
     * @param steepestInWindow    whether that interval lies inside the generalisation window
     * @param svaAtMemorisation   top-10 SVA score (vs the final checkpoint) at memorisation
     * @param svaMinFromGrokking  its minimum from grokking on (NaN if the run never grokked)
     * @param svaAbove            first step from which the score stays above the SVA threshold
     */
    public record LayerMeasures(String layer, double rankAtMemorisation, double rankAtEnd, long steepestFromStep,
                                long steepestToStep, boolean steepestInWindow, double svaAtMemorisation,
                                double svaMinFromGrokking, long svaAbove) {

        /** Relative fall of the effective rank from memorisation to the end (positive = falls). */
        public double rankDrop() {
            return 1 - rankAtEnd / rankAtMemorisation;
        }
    }

    /**
     * Measures of one run (steps, -1 where the event never happens).
     *
     * @param name             run label
     * @param memorisedStep    first checkpoint step with train error 0
     * @param grokkedStep      first checkpoint step with validation error below the threshold
     * @param plateauValError  validation error at memorisation (e₀)
     * @param windowFromStep   generalisation window start
     * @param windowToStep     and end (-1 if the validation error never falls to windowLow·e₀)
     * @param finalValError    validation error at the last checkpoint
     * @param layers           per-matrix measures
     * @param maxAlignment     largest consecutive-layer alignment score over pairs and checkpoints (NaN if none)
     * @param pruning          pruning costs: keys {@code val_cost@<step>}, {@code train_cost@<step>} (keep-top minus
     *                         full error) at memorisation, grokking and the end; empty without an evaluator
     */
    public record RunMeasures(String name, long memorisedStep, long grokkedStep, double plateauValError,
                              long windowFromStep, long windowToStep, double finalValError, List<LayerMeasures> layers,
                              double maxAlignment, Map<String, Double> pruning) {

        /** Pruning cost in validation error at {@code step} (NaN if not probed). */
        public double valCost(long step) {
            return pruning.getOrDefault("val_cost@" + step, Double.NaN);
        }

        /** Pruning cost in train error at {@code step} (NaN if not probed). */
        public double trainCost(long step) {
            return pruning.getOrDefault("train_cost@" + step, Double.NaN);
        }
    }

    /**
     * Measures one run.
     *
     * @param name      label
     * @param run       the recorded run (metrics with {@code train_acc}, {@code test_acc} at the checkpoint steps)
     * @param spectra   {@link SpectralDynamics#run} of it (with vectors, for SVA and alignment)
     * @param layers    matrices of the rank and SVA criteria (e.g. the hidden layer's matrices)
     * @param evaluator the trainer's evaluation for the pruning probe ({@code train_error}, {@code val_error});
     *                  null to skip it
     * @param th        thresholds
     */
    public static RunMeasures measure(String name, Trajectory run, SpectralResult spectra, List<String> layers,
                                      ModelEvaluator evaluator, Thresholds th) {
        long[] steps = spectra.steps();
        int n = steps.length;
        if (n < 2) {
            throw new IllegalArgumentException(name + ": need at least 2 checkpoints, got " + n);
        }
        double[] trainErr = errorAt(run, "train_acc", steps, name);
        double[] valErr = errorAt(run, "test_acc", steps, name);
        int mem = -1;
        for (int t = 0; t < n && mem < 0; t++) {
            if (trainErr[t] == 0) {
                mem = t;
            }
        }
        int grok = -1;
        for (int t = Math.max(mem, 0); mem >= 0 && t < n && grok < 0; t++) {
            if (valErr[t] < th.grokValError()) {
                grok = t;
            }
        }
        double e0 = mem >= 0 ? valErr[mem] : Double.NaN;
        int wTo = -1;
        for (int t = Math.max(mem, 0); mem >= 0 && t < n && wTo < 0; t++) {
            if (valErr[t] <= th.windowLow() * e0) {
                wTo = t;
            }
        }
        int wFrom = -1;
        if (wTo >= 0) {
            wFrom = mem;
            for (int t = mem; t <= wTo; t++) {
                if (valErr[t] >= th.windowHigh() * e0) {
                    wFrom = t;
                }
            }
        }
        int last = n - 1;
        List<LayerMeasures> lm = new ArrayList<>();
        for (String layer : layers) {
            double[] er = spectra.metric(layer, "effective_rank");
            double[] sva = spectra.metric(layer, "sva_score");
            int steep = -1;
            for (int t = Math.max(mem, 0) + 1; mem >= 0 && t <= last; t++) {
                if (steep < 0 || er[t - 1] - er[t] > er[steep - 1] - er[steep]) {
                    steep = t;
                }
            }
            boolean inWindow = steep > 0 && wTo >= 0 && steep - 1 >= wFrom && steep <= wTo;
            double svaMin = Double.NaN;
            for (int t = Math.max(grok, 0); grok >= 0 && t <= last; t++) {
                svaMin = Double.isNaN(svaMin) ? sva[t] : Math.min(svaMin, sva[t]);
            }
            int above = last;
            while (above > 0 && sva[above - 1] > th.sva()) {
                above--;
            }
            lm.add(new LayerMeasures(layer, mem >= 0 ? er[mem] : Double.NaN, er[last],
                    steep > 0 ? steps[steep - 1] : -1, steep > 0 ? steps[steep] : -1, inWindow,
                    mem >= 0 ? sva[mem] : Double.NaN, svaMin, steps[above]));
        }
        double maxAlign = Double.NaN;
        for (AlignmentPair p : spectra.pairs()) {
            for (double a : spectra.alignmentScore(p.name())) {
                maxAlign = Double.isNaN(maxAlign) ? a : Math.max(maxAlign, a);
            }
        }
        Map<String, Double> pruning = new LinkedHashMap<>();
        if (evaluator != null && mem >= 0) {
            List<Integer> cks = new ArrayList<>(List.of(mem));
            if (grok >= 0 && grok != mem) {
                cks.add(grok);
            }
            if (!cks.contains(last)) {
                cks.add(last);
            }
            Table probe = LowRankPruning.probe(run, cks.stream().mapToInt(Integer::intValue).toArray(),
                    LowRankPruning.prunable(run, "*"), evaluator);
            for (int t : cks) {
                pruning.put("val_cost@" + steps[t], probeValue(probe, t, "keep_top", "val_error")
                        - probeValue(probe, t, "full", "val_error"));
                pruning.put("train_cost@" + steps[t], probeValue(probe, t, "keep_top", "train_error")
                        - probeValue(probe, t, "full", "train_error"));
            }
        }
        return new RunMeasures(name, mem >= 0 ? steps[mem] : -1, grok >= 0 ? steps[grok] : -1, e0,
                wFrom >= 0 ? steps[wFrom] : -1, wTo >= 0 ? steps[wTo] : -1, valErr[last], List.copyOf(lm), maxAlign,
                Map.copyOf(pruning));
    }

    /** One row per run × matrix with every measure. */
    public static Table runTable(List<RunMeasures> runs) {
        StringColumn run = StringColumn.create("run");
        StringColumn layer = StringColumn.create("layer");
        LongColumn mem = LongColumn.create("memorised_step");
        LongColumn grok = LongColumn.create("grokked_step");
        LongColumn wFrom = LongColumn.create("window_from");
        LongColumn wTo = LongColumn.create("window_to");
        DoubleColumn finalVal = DoubleColumn.create("final_val_error");
        DoubleColumn erMem = DoubleColumn.create("eff_rank_memorised");
        DoubleColumn erEnd = DoubleColumn.create("eff_rank_end");
        DoubleColumn drop = DoubleColumn.create("eff_rank_drop");
        LongColumn steepFrom = LongColumn.create("steepest_fall_from");
        LongColumn steepTo = LongColumn.create("steepest_fall_to");
        BooleanColumn inWin = BooleanColumn.create("steepest_in_window");
        DoubleColumn svaMem = DoubleColumn.create("sva_at_memorised");
        DoubleColumn svaMin = DoubleColumn.create("sva_min_from_grokked");
        LongColumn svaAbove = LongColumn.create("sva_above_from");
        DoubleColumn align = DoubleColumn.create("max_alignment");
        DoubleColumn costMem = DoubleColumn.create("prune_cost_memorised");
        DoubleColumn costGrok = DoubleColumn.create("prune_val_cost_grokked");
        DoubleColumn costEnd = DoubleColumn.create("prune_val_cost_end");
        for (RunMeasures r : runs) {
            for (LayerMeasures l : r.layers()) {
                run.append(r.name());
                layer.append(l.layer());
                mem.append(r.memorisedStep());
                grok.append(r.grokkedStep());
                wFrom.append(r.windowFromStep());
                wTo.append(r.windowToStep());
                finalVal.append(r.finalValError());
                erMem.append(l.rankAtMemorisation());
                erEnd.append(l.rankAtEnd());
                drop.append(l.rankDrop());
                steepFrom.append(l.steepestFromStep());
                steepTo.append(l.steepestToStep());
                inWin.append(l.steepestInWindow());
                svaMem.append(l.svaAtMemorisation());
                svaMin.append(l.svaMinFromGrokking());
                svaAbove.append(l.svaAbove());
                align.append(r.maxAlignment());
                costMem.append(Math.max(r.valCost(r.memorisedStep()), r.trainCost(r.memorisedStep())));
                costGrok.append(r.valCost(r.grokkedStep()));
                costEnd.append(r.pruning().isEmpty() ? Double.NaN : r.valCost(lastProbed(r)));
            }
        }
        List<Column<?>> cols = List.of(run, layer, mem, grok, wFrom, wTo, finalVal, erMem, erEnd, drop, steepFrom, steepTo,
                inWin, svaMem, svaMin, svaAbove, align, costMem, costGrok, costEnd);
        return Table.create("grokking measures", cols.toArray(new Column<?>[0]));
    }

    /**
     * The six criteria over the weight-decay runs and the controls: a table {@code criterion, expected,
     * measured, pass}. A criterion passes only if it holds on every run (and every listed matrix).
     */
    public static Table verdict(List<RunMeasures> wd, List<RunMeasures> control, Thresholds th) {
        if (wd.isEmpty() || control.isEmpty()) {
            throw new IllegalArgumentException("need at least one weight-decay run and one control run");
        }
        StringColumn crit = StringColumn.create("criterion");
        StringColumn exp = StringColumn.create("expected");
        StringColumn meas = StringColumn.create("measured");
        BooleanColumn pass = BooleanColumn.create("pass");

        // 1. grokking
        StringBuilder m1 = new StringBuilder();
        boolean p1 = true;
        for (RunMeasures r : wd) {
            boolean ok = r.memorisedStep() > 0 && r.grokkedStep() >= th.delay() * r.memorisedStep();
            p1 &= ok;
            m1.append(sep(m1)).append(r.name()).append(": train err 0 at ").append(r.memorisedStep())
                    .append(", val err < ").append(fmt(th.grokValError())).append(" at ").append(r.grokkedStep());
            if (r.memorisedStep() > 0 && r.grokkedStep() > 0) {
                m1.append(String.format(" (%.1fx)", (double) r.grokkedStep() / r.memorisedStep()));
            }
        }
        add(crit, exp, meas, pass, "1. grokking", String.format("train err 0, val err < %s only >= %.0fx later",
                fmt(th.grokValError()), th.delay()), m1.toString(), p1);

        // 2. rank drop, steepest fall in the window
        StringBuilder m2 = new StringBuilder();
        boolean p2 = true;
        for (RunMeasures r : wd) {
            for (LayerMeasures l : r.layers()) {
                boolean ok = l.rankDrop() >= th.rankDrop() && l.steepestInWindow();
                p2 &= ok;
                m2.append(sep(m2)).append(String.format("%s %s: %.3f -> %.3f (%+.0f%%), steepest %d-%d, window %d-%d",
                        r.name(), l.layer(), l.rankAtMemorisation(), l.rankAtEnd(), -100 * l.rankDrop(),
                        l.steepestFromStep(), l.steepestToStep(), r.windowFromStep(), r.windowToStep()));
            }
        }
        add(crit, exp, meas, pass, "2. effective-rank drop", String.format("falls >= %.0f%% from memorisation to end;"
                + " steepest fall inside the window where val err goes %.0f%% -> %.0f%% of its memorisation value",
                100 * th.rankDrop(), 100 * th.windowHigh(), 100 * th.windowLow()), m2.toString(), p2);

        // 3. control
        StringBuilder m3 = new StringBuilder();
        boolean p3 = true;
        for (RunMeasures c : control) {
            boolean ok = c.grokkedStep() < 0;
            m3.append(sep(m3)).append(String.format("%s: final val err %.3f%s", c.name(), c.finalValError(),
                    c.grokkedStep() < 0 ? ", no grokking" : ", groks at " + c.grokkedStep()));
            for (LayerMeasures l : c.layers()) {
                double wdMean = wd.stream().flatMap(r -> r.layers().stream()).filter(x -> x.layer().equals(l.layer()))
                        .mapToDouble(LayerMeasures::rankDrop).average().orElse(Double.NaN);
                // "comparable" only means something when the weight-decay runs show the drop themselves
                ok &= l.rankDrop() < th.rankDrop() && (wdMean < th.rankDrop() || l.rankDrop() < th.controlFraction() * wdMean);
                m3.append(String.format(", %s %+.0f%%", l.layer(), -100 * l.rankDrop()));
            }
            p3 &= ok;
        }
        add(crit, exp, meas, pass, "3. wd=0 control", String.format("no grokking; rank drop < %.0f%% (and < %.1fx the wd"
                + " runs' mean drop where that is >= %.0f%%)", 100 * th.rankDrop(), th.controlFraction(), 100 * th.rankDrop()),
                m3.toString(), p3);

        // 4. SVA
        StringBuilder m4 = new StringBuilder();
        boolean p4 = true;
        for (RunMeasures r : wd) {
            for (LayerMeasures l : r.layers()) {
                boolean ok = r.grokkedStep() >= 0 && l.svaMinFromGrokking() > th.sva()
                        && l.svaAtMemorisation() <= th.svaBefore();
                p4 &= ok;
                m4.append(sep(m4)).append(String.format("%s %s: %.2f at memorisation, min %.2f from grokking, > %s from step %d",
                        r.name(), l.layer(), l.svaAtMemorisation(), l.svaMinFromGrokking(), fmt(th.sva()), l.svaAbove()));
            }
        }
        add(crit, exp, meas, pass, "4. SVA stability", String.format("top-10 SVA > %s from grokking on, <= %s at memorisation",
                fmt(th.sva()), fmt(th.svaBefore())), m4.toString(), p4);

        // 5. pruning
        StringBuilder m5 = new StringBuilder();
        boolean p5 = true;
        for (RunMeasures r : wd) {
            if (r.pruning().isEmpty()) {
                p5 = false;
                m5.append(sep(m5)).append(r.name()).append(": not probed");
                continue;
            }
            long end = lastProbed(r);
            double before = Math.max(r.valCost(r.memorisedStep()), r.trainCost(r.memorisedStep()));
            double after = r.valCost(end);
            double atGrok = r.valCost(r.grokkedStep());
            boolean ok = r.grokkedStep() >= 0 && after < th.pruneCost() && atGrok < th.pruneCost() && before > th.pruneCost();
            p5 &= ok;
            m5.append(sep(m5)).append(String.format("%s: %+.1f pts at memorisation (max of train/val), %+.1f at grokking,"
                    + " %+.1f at the end", r.name(), 100 * before, 100 * atGrok, 100 * after));
        }
        add(crit, exp, meas, pass, "5. top-half pruning", String.format("val err +< %.0f pts at grokking and at the end;"
                + " > %.0f pts at memorisation", 100 * th.pruneCost(), 100 * th.pruneCost()), m5.toString(), p5);

        // 6. alignment
        StringBuilder m6 = new StringBuilder();
        boolean p6 = true;
        List<RunMeasures> all = new ArrayList<>(wd);
        all.addAll(control);
        for (RunMeasures r : all) {
            p6 &= r.maxAlignment() < th.alignment();
            m6.append(sep(m6)).append(String.format("%s: max %.3f", r.name(), r.maxAlignment()));
        }
        add(crit, exp, meas, pass, "6. consecutive-layer alignment", "score < " + fmt(th.alignment())
                + " at every checkpoint", m6.toString(), p6);
        return Table.create("grokking criteria", crit, exp, meas, pass);
    }

    private static long lastProbed(RunMeasures r) {
        long end = -1;
        for (String k : r.pruning().keySet()) {
            end = Math.max(end, Long.parseLong(k.substring(k.indexOf('@') + 1)));
        }
        return end;
    }

    private static void add(StringColumn c, StringColumn e, StringColumn m, BooleanColumn p, String crit, String exp,
                            String meas, boolean pass) {
        c.append(crit);
        e.append(exp);
        m.append(meas);
        p.append(pass);
    }

    private static String sep(StringBuilder b) {
        return b.length() == 0 ? "" : "; ";
    }

    private static String fmt(double x) {
        return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
    }

    private static double probeValue(Table probe, int ck, String variant, String metric) {
        Table s = probe.where(probe.intColumn("checkpoint").isEqualTo(ck)
                .and(probe.stringColumn("variant").isEqualTo(variant)).and(probe.stringColumn("metric").isEqualTo(metric)));
        if (s.rowCount() != 1) {
            throw new IllegalArgumentException("the pruning evaluator must return '" + metric + "' (got "
                    + probe.where(probe.intColumn("checkpoint").isEqualTo(ck)).stringColumn("metric").unique().asList() + ")");
        }
        return s.doubleColumn("value").get(0);
    }

    /** 1 − accuracy at each checkpoint step, from the run's metrics table. */
    private static double[] errorAt(Trajectory run, String accColumn, long[] steps, String name) {
        Table m = run.metrics();
        if (m == null || !m.columnNames().contains(accColumn) || !m.columnNames().contains("step")) {
            throw new IllegalArgumentException(name + ": the metrics table needs columns 'step' and '" + accColumn + "'");
        }
        Map<Long, Double> byStep = new LinkedHashMap<>();
        Column<?> stepCol = m.column("step");
        DoubleColumn acc = m.doubleColumn(accColumn);
        for (int i = 0; i < m.rowCount(); i++) {
            if (!acc.isMissing(i)) {
                byStep.put(((Number) stepCol.get(i)).longValue(), acc.get(i));
            }
        }
        double[] err = new double[steps.length];
        for (int t = 0; t < steps.length; t++) {
            Double a = byStep.get(steps[t]);
            if (a == null) {
                throw new IllegalArgumentException(name + ": no '" + accColumn + "' recorded at checkpoint step " + steps[t]);
            }
            err[t] = 1 - a;
        }
        return err;
    }
}
