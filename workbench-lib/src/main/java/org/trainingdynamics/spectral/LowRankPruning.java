package org.trainingdynamics.spectral;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.trainingdynamics.linalg.Svd;
import org.trainingdynamics.linalg.ThinSvd;
import org.trainingdynamics.study.Progress;
import org.trainingdynamics.trajectory.Globs;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.Trajectory;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Low-rank pruning probes (Yunis et al. 2024, {@code evaluate_run.py}, {@code train/pruned_*}): in every
 * ≥2-D matrix but the last, keep only the top {@code h = ⌈r/2⌉} singular triplets ({@link Keep#TOP}, the
 * paper's {@code pruned_bot}) or only the remaining bottom ones ({@link Keep#BOTTOM}, {@code W − W_top},
 * the paper's {@code pruned_top}); matrices are {@code shape[0] × rest} as in {@link WeightMatrix}. The
 * modified parameters are evaluated by a caller-supplied {@link ModelEvaluator}. (The paper's batch-norm
 * statistics recomputation is the evaluator's business.)
 */
public final class LowRankPruning {

    private LowRankPruning() {
    }

    /** Which singular triplets survive. */
    public enum Keep {
        /** The top ⌈r/2⌉ triplets. */
        TOP,
        /** The bottom r − ⌈r/2⌉ triplets. */
        BOTTOM
    }

    /** The ≥2-D tensors matching the globs, minus the last one (the output layer), in tensor order. */
    public static List<String> prunable(Trajectory traj, String... globs) {
        List<String> out = new ArrayList<>();
        for (TensorSpec s : traj.tensors()) {
            if (s.rank() >= 2 && s.size() > 0 && java.util.Arrays.stream(globs).anyMatch(g -> Globs.matches(g, s.name()))) {
                out.add(s.name());
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no >= 2-D tensor matches " + List.of(globs));
        }
        out.remove(out.size() - 1);
        return out;
    }

    /** All parameters at checkpoint t with the listed tensors pruned; other tensors are copied unchanged. */
    public static Map<String, double[]> prune(Trajectory traj, int t, List<String> tensors, Keep keep) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (TensorSpec s : traj.tensors()) {
            out.put(s.name(), traj.values(s.name(), t));
        }
        for (String name : tensors) {
            TensorSpec s = traj.tensor(name);
            if (s.rank() < 2) {
                throw new IllegalArgumentException("tensor '" + name + "' has " + s.rank() + " dimensions; pruning needs >= 2");
            }
            int rows = Math.toIntExact(s.dim(0));
            int cols = Math.toIntExact(s.size() / rows);
            out.put(name, pruneMatrix(out.get(name), rows, cols, keep));
        }
        return out;
    }

    /** One row-major matrix with only its top ⌈r/2⌉ (or the other) singular triplets. */
    public static double[] pruneMatrix(double[] a, int rows, int cols, Keep keep) {
        int r = Math.min(rows, cols);
        int h = (r + 1) / 2;
        ThinSvd svd = Svd.thin(a, rows, cols, h);
        double[] top = svd.reconstruct(h);
        if (keep == Keep.TOP) {
            return top;
        }
        double[] bottom = a.clone();
        for (int i = 0; i < bottom.length; i++) {
            bottom[i] -= top[i];
        }
        return bottom;
    }

    /**
     * Evaluates the full and both pruned models at each checkpoint: a long table
     * {@code checkpoint, step, variant (full|keep_top|keep_bottom), metric, value}.
     */
    public static Table probe(Trajectory traj, int[] checkpoints, List<String> tensors, ModelEvaluator evaluator) {
        IntColumn ck = IntColumn.create("checkpoint");
        LongColumn step = LongColumn.create("step");
        StringColumn variant = StringColumn.create("variant");
        StringColumn metric = StringColumn.create("metric");
        DoubleColumn value = DoubleColumn.create("value");
        long[] steps = traj.steps();
        try (Progress p = Progress.start("pruning probes", checkpoints.length)) {
            for (int t : checkpoints) {
                Map<String, Map<String, Double>> res = new LinkedHashMap<>();
                Map<String, double[]> full = new LinkedHashMap<>();
                for (TensorSpec s : traj.tensors()) {
                    full.put(s.name(), traj.values(s.name(), t));
                }
                res.put("full", evaluator.evaluate(full));
                res.put("keep_top", evaluator.evaluate(prune(traj, t, tensors, Keep.TOP)));
                res.put("keep_bottom", evaluator.evaluate(prune(traj, t, tensors, Keep.BOTTOM)));
                res.forEach((v, m) -> m.forEach((k, x) -> {
                    ck.append(t);
                    step.append(steps[t]);
                    variant.append(v);
                    metric.append(k);
                    value.append(x);
                }));
                p.step();
            }
        }
        return Table.create("pruning", ck, step, variant, metric, value);
    }
}
