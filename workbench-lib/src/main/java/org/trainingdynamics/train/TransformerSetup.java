package org.trainingdynamics.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.trainingdynamics.train.data.ModularArithmetic;

/**
 * Modular addition with the one-layer transformer ({@link Transformer}) of Redman et al. 2024 (§2d, after
 * Nanda et al. 2023 and Omnigrok) and Hu et al. 2023: inputs [a, b, =] (vocabulary p + 1), d_model 128,
 * 4 heads × 32, d_mlp 512, ReLU, no LayerNorm; 30% of the p² pairs (p = 113) for training; full-batch
 * AdamW lr 1e-3, β = (0.9, 0.98). Two variants: {@code grokking} (weight decay 1.0) and {@code constrained}
 * (Omnigrok's non-grokking control: initial weights × 0.8, weight decay 0, and after every update all
 * parameters rescaled so their total Euclidean norm stays at its initial value). Default: the first 100
 * updates with a checkpoint at every update, as the Koopman analysis uses; recorded tensor
 * {@code mlp.W_out} [128, 512] (the paper's observable), or every tensor with {@code recordAll}. The paper
 * trains in float64; this trainer uses float32.
 *
 * <p>Perturbed copies (Redman et al. §2d: 10 seeds × 10 copies, the copies pooled into each seed's DMD fit):
 * with {@code copies} > 1, copy 0 is the base initialisation and copy c ≥ 1 starts from
 * w·(1 + {@code perturbation}·U(−1, 1)) elementwise from its own random stream, as the paper's FCN copies (its
 * transformer code does not state the scheme; the FCN one is used, {@link FcnSetup}); the data split and the
 * constrained variant's norm target (the copy's own initial norm) follow. Copies go to {@code copy-<c>}
 * ({@link CopyFolders}). Default 1 copy: Hu et al.'s HMM runs use none.
 */
public final class TransformerSetup implements Setup {
    private final int p;
    private final double trainFraction;
    private final boolean constrained;
    private final double lr;
    private final double weightDecay;
    private final double initScale;
    private final int steps;
    private final int checkpointEvery;
    private final boolean recordAll;
    private final int dModel;
    private final int heads;
    private final int dHead;
    private final int dMlp;
    private final int copies;
    private final double perturbation;

    private TransformerSetup(Builder b) {
        p = b.p;
        trainFraction = b.trainFraction;
        constrained = b.constrained;
        lr = b.lr;
        weightDecay = b.constrained ? 0 : b.weightDecay;
        initScale = b.constrained ? b.constrainedScale : 1.0;
        steps = b.steps;
        checkpointEvery = b.checkpointEvery;
        recordAll = b.recordAll;
        dModel = b.dModel;
        heads = b.heads;
        dHead = b.dHead;
        dMlp = b.dMlp;
        copies = b.copies;
        perturbation = b.perturbation;
    }

