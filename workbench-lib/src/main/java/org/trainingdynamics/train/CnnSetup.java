package org.trainingdynamics.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.trainingdynamics.train.data.Dataset;
import org.trainingdynamics.train.data.FashionMnist;

/**
 * A LeNet-5-like CNN ({@link LeNet}) on Fashion-MNIST, recorded every epoch and, early on, every few
 * updates — for CMD (Brokman et al. 2023 train LeNet-5 with Adam 1e-3, batch 128), the Koopman early-phase
 * analysis (Redman et al. 2024, Fig. 4: windows of early training) and spectral dynamics. Adam (no weight
 * decay) lr 1e-3, batch 128 reshuffled every epoch, cross-entropy; defaults: 10 epochs, checkpoints at
 * the initial weights, every 10 updates during the first 200, and at every epoch end; full train and test
 * evaluation at every epoch end. All ten tensors are recorded (61 706 parameters).
 */
public final class CnnSetup implements Setup {
    private final double lr;
    private final int batch;
    private final int epochs;
    private final int earlySteps;
    private final int earlyEvery;
    private final int trainLimit;
    private final EpochHook.Factory epochHook;

    private CnnSetup(Builder b) {
        lr = b.lr;
        batch = b.batch;
        epochs = b.epochs;
        earlySteps = b.earlySteps;
        earlyEvery = b.earlyEvery;
        trainLimit = b.trainLimit;
        epochHook = b.epochHook;
    }

    /** A builder with the defaults above. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "cnn";
    }

    private CheckpointSchedule schedule() {
        CheckpointSchedule s = CheckpointSchedule.everyEpochs(1);
        return earlySteps > 0 ? s.withEarlyPhase(earlySteps, earlyEvery) : s;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", "fashion-mnist, standardised (0.2860, 0.3530)");
        m.put("train_limit", trainLimit);
        m.put("model", "LeNet-5-like: conv6@5x5 pad2, relu, maxpool2, conv16@5x5, relu, maxpool2, fc 400-120-84-10");
        m.put("init", "torch default U(+-1/sqrt(fan_in))");
        m.put("loss", "cross_entropy");
        m.put("optimizer", OptimizerConfig.AdamW.of(0).describe());
        m.put("lr_schedule", LrSchedule.constant(lr).describe());
        m.put("batch", batch);
        m.put("shuffle", true);
        m.put("epochs", epochs);
        m.put("checkpoints", schedule().describe());
        if (epochHook != null) {
            m.put("epoch_hook", epochHook.description());
        }
        return m;
    }

    @Override
    public RunResult run(long seed, Path out) {
        Dataset train = FashionMnist.train();
        if (trainLimit > 0) {
            train = train.head(trainLimit);
        }
        int spe = (train.size() + batch - 1) / batch;
        return new TrainLoop(name(), config(), new LeNet(new Rng(seed).fork("init")), train, FashionMnist.test(),
                OptimizerConfig.AdamW.of(0), LrSchedule.constant(lr), batch, epochs, true, schedule(), spe, null,
                new Rng(seed).fork("order")).epochHook(epochHook).run(seed, out);
    }

    /** Builder for {@link CnnSetup}. */
    public static final class Builder {
        private double lr = 1e-3;
        private int batch = 128;
        private int epochs = 10;
        private int earlySteps = 200;
        private int earlyEvery = 10;
        private int trainLimit;
        private EpochHook.Factory epochHook;

        private Builder() {
        }

        /** Adam learning rate (default 1e-3). */
        public Builder lr(double lr) {
            LrSchedule.constant(lr);
            this.lr = lr;
            return this;
        }

        /** Batch size (default 128). */
        public Builder batch(int b) {
            this.batch = Checks.atLeast("batch", b, 1);
            return this;
        }

        /** Epochs (default 10). */
        public Builder epochs(int e) {
            this.epochs = Checks.atLeast("epochs", e, 1);
            return this;
        }

        /** Dense early phase: a checkpoint every {@code every} updates during the first {@code steps} (default 200, 10; 0 turns it off). */
        public Builder earlyPhase(int steps, int every) {
            new CheckpointSchedule(0, 1, steps, every);
            this.earlySteps = steps;
            this.earlyEvery = every;
            return this;
        }

        /** Use only the first n training images (0: all 60 000). */
        public Builder trainLimit(int n) {
            this.trainLimit = Checks.atLeast("trainLimit", n, 0);
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
        public CnnSetup build() {
            return new CnnSetup(this);
        }
    }
}
