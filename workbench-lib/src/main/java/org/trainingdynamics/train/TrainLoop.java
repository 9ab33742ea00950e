package org.trainingdynamics.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.trainingdynamics.study.Progress;
import org.trainingdynamics.train.data.Dataset;
import org.trainingdynamics.trajectory.DType;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.TrajectoryRecorder;

/**
 * The training loop shared by the network setups: mini-batch or full-batch updates over epochs, weights
 * recorded per a {@link CheckpointSchedule}, metrics logged per update (batch loss and accuracy, learning
 * rate) and, every {@code evalEvery} updates (at every checkpoint when {@code evalEvery} ≤ 0) and at the end,
 * on the full training and test sets. The order
 * of examples comes from the run's data-order stream only, so a run is a pure function of config + seed.
 * An optional {@link EpochHook} sees the initial weights and the weights after every epoch and replaces them
 * (before that epoch's checkpoint and evaluation); without one nothing of this runs.
 */
final class TrainLoop {
    private final String setupName;
    private final Map<String, Object> setupConfig;
    private final Model model;
    private final Dataset train;
    private final Dataset test;
    private final OptimizerConfig optimizer;
    private final LrSchedule schedule;
    private final int batchSize;
    private final int epochs;
    private final boolean shuffle;
    private final CheckpointSchedule checkpoints;
    private final long evalEvery;
    private final List<String> recorded;
    private final Rng order;
    private Runnable afterStep = () -> { };
    private EpochHook.Factory epochHook;

    TrainLoop(String setupName, Map<String, Object> setupConfig, Model model, Dataset train, Dataset test, OptimizerConfig optimizer, LrSchedule schedule,
              int batchSize, int epochs, boolean shuffle, CheckpointSchedule checkpoints, long evalEvery,
              List<String> recorded, Rng order) {
        if (epochs < 1) {
            throw new IllegalArgumentException("need at least one epoch (or full-batch step), got " + epochs);
        }
        this.setupName = setupName;
        this.setupConfig = new LinkedHashMap<>(setupConfig);
        this.model = model;
        this.train = train;
        this.test = test;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.batchSize = batchSize <= 0 || batchSize >= train.size() ? train.size() : batchSize;
        this.epochs = epochs;
        this.shuffle = shuffle;
        this.checkpoints = checkpoints;
        this.evalEvery = evalEvery;
        this.recorded = recorded;
        this.order = order;
    }

    /** Runs {@code r} after every optimiser step (e.g. a projection such as a norm constraint). */
    TrainLoop afterStep(Runnable r) {
        this.afterStep = r;
        return this;
    }

    /** Calls a fresh hook from {@code factory} with the initial weights and after every epoch (null: none). */
    TrainLoop epochHook(EpochHook.Factory factory) {
        this.epochHook = factory;
        return this;
    }

    /** Updates per epoch (the last batch may be smaller, as with PyTorch's {@code drop_last=False}). */
    int stepsPerEpoch() {
        return (train.size() + batchSize - 1) / batchSize;
    }