    /** A builder with the paper's defaults (grokking variant). */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "transformer";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", "(a + b) mod p, tokens [a, b, =]");
        m.put("p", p);
        m.put("train_fraction", trainFraction);
        m.put("variant", constrained ? "constrained" : "grokking");
        m.put("model", "1-layer transformer, no LayerNorm, ReLU MLP");
        m.put("d_model", dModel);
        m.put("heads", heads);
        m.put("d_head", dHead);
        m.put("d_mlp", dMlp);
        m.put("init", "N(0, 1/d_model), W_U N(0, 1/vocab), biases 0");
        m.put("init_scale", initScale);
        m.put("copies", copies);
        m.put("perturbation", perturbation);
        m.put("norm_constraint", constrained ? "total parameter norm fixed after every update" : "none");
        m.put("loss", "cross_entropy");
        m.put("optimizer", new OptimizerConfig.AdamW(0.9, 0.98, 1e-8, weightDecay).describe());
        m.put("lr_schedule", LrSchedule.constant(lr).describe());
        m.put("batch", "full");
        m.put("steps", steps);
        m.put("dtype", "float32");
        m.put("recorded", recordAll ? "all" : "mlp.W_out");
        m.put("checkpoints", CheckpointSchedule.everySteps(checkpointEvery).describe());
        return m;
    }

    /** The model of copy {@code copy} of base seed {@code seed} (copy 0: the base initialisation). */
    public Transformer model(long seed, int copy) {
        Transformer m = new Transformer(p + 1, 3, dModel, heads, dHead, dMlp, p, initScale, new Rng(seed).fork("init"));
        if (copy > 0) {
            Rng pr = new Rng(seed).fork("perturb-" + copy);
            for (Parameter q : m.parameters()) {
                INDArray v = q.value();
                float[] u = pr.uniformFloats((int) v.length(), -1, 1);
                v.muli(Nd4j.create(u, v.shape(), 'c').muli(perturbation).addi(1));
            }
        }
        return m;
    }

    private static double norm(List<Parameter> ps) {
        double s = 0;
        for (Parameter q : ps) {
            for (float v : q.value().data().asFloat()) {
                s += (double) v * v;
            }
        }
        return Math.sqrt(s);
    }

    @Override
    public RunResult run(long seed, Path out) {
        ModularArithmetic.Split split = ModularArithmetic.addition(p, trainFraction, true, new Rng(seed).fork("data"));
        if (copies == 1) {
            return runCopy(seed, 0, split, config(), out);
        }
        List<Path> dirs = new ArrayList<>();
        Map<String, Double> fin = new LinkedHashMap<>();
        for (int c = 0; c < copies; c++) {
            Map<String, Object> tagged = new LinkedHashMap<>(config());
            tagged.put("copy", c);
            Path dir = CopyFolders.of(out, c, copies);
            RunResult r = runCopy(seed, c, split, tagged, dir);
            dirs.add(dir);
            int copy = c;
            r.finalMetrics().forEach((k, v) -> fin.put("copy" + copy + "_" + k, v));
        }
        return new RunResult(out, dirs, fin);
    }

    private RunResult runCopy(long seed, int copy, ModularArithmetic.Split split, Map<String, Object> config, Path out) {
        Transformer model = model(seed, copy);
        TrainLoop loop = new TrainLoop(name(), config, model, split.train(), split.test(),
                new OptimizerConfig.AdamW(0.9, 0.98, 1e-8, weightDecay), LrSchedule.constant(lr), 0, steps, false,
                CheckpointSchedule.everySteps(checkpointEvery), checkpointEvery, recordAll ? null : List.of("mlp.W_out"),
                new Rng(seed).fork("order"));
        if (constrained) {
            double target = norm(model.parameters());
            loop.afterStep(() -> {
                double f = target / norm(model.parameters());
                for (Parameter q : model.parameters()) {
                    INDArray v = q.value();
                    v.muli(f);
                }
            });
        }
        return loop.run(seed, out);
    }

    /** Builder for {@link TransformerSetup}. */
    public static final class Builder {
        private int p = 113;
        private double trainFraction = 0.3;
        private boolean constrained;
        private double constrainedScale = 0.8;
        private double lr = 1e-3;
        private double weightDecay = 1.0;
        private int steps = 100;
        private int checkpointEvery = 1;
        private boolean recordAll;
        private int dModel = 128;
        private int heads = 4;
        private int dHead = 32;
        private int dMlp = 512;
        private int copies = 1;
        private double perturbation = 0.001;

        private Builder() {
        }

        /** Copies per base seed: the base and copies − 1 perturbed ones (default 1; the Koopman replication uses 10). */
        public Builder copies(int c) {
            this.copies = Checks.atLeast("copies", c, 1);
            return this;
        }

        /** Relative size of the copies' perturbation (default 0.001, the paper's FCN value). */
        public Builder perturbation(double e) {
            this.perturbation = Checks.nonNegative("perturbation", e);
            return this;
        }

        /** Modulus (default 113). */
        public Builder p(int p) {
            this.p = p;
            return this;
        }

        /** Training fraction (default 0.3). */
        public Builder trainFraction(double f) {
            this.trainFraction = f;
            return this;
        }

        /** The norm-constrained, non-grokking variant (init × 0.8, wd 0, fixed total norm); default false. */
        public Builder constrained(boolean on) {
            this.constrained = on;
            return this;
        }

        /** AdamW learning rate (default 1e-3). */
        public Builder lr(double lr) {
            LrSchedule.constant(lr);
            this.lr = lr;
            return this;
        }

        /** Weight decay of the grokking variant (default 1.0). */
        public Builder weightDecay(double wd) {
            new OptimizerConfig.AdamW(0.9, 0.98, 1e-8, wd);
            this.weightDecay = wd;
            return this;
        }

        /** Full-batch updates (default 100, the Koopman analysis' window). */
        public Builder steps(int s) {
            this.steps = Checks.atLeast("steps", s, 1);
            return this;
        }

        /** Checkpoint and evaluate every this many updates (default 1). */
        public Builder checkpointEvery(int k) {
            this.checkpointEvery = Checks.atLeast("checkpointEvery", k, 1);
            return this;
        }

        /** Record every tensor instead of {@code mlp.W_out} only. */
        public Builder recordAll(boolean on) {
            this.recordAll = on;
            return this;
        }

        /** Model sizes (default 128, 4, 32, 512); smaller sizes for tests and quick looks. */
        public Builder sizes(int dModel, int heads, int dHead, int dMlp) {
            if (dModel < 1 || heads < 1 || dHead < 1 || dMlp < 1) {
                throw new IllegalArgumentException("model sizes must be >= 1");
            }
            this.dModel = dModel;
            this.heads = heads;
            this.dHead = dHead;
            this.dMlp = dMlp;
            return this;
        }

        /** The configured setup. */
        public TransformerSetup build() {
            ModularArithmetic.addition(p, trainFraction, true, new Rng(0));
            return new TransformerSetup(this);
        }
    }
}
