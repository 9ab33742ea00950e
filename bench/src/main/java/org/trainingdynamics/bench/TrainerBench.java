package org.trainingdynamics.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.trainingdynamics.train.GrokkingMlpSetup;
import org.trainingdynamics.train.LeNet;
import org.trainingdynamics.train.Rng;
import org.trainingdynamics.train.Mlp;
import org.trainingdynamics.train.OptimizerConfig;
import org.trainingdynamics.train.Parameter;
import org.trainingdynamics.train.data.Dataset;
import org.trainingdynamics.train.data.ModularArithmetic;
import org.trainingdynamics.trajectory.DType;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.TrajectoryRecorder;

/**
 * Trainer benchmark (issue 3): one full-batch AdamW step of the setup-4a grokking MLP at the benchmark size
 * (p = 97, width 512, 40% train = 3764 examples) against the FLOP-bound time at the sgemm rate ND4J reaches
 * in the same run; the same step done with SameDiff autodiff (the engine alternative); and the cost of
 * recording one checkpoint as a fraction of a step.
 *
 * <p>FLOPs of a step: the read-out GEMMs forward (z = hWᵀ), ∂W = ∂zᵀh and ∂h = ∂zW, each 2·B·H·p; the
 * embedding gather/scatter and elementwise work are not counted (they are memory-bound), so the ratio
 * measures everything beyond the GEMMs as overhead.
 */
public final class TrainerBench {
    private TrainerBench() {
    }

