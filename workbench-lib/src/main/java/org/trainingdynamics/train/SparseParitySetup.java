package org.trainingdynamics.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.trainingdynamics.train.data.ModularArithmetic;
import org.trainingdynamics.train.data.SparseParity;

/**
 * Sparse parity with the official settings of Hu et al. 2023 (arXiv 2308.09543, {@code sparse_parities.py};
 * after Barak et al. 2022): n = 40 bits, k = 3, 1000 training and 100 test examples; an MLP 40→1000→1
 * with ReLU, Xavier-uniform weights and zero biases; SGD lr 0.1 with (coupled) weight decay 0.01,
 * batch 32 reshuffled every epoch, hinge loss, 300 epochs; weights recorded initially and after every
 * epoch e (0-based) with e mod 10 = 0 — the official script's evaluation points — so 1 + 30 checkpoints,
 * with full train and test evaluation at each. Tensors: {@code fc1.weight} [1000, 40], {@code fc1.bias},
 * {@code fc2.weight} [1, 1000], {@code fc2.bias}. The HMM study runs 40 seeds of this.
 */
public final class SparseParitySetup implements Setup {
    private final int bits;
    private final int parityBits;
    private final int nTrain;
    private final int nTest;
    private final int width;
    private final double lr;
    private final double weightDecay;
    private final int batch;
    private final int epochs;
    private final int checkpointEpochs;
    private final double initScale;
    private final EpochHook.Factory epochHook;

    private SparseParitySetup(Builder b) {
        bits = b.bits;
        parityBits = b.parityBits;
        nTrain = b.nTrain;
        nTest = b.nTest;
        width = b.width;
        lr = b.lr;
        weightDecay = b.weightDecay;
        batch = b.batch;
        epochs = b.epochs;
        checkpointEpochs = b.checkpointEpochs;
        initScale = b.initScale;
        epochHook = b.epochHook;
    }

    /** A builder with the official defaults. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "sparse-parity";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", bits);
        m.put("k", parityBits);
        m.put("train_size", nTrain);
        m.put("test_size", nTest);
        m.put("model", "MLP " + bits + "-" + width + "-1, ReLU, biases");
        m.put("init", "xavier_uniform weights, zero biases");
        m.put("init_scale", initScale);
        m.put("loss", "hinge");
        m.put("optimizer", OptimizerConfig.Sgd.plain(weightDecay).describe());
        m.put("lr_schedule", LrSchedule.constant(lr).describe());
        m.put("batch", batch);
        m.put("shuffle", true);
        m.put("epochs", epochs);
        m.put("checkpoints", CheckpointSchedule.everyEpochs(checkpointEpochs).describe());
        if (epochHook != null) {
            m.put("epoch_hook", epochHook.description());
        }
        return m;
    }

    /** The model for {@code seed}. */
    public Mlp model(long seed) {
        return Mlp.dense(new int[]{bits, width, 1}, true, Init.XAVIER_UNIFORM, initScale, Loss.HINGE,
                new String[]{"fc1", "fc2"}, new Rng(seed).fork("init"));
    }

    /** The data for {@code seed}. */
    public ModularArithmetic.Split data(long seed) {
        return SparseParity.generate(bits, parityBits, nTrain, nTest, new Rng(seed).fork("data"));
    }

    @Override
    public RunResult run(long seed, Path out) {
        ModularArithmetic.Split split = data(seed);
        return new TrainLoop(name(), config(), model(seed), split.train(), split.test(), OptimizerConfig.Sgd.plain(weightDecay),
                LrSchedule.constant(lr), batch, epochs, true, CheckpointSchedule.everyEpochs(checkpointEpochs), 0, null,
                new Rng(seed).fork("order")).epochHook(epochHook).run(seed, out);
    }

    /** Builder for {@link SparseParitySetup}. */
    public static final class Builder {
        private int bits = 40;
        private int parityBits = 3;
        private int nTrain = 1000;
        private int nTest = 100;
        private int width = 1000;
        private double lr = 0.1;
        private double weightDecay = 0.01;
        private int batch = 32;
        private int epochs = 300;
        private int checkpointEpochs = 10;
        private double initScale = 1.0;
        private EpochHook.Factory epochHook;

        private Builder() {
        }

        /** Input bits n (default 40) and parity bits k (default 3). */
        public Builder bits(int n, int k) {
            this.bits = n;
            this.parityBits = k;
            return this;
        }

        /** Train and test sizes (default 1000 / 100). */
        public Builder sizes(int train, int test) {
            this.nTrain = train;
            this.nTest = test;
            return this;
        }

        /** Hidden width (default 1000). */
        public Builder width(int w) {
            this.width = w;
            return this;
        }

        /** SGD learning rate (default 0.1). */
        public Builder lr(double lr) {
            LrSchedule.constant(lr);
            this.lr = lr;
            return this;
        }

        /** Weight decay (default 0.01). */
        public Builder weightDecay(double wd) {
            OptimizerConfig.Sgd.plain(wd);
            this.weightDecay = wd;
            return this;
        }

        /** Mini-batch size (default 32). */
        public Builder batch(int b) {
            this.batch = Checks.atLeast("batch", b, 1);
            return this;
        }

        /** Epochs (default 300). */
        public Builder epochs(int e) {
            this.epochs = Checks.atLeast("epochs", e, 1);
            return this;
        }

        /** Checkpoint (and evaluate) every this many epochs (default 10). */
        public Builder checkpointEpochs(int k) {
            this.checkpointEpochs = Checks.atLeast("checkpointEpochs", k, 1);
            return this;
        }

        /** Multiplier of the initial weights (the official {@code init_scaling}, default 1). */
        public Builder initScale(double s) {
            this.initScale = s;
            return this;
        }

        /**
         * Calls a fresh hook from {@code factory} with the initial weights and after every epoch and trains on from
         * what it returns (e.g. embedded CMD); its description goes into the config as {@code epoch_hook}
         * (default: none, null removes it).
         */
        public Builder epochHook(EpochHook.Factory factory) {
            this.epochHook = factory;
            return this;
        }

        /** The configured setup. */
        public SparseParitySetup build() {
            if (width < 1) {
                throw new IllegalArgumentException("width must be >= 1, got " + width);
            }
            SparseParity.generate(bits, parityBits, Math.max(1, nTrain), Math.max(1, nTest), new Rng(0));
            if (nTrain < 1 || nTest < 1) {
                throw new IllegalArgumentException("train and test sizes must be >= 1");
            }
            return new SparseParitySetup(this);
        }
    }
}
