package org.trainingdynamics.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
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

    /** The model for {@code seed}. */
    public Transformer model(long seed) {
        return new Transformer(p + 1, 3, dModel, heads, dHead, dMlp, p, initScale, new Rng(seed).fork("init"));
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
        Transformer model = model(seed);
        TrainLoop loop = new TrainLoop(name(), config(), model, split.train(), split.test(),
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

        private Builder() {
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