    private static double time(Runnable r, int warm, int reps) {
        for (int i = 0; i < warm; i++) {
            r.run();
        }
        double best = Double.MAX_VALUE;
        for (int k = 0; k < 3; k++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                r.run();
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1e9 / reps);
        }
        return best;
    }

    public static void main(String[] args) throws Exception {
        int p = 97;
        int width = 512;
        GrokkingMlpSetup setup = GrokkingMlpSetup.builder().p(p).width(width).trainFraction(0.4).build();
        Mlp model = setup.model(0);
        ModularArithmetic.Split split = setup.data(0);
        Dataset train = split.train();
        int b = train.size();
        OptimizerConfig.Optimizer opt = OptimizerConfig.AdamW.of(1.0).create(model.parameters());

        // baseline: sgemm rate on the step's own GEMM shapes, and on a square 1024 problem
        INDArray h = Nd4j.rand(DataType.FLOAT, b, width);
        INDArray w = Nd4j.rand(DataType.FLOAT, p, width);
        INDArray dz = Nd4j.rand(DataType.FLOAT, b, p);
        INDArray gw = Nd4j.zeros(DataType.FLOAT, p, width);
        double flopsGemm = 2.0 * b * width * p;
        double tShapes = time(() -> {
            Nd4j.gemm(h, w, false, true);
            Nd4j.gemm(dz, h, gw, true, false, 1.0, 0.0);
            Nd4j.gemm(dz, w, false, false);
        }, 5, 10);
        double rateShapes = 3 * flopsGemm / tShapes;
        INDArray a = Nd4j.rand(DataType.FLOAT, 1024, 1024);
        INDArray c = Nd4j.rand(DataType.FLOAT, 1024, 1024);
        double tSq = time(() -> Nd4j.gemm(a, c, false, false), 3, 5);
        double rateSq = 2.0 * 1024 * 1024 * 1024 / tSq;
        double rate = Math.max(rateShapes, rateSq);

        double tStep = time(() -> {
            model.gradients(train);
            opt.step(1e-3);
        }, 5, 10);
        double bound = 3 * flopsGemm / rate;

        // SameDiff: the same forward and loss, gradients by autodiff (no optimiser step)
        SameDiff sd = SameDiff.create();
        INDArray emb0 = model.parameters().get(0).value().dup();
        INDArray out0 = model.parameters().get(1).value().dup();
        SDVariable e = sd.var("embed", emb0);
        SDVariable wo = sd.var("out", out0);
        int[] ia = new int[b];
        int[] ib = new int[b];
        float[] onehot = new float[b * p];
        for (int i = 0; i < b; i++) {
            ia[i] = train.tokens()[i][0];
            ib[i] = train.tokens()[i][1];
            onehot[i * p + train.classes()[i]] = 1;
        }
        // inputs as one-hot matrices: SameDiff M2.1 differentiates gather with an interpreted loop over the
        // indices (Gather.doDiff -> loopWithConditions), which takes minutes per step at this size
        float[] oa = new float[b * p];
        float[] ob = new float[b * p];
        for (int i = 0; i < b; i++) {
            oa[i * p + ia[i]] = 1;
            ob[i * p + ib[i]] = 1;
        }
        SDVariable xa = sd.placeHolder("onehot_a", DataType.FLOAT, b, p);
        SDVariable xb = sd.placeHolder("onehot_b", DataType.FLOAT, b, p);
        SDVariable y = sd.placeHolder("labels", DataType.FLOAT, b, p);
        Map<String, INDArray> feed = Map.of("onehot_a", Nd4j.create(oa, new long[]{b, p}, 'c'),
                "onehot_b", Nd4j.create(ob, new long[]{b, p}, 'c'), "labels", Nd4j.create(onehot, new long[]{b, p}, 'c'));
        SDVariable hid = sd.nn.relu(xa.mmul(e).add(xb.mmul(e)), 0);
        SDVariable logits = sd.mmul(hid, wo, false, true, false);
        SDVariable lossVar = sd.loss.softmaxCrossEntropy("xent", y, logits, null);
        sd.setLossVariables(lossVar.name());
        sd.calculateGradients(feed, "embed", "out");
        SameDiff grad = sd.getFunction("grad");
        String[] gradNames = {sd.getVariable("embed").getGradient().name(), sd.getVariable("out").getGradient().name()};
        double tSd = time(() -> grad.output(feed, gradNames), 2, 3);
        double tGradOnly = time(() -> model.gradients(train), 5, 10);

        // recording overhead: one checkpoint of both tensors
        Path dir = Files.createTempDirectory("trainer-bench");
        List<TensorSpec> specs = new ArrayList<>();
        for (Parameter q : model.parameters()) {
            specs.add(new TensorSpec(q.name(), q.value().shape(), DType.FLOAT32));
        }
        double tRec;
        try (TrajectoryRecorder rec = TrajectoryRecorder.create(dir.resolve("run"), specs, Map.of())) {
            long[] step = {0};
            tRec = time(() -> {
                Map<String, Object> v = new LinkedHashMap<>();
                for (Parameter q : model.parameters()) {
                    v.put(q.name(), q.value().data().asFloat());
                }
                rec.append(step[0]++, 0, v);
            }, 5, 20);
        }
        Trajectories.deleteTree(dir);

        // LeNet-5-like CNN, batch 128, Adam: GEMM FLOPs of conv1 (forward, dW), conv2 (forward, dW, dcols) and fc
        int cb = 128;
        Rng crng = new Rng(3);
        int[] labels = new int[cb];
        for (int i = 0; i < cb; i++) {
            labels[i] = crng.nextInt(10);
        }
        Dataset imgs = new Dataset("bench images", Nd4j.create(crng.normalFloats(cb * 784, 1), new long[]{cb, 784}, 'c'),
                null, labels, null, 10);
        LeNet cnn = new LeNet(new Rng(4));
        OptimizerConfig.Optimizer cOpt = OptimizerConfig.AdamW.of(0).create(cnn.parameters());
        double cnnFlops = 2.0 * cb * (2.0 * 784 * 25 * 6 + 3.0 * 100 * 150 * 16 + 3.0 * (400 * 120 + 120 * 84 + 84 * 10));
        double tCnn = time(() -> {
            cnn.gradients(imgs);
            cOpt.step(1e-3);
        }, 3, 5);

        System.out.printf("TrainerBench (cores: %d, load average at end: %.1f)%n",
                Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf("grokking MLP p=%d width=%d batch=%d: GEMM FLOPs/step %.3g%n", p, width, b, 3 * flopsGemm);
        System.out.printf("sgemm rate: step shapes %.1f GFLOP/s, 1024^3 %.1f GFLOP/s (bound uses the higher)%n",
                rateShapes / 1e9, rateSq / 1e9);
        System.out.printf("hand-derived step (grad + AdamW): %.2f ms; FLOP bound %.2f ms; ratio %.2f (target <= 2)%n",
                tStep * 1e3, bound * 1e3, tStep / bound);
        System.out.printf("gradients only: hand-derived %.2f ms, SameDiff (one-hot inputs) %.2f ms; SameDiff/hand %.2f%n",
                tGradOnly * 1e3, tSd * 1e3, tSd / tGradOnly);
        System.out.printf("LeNet-5-like CNN batch %d (grad + Adam): %.2f ms; GEMM FLOPs %.3g; FLOP bound %.2f ms; ratio %.2f%n",
                cb, tCnn * 1e3, cnnFlops, cnnFlops / rate * 1e3, tCnn / (cnnFlops / rate));
        System.out.printf("recording one checkpoint (%d floats): %.3f ms = %.1f%% of a step (target <= 10%%)%n",
                model.parameters().stream().mapToLong(q -> q.value().length()).sum(), tRec * 1e3, 100 * tRec / tStep);
    }
}
