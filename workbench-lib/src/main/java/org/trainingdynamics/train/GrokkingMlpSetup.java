package org.trainingdynamics.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.trainingdynamics.train.data.ModularArithmetic;

/**
 * The CPU-scale grokking setup of the workbench's spectral notes (§6; after Yunis et al. 2024, arXiv
 * 2408.11804, whose grokking runs use a one-layer transformer): modular addition (a + b) mod p with a
 * fraction of the pairs for training; an MLP h = ReLU(E[a] + E[b]) with a shared embedding E [p, width]
 * and a linear read-out W [p, width] (no biases); full-batch AdamW (β = (0.9, 0.98), the grokking runs'
 * setting) with cross-entropy; weights recorded every {@code checkpointEvery} updates. Defaults: p = 59,
 * 40% train, width 256, lr 1e-3, weight decay 1.0 (set 0 for the non-grokking control), 20 000 updates,
 * a checkpoint every 100. Tensors: {@code embed.weight} [p, width], {@code out.weight} [p, width].
 * Initialisation: embedding N(0, 1) (PyTorch's {@code nn.Embedding}), read-out U(±1/√width) (PyTorch's
 * {@code nn.Linear}).
 */
public final class GrokkingMlpSetup implements Setup {
    private final int p;
    private final double trainFraction;
    private final int width;
    private final double lr;
    private final double weightDecay;
    private final double beta1;
    private final double beta2;
    private final int steps;
    private final int checkpointEvery;
    private final double initScale;

    private GrokkingMlpSetup(Builder b) {
        p = b.p;
        trainFraction = b.trainFraction;
        width = b.width;
        lr = b.lr;
        weightDecay = b.weightDecay;
        beta1 = b.beta1;
        beta2 = b.beta2;
        steps = b.steps;
        checkpointEvery = b.checkpointEvery;
        initScale = b.initScale;
    }

    /** A builder with the defaults above. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "grokking-mlp";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", "(a + b) mod p");
        m.put("p", p);
        m.put("train_fraction", trainFraction);
        m.put("model", "ReLU(E[a] + E[b]) -> linear, no biases");
        m.put("width", width);
        m.put("init", "embedding N(0,1), read-out U(+-1/sqrt(width))");
        m.put("init_scale", initScale);
        m.put("loss", "cross_entropy");
        m.put("optimizer", new OptimizerConfig.AdamW(beta1, beta2, 1e-8, weightDecay).describe());
        m.put("lr_schedule", LrSchedule.constant(lr).describe());
        m.put("batch", "full");
        m.put("steps", steps);
        m.put("checkpoints", CheckpointSchedule.everySteps(checkpointEvery).describe());
        return m;
    }

    /** Builds the model for {@code seed} (exposed for benchmarks and tests). */
    public Mlp model(long seed) {
        Rng rng = new Rng(seed);
        return Mlp.embedding(new int[]{p, width, p}, false, Init.NORMAL, Init.TORCH_LINEAR, initScale,
                Loss.CROSS_ENTROPY, new String[]{"embed", "out"}, rng.fork("init"));
    }

    /** The train/test split for {@code seed}. */
    public ModularArithmetic.Split data(long seed) {
        return ModularArithmetic.addition(p, trainFraction, false, new Rng(seed).fork("data"));
    }

    @Override
    public RunResult run(long seed, Path out) {
        ModularArithmetic.Split split = data(seed);
        Mlp model = model(seed);
        return new TrainLoop(name(), config(), model, split.train(), split.test(),
                new OptimizerConfig.AdamW(beta1, beta2, 1e-8, weightDecay), LrSchedule.constant(lr), 0, steps, false,
                CheckpointSchedule.everySteps(checkpointEvery), checkpointEvery, null, new Rng(seed).fork("order"))
                .run(seed, out);
    }

    /** Builder for {@link GrokkingMlpSetup}. */
    public static final class Builder {
        private int p = 59;
        private double trainFraction = 0.4;
        private int width = 256;
        private double lr = 1e-3;
        private double weightDecay = 1.0;
        private double beta1 = 0.9;
        private double beta2 = 0.98;
        private int steps = 20_000;
        private int checkpointEvery = 100;
        private double initScale = 1.0;

        private Builder() {
        }

        /** Modulus p (default 59). */
        public Builder p(int p) {
            this.p = p;
            return this;
        }

        /** Fraction of the p² pairs used for training (default 0.4). */
        public Builder trainFraction(double f) {
            this.trainFraction = f;
            return this;
        }

        /** Hidden width (default 256). */
        public Builder width(int width) {
            this.width = Checks.atLeast("width", width, 1);
            return this;
        }

        /** AdamW learning rate (default 1e-3). */
        public Builder lr(double lr) {
            LrSchedule.constant(lr);
            this.lr = lr;
            return this;
        }

        /** Decoupled weight decay (default 1.0; 0 for the control). */
        public Builder weightDecay(double wd) {
            this.weightDecay = Checks.nonNegative("weightDecay", wd);
            return this;
        }

        /** Adam β₁, β₂ (default 0.9, 0.98). */
        public Builder betas(double beta1, double beta2) {
            new OptimizerConfig.AdamW(beta1, beta2, 1e-8, 0);
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        /** Number of full-batch updates (default 20 000). */
        public Builder steps(int steps) {
            this.steps = Checks.atLeast("steps", steps, 1);
            return this;
        }

        /** Record weights and evaluate every this many updates (default 100). */
        public Builder checkpointEvery(int k) {
            this.checkpointEvery = Checks.atLeast("checkpointEvery", k, 1);
            return this;
        }

        /** Multiplier of the initial weights (default 1). */
        public Builder initScale(double s) {
            this.initScale = Checks.positive("initScale", s);
            return this;
        }

        /** The configured setup. */
        public GrokkingMlpSetup build() {
            ModularArithmetic.addition(p, trainFraction, false, new Rng(0));
            return new GrokkingMlpSetup(this);
        }
    }
}
