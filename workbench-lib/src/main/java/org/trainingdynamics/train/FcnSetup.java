package org.trainingdynamics.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.trainingdynamics.train.data.Dataset;
import org.trainingdynamics.train.data.FashionMnist;

/**
 * Narrow vs wide fully connected networks of Redman et al. 2024 (arXiv 2302.09160, §2b/Fig. 3; official
 * {@code FCN_MNIST_main.py}), on Fashion-MNIST instead of MNIST: 784–h–10, no biases, ReLU, log-softmax +
 * NLL (cross-entropy); SGD lr 0.1, batch 60, one epoch (1000 updates) in the file's order (the official
 * CPU data loader does not shuffle); PyTorch's default initialisation U(±1/√fan_in). Each seed is a base
 * initialisation with {@code copies} perturbed copies: copy 0 is the base, copy c ≥ 1 starts from
 * w·(1 + 0.001·U(−1, 1)) elementwise, from its own stream. Every update is recorded (plus the
 * initial weights: 1001 checkpoints); tensor {@code fc2.weight} [10, h] — the paper's observable — and,
 * with {@code recordFirstLayer}, {@code fc1.weight} [h, 784]. Copies go to sub-folders {@code copy-<c>}.
 * Test accuracy is evaluated every 100 updates.
 */
public final class FcnSetup implements Setup {
    private final int hidden;
    private final double lr;
    private final int batch;
    private final int epochs;
    private final int copies;
    private final double perturbation;
    private final boolean recordFirstLayer;
    private final int trainLimit;

    private FcnSetup(Builder b) {
        hidden = b.hidden;
        lr = b.lr;
        batch = b.batch;
        epochs = b.epochs;
        copies = b.copies;
        perturbation = b.perturbation;
        recordFirstLayer = b.recordFirstLayer;
        trainLimit = b.trainLimit;
    }

    /** A builder with the paper's defaults (h = 40; the paper compares 5, 10 and 40). */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "fcn";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", "fashion-mnist, standardised (0.2860, 0.3530)");
        m.put("train_limit", trainLimit);
        m.put("model", "784-" + hidden + "-10, ReLU, no biases");
        m.put("hidden", hidden);
        m.put("init", "torch default U(+-1/sqrt(fan_in))");
        m.put("loss", "cross_entropy");
        m.put("optimizer", OptimizerConfig.Sgd.plain(0).describe());
        m.put("lr_schedule", LrSchedule.constant(lr).describe());
        m.put("batch", batch);
        m.put("shuffle", false);
        m.put("epochs", epochs);
        m.put("copies", copies);
        m.put("perturbation", perturbation);
        m.put("record_first_layer", recordFirstLayer);
        m.put("checkpoints", CheckpointSchedule.everySteps(1).describe());
        return m;
    }

    /** The model of copy {@code copy} of base seed {@code seed}. */
    public Mlp model(long seed, int copy) {
        Rng rng = new Rng(seed);
        Mlp m = Mlp.dense(new int[]{784, hidden, 10}, false, Init.TORCH_LINEAR, 1.0, Loss.CROSS_ENTROPY,
                new String[]{"fc1", "fc2"}, rng.fork("init"));
        if (copy > 0) {
            Rng pr = rng.fork("perturb-" + copy);
            for (Parameter p : m.parameters()) {
                INDArray v = p.value();
                float[] u = pr.uniformFloats((int) v.length(), -1, 1);
                INDArray factor = Nd4j.create(u, v.shape(), 'c').muli(perturbation).addi(1);
                v.muli(factor);
            }
        }
        return m;
    }

    private Dataset train() {
        Dataset d = FashionMnist.train();
        return trainLimit > 0 ? d.head(trainLimit) : d;
    }

    @Override
    public RunResult run(long seed, Path out) {
        Dataset train = train();
        Dataset test = FashionMnist.test();
        List<Path> dirs = new ArrayList<>();
        Map<String, Double> fin = new LinkedHashMap<>();
        List<String> rec = recordFirstLayer ? null : List.of("fc2.weight");
        for (int c = 0; c < copies; c++) {
            Map<String, Object> tagged = new LinkedHashMap<>(config());
            tagged.put("copy", c);
            Path dir = CopyFolders.of(out, c, copies);
            RunResult r = new TrainLoop(name(), tagged, model(seed, c), train, test, OptimizerConfig.Sgd.plain(0),
                    LrSchedule.constant(lr), batch, epochs, false, CheckpointSchedule.everySteps(1), 100, rec,
                    new Rng(seed).fork("order")).run(seed, dir);
            dirs.add(dir);
            int copy = c;
            r.finalMetrics().forEach((k, v) -> fin.put("copy" + copy + "_" + k, v));
        }
        return new RunResult(out, dirs, fin);
    }

    /** Builder for {@link FcnSetup}. */
    public static final class Builder {
        private int hidden = 40;
        private double lr = 0.1;
        private int batch = 60;
        private int epochs = 1;
        private int copies = 10;
        private double perturbation = 0.001;
        private boolean recordFirstLayer;
        private int trainLimit;

        private Builder() {
        }

        /** Hidden width h (the paper: 5, 10, 40; default 40). */
        public Builder hidden(int h) {
            this.hidden = Checks.atLeast("hidden width", h, 1);
            return this;
        }

        /** SGD learning rate (default 0.1). */
        public Builder lr(double lr) {
            LrSchedule.constant(lr);
            this.lr = lr;
            return this;
        }

        /** Batch size (default 60). */
        public Builder batch(int b) {
            this.batch = Checks.atLeast("batch", b, 1);
            return this;
        }

        /** Epochs (default 1). */
        public Builder epochs(int e) {
            this.epochs = Checks.atLeast("epochs", e, 1);
            return this;
        }

        /** Copies per base seed: the base and copies − 1 perturbed ones (default 10). */
        public Builder copies(int c) {
            this.copies = Checks.atLeast("copies", c, 1);
            return this;
        }

        /** Relative size of the copies' perturbation (default 0.001). */
        public Builder perturbation(double eps) {
            this.perturbation = Checks.nonNegative("perturbation", eps);
            return this;
        }

        /** Also record {@code fc1.weight} at every update (large: 784·h floats per checkpoint). */
        public Builder recordFirstLayer(boolean on) {
            this.recordFirstLayer = on;
            return this;
        }

        /** Use only the first n training images (0: all 60 000); for tests and quick looks. */
        public Builder trainLimit(int n) {
            this.trainLimit = Checks.atLeast("trainLimit", n, 0);
            return this;
        }

        /** The configured setup. */
        public FcnSetup build() {
            return new FcnSetup(this);
        }
    }
}