    RunResult run(long seed, Path out) {
        List<TensorSpec> specs = new ArrayList<>();
        List<Parameter> rec = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            if (recorded == null || recorded.contains(p.name())) {
                specs.add(new TensorSpec(p.name(), p.value().shape(), DType.FLOAT32));
                rec.add(p);
            }
        }
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("no parameter selected for recording; parameters are "
                    + model.parameters().stream().map(Parameter::name).toList());
        }
        Map<String, Object> meta = RunMetadata.of(setupName, setupConfig, seed, null);
        meta.put("steps_per_epoch", stepsPerEpoch());
        meta.put("backend", "nd4j " + org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName());
        OptimizerConfig.Optimizer opt = optimizer.create(model.parameters());
        boolean fullBatch = batchSize == train.size();
        int spe = stepsPerEpoch();
        long total = (long) epochs * spe;
        Map<String, Double> last = new LinkedHashMap<>();
        HookRunner hook = epochHook == null ? null : new HookRunner(epochHook, model.parameters());
        try (TrajectoryRecorder r = TrajectoryRecorder.create(out, specs, meta);
             Progress progress = Progress.start(setupName + " seed " + seed, total)) {
            Map<String, Double> hookRow = hook == null ? Map.of() : hook.apply(0);
            record(r, rec, 0, 0);
            log(r, 0, null, Double.NaN, last, hookRow);
            long s = 0;
            for (int e = 1; e <= epochs; e++) {
                int[] perm = shuffle && !fullBatch ? order.permutation(train.size()) : null;
                for (int k = 0; k < spe; k++) {
                    Dataset batch = fullBatch ? train : train.subset(batchIndices(perm, k));
                    double lr = schedule.lr(s);
                    Model.BatchStats st = model.gradients(batch);
                    opt.step(lr);
                    afterStep.run();
                    s++;
                    boolean epochEnd = k == spe - 1;
                    hookRow = hook == null ? Map.of() : epochEnd ? hook.apply(e) : hook.blankRow();
                    boolean ckpt = checkpoints.at(s, epochEnd, e);
                    if (ckpt) {
                        record(r, rec, s, (double) s / spe);
                    }
                    boolean eval = evalEvery > 0 ? s % evalEvery == 0 : ckpt;
                    log(r, s, st, lr, eval || s == total ? last : null, hookRow);
                    progress.step();
                    if (s % 50 == 0) {
                        progress.status(String.format("loss %.4f", st.loss()));
                    }
                }
            }
            RunMetadata.markComplete(r);
        }
        return new RunResult(out, List.of(out), last);
    }

    private int[] batchIndices(int[] perm, int k) {
        int start = k * batchSize;
        int len = Math.min(batchSize, train.size() - start);
        int[] idx = new int[len];
        for (int i = 0; i < len; i++) {
            idx[i] = perm == null ? start + i : perm[start + i];
        }
        return idx;
    }

    private static void record(TrajectoryRecorder r, List<Parameter> rec, long step, double epoch) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Parameter p : rec) {
            values.put(p.name(), NdBuffers.floats(p.value()));
        }
        r.append(step, epoch, values);
    }

    /**
     * One metrics row; full-set evaluation when {@code last} is non-null (it receives the evaluated values);
     * {@code extra} (the epoch hook's metrics) is appended to the row and its values kept in {@code last}.
     */
    private void log(TrajectoryRecorder r, long s, Model.BatchStats st, double lr, Map<String, Double> last,
                     Map<String, Double> extra) {
        Map<String, Double> row = new LinkedHashMap<>();
        row.put("batch_loss", st == null ? Double.NaN : st.loss());
        row.put("batch_acc", st == null ? Double.NaN : st.accuracy());
        row.put("lr", lr);
        double nan = Double.NaN;
        Model.BatchStats tr = last != null ? model.evaluate(train) : null;
        Model.BatchStats te = last != null && test != null ? model.evaluate(test) : null;
        row.put("train_loss", tr == null ? nan : tr.loss());
        row.put("train_acc", tr == null ? nan : tr.accuracy());
        row.put("test_loss", te == null ? nan : te.loss());
        row.put("test_acc", te == null ? nan : te.accuracy());
        for (Map.Entry<String, Double> x : extra.entrySet()) {
            if (row.containsKey(x.getKey())) {
                throw new IllegalArgumentException("epoch hook metric '" + x.getKey()
                        + "' clashes with a training-loop column " + row.keySet());
            }
            row.put(x.getKey(), x.getValue() == null ? nan : x.getValue());
        }
        r.logMetrics(s, row);
        if (last != null) {
            row.forEach((k, v) -> {
                if (!Double.isNaN(v)) {
                    last.put(k, v);
                }
            });
        }
    }

    /** One run's epoch hook: flattens the parameters, calls the hook, checks and writes back its answer. */
    private static final class HookRunner {
        private final EpochHook hook;
        private final List<Parameter> params;
        private final int n;
        private final Map<String, Double> blank = new LinkedHashMap<>();

        HookRunner(EpochHook.Factory factory, List<Parameter> params) {
            this.params = params;
            List<TensorSpec> tensors = new ArrayList<>();
            long total = 0;
            for (Parameter p : params) {
                DType dtype = p.value().dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE ? DType.FLOAT64 : DType.FLOAT32;
                tensors.add(new TensorSpec(p.name(), p.value().shape(), dtype));
                total += p.value().length();
            }
            if (total > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("an epoch hook needs fewer than 2^31 parameters, the model has " + total);
            }
            this.n = (int) total;
            this.hook = factory.create(tensors);
        }

        /** Calls the hook after {@code epoch}, writes its parameters back and returns its metrics. */
        Map<String, Double> apply(int epoch) {
            double[] flat = new double[n];
            int off = 0;
            for (Parameter p : params) {
                double[] v = NdBuffers.doubles(p.value());
                System.arraycopy(v, 0, flat, off, v.length);
                off += v.length;
            }
            double[] next = hook.onEpoch(epoch, flat);
            if (next == null || next.length != n) {
                throw new IllegalArgumentException("epoch hook returned " + (next == null ? "null" : next.length
                        + " values") + " after epoch " + epoch + "; the model has " + n + " parameters");
            }
            off = 0;
            for (Parameter p : params) {
                int len = (int) p.value().length();
                for (int i = off; i < off + len; i++) {
                    if (!Double.isFinite(next[i])) {
                        throw new IllegalArgumentException("epoch hook returned a non-finite value (" + next[i] + ") for "
                                + p.name() + " after epoch " + epoch);
                    }
                }
                off += len;
            }
            off = 0;
            for (Parameter p : params) {
                NdBuffers.store(p.value(), next, off);
                off += (int) p.value().length();
            }
            Map<String, Double> m = hook.metrics();
            for (String k : m.keySet()) {
                blank.putIfAbsent(k, Double.NaN);
            }
            return m;
        }

        /** The hook's metric columns, all missing (rows between epoch ends). */
        Map<String, Double> blankRow() {
            return blank;
        }
    }
}
