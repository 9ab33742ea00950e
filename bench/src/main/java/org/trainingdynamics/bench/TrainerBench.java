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
 * measures everything beyond the GEMMs as overhead. The MLP figures are measured in interleaved rounds (wall and
 * thread CPU time); {@code --mlp-only} stops after them.
 */
public final class TrainerBench {
    /**
     * Interleaved rounds of the MLP measurements, one call of each task per round; each figure is the minimum
     * over rounds of a single call (on a shared 2-core machine the quietest call is the work itself).
     */
    private static final int ROUNDS = 30;

    /** Appends into a scratch recorder before the warm recording figure, so that the JIT has compiled the recorder. */
    private static final int WARM_APPENDS = 400;

    private TrainerBench() {
    }

    /**
     * Per-append {wall, CPU} minima over {@link #ROUNDS} appends of the model's tensors into a new recorder in
     * {@code dir}, as {@code TrainLoop.record} does it (one bulk copy per tensor), after {@code warm} appends into
     * another scratch recorder.
     */
    private static double[][] recordingTimes(Path dir, List<TensorSpec> specs, List<Parameter> params, int warm) {
        if (warm > 0) {
            try (TrajectoryRecorder scratch = TrajectoryRecorder.create(dir.resolveSibling(dir.getFileName() + "-scratch"), specs, Map.of())) {
                long[] step = {0};
                for (int i = 0; i < warm; i++) {
                    scratch.append(step[0]++, 0, checkpoint(params));
                }
            }
        }
        try (TrajectoryRecorder rec = TrajectoryRecorder.create(dir, specs, Map.of())) {
            long[] step = {0};
            return interleaved(ROUNDS, 1, () -> rec.append(step[0]++, 0, checkpoint(params)));
        }
    }

    private static Map<String, Object> checkpoint(List<Parameter> params) {
        Map<String, Object> v = new LinkedHashMap<>();
        for (Parameter q : params) {
            float[] f = new float[(int) q.value().length()];
            q.value().data().asNioFloat().get(0, f);
            v.put(q.name(), f);
        }
        return v;
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

    /**
     * Best per-call time of each task over {@code rounds} interleaved rounds of {@code reps} calls: on a shared
     * machine the load changes during a run, and interleaving exposes the baseline and the measured code to
     * the same conditions (the minimum is each one's time in the quietest round). Returns {wall[], cpu[]}, the
     * latter the calling thread's CPU time — with OMP_NUM_THREADS=1 ND4J and OpenBLAS compute in the calling
     * thread, so it is the work done, free of time-sharing with other processes.
     */
    private static double[][] interleaved(int rounds, int reps, Runnable... tasks) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        double[] wall = new double[tasks.length];
        double[] cpu = new double[tasks.length];
        java.util.Arrays.fill(wall, Double.MAX_VALUE);
        java.util.Arrays.fill(cpu, Double.MAX_VALUE);
        for (Runnable t : tasks) {
            t.run();
            t.run();
        }
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < tasks.length; k++) {
                long c0 = mx.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    tasks[k].run();
                }
                wall[k] = Math.min(wall[k], (System.nanoTime() - t0) / 1e9 / reps);
                cpu[k] = Math.min(cpu[k], (mx.getCurrentThreadCpuTime() - c0) / 1e9 / reps);
            }
        }
        return new double[][]{wall, cpu};
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
        INDArray zo = Nd4j.zeros(DataType.FLOAT, b, p);
        INDArray dh = Nd4j.zeros(DataType.FLOAT, b, width);
        double flopsGemm = 2.0 * b * width * p;
        INDArray a = Nd4j.rand(DataType.FLOAT, 1024, 1024);
        INDArray c = Nd4j.rand(DataType.FLOAT, 1024, 1024);
        INDArray ac = Nd4j.zeros(DataType.FLOAT, 1024, 1024);
        // interleaved: [0] the step's 3 GEMMs alone, [1] 1024^3 GEMM, [2] forward + loss, [3] gradients,
        // [4] AdamW update, [5] step (gradients + AdamW). The step comes right after gradients and AdamW, as in
        // training (one step after the other), not right after the 1024^3 GEMM, whose 12 MB evict its working set.
        double[][] wc = interleaved(ROUNDS, 1,
                () -> {
                    Nd4j.gemm(h, w, zo, false, true, 1.0, 0.0);
                    Nd4j.gemm(dz, h, gw, true, false, 1.0, 0.0);
                    Nd4j.gemm(dz, w, dh, false, false, 1.0, 0.0);
                },
                () -> Nd4j.gemm(a, c, ac, false, false, 1.0, 0.0),
                () -> model.evaluate(train),
                () -> model.gradients(train),
                () -> opt.step(1e-3),
                () -> {
                    model.gradients(train);
                    opt.step(1e-3);
                });
        final int iGemms = 0;
        final int iSquare = 1;
        final int iFwd = 2;
        final int iGrad = 3;
        final int iAdam = 4;
        final int iStep = 5;
        double[] t = wc[0];
        double[] tc = wc[1];
        double tShapes = t[iGemms];
        double rateShapes = 3 * flopsGemm / tShapes;
        double tSq = t[iSquare];
        double rateSq = 2.0 * 1024 * 1024 * 1024 / tSq;
        double rate = Math.max(rateShapes, rateSq);
        double tStep = t[iStep];
        double tForward = t[iFwd];
        double tGradOnly = t[iGrad];
        double tOpt = t[iAdam];
        double bound = 3 * flopsGemm / rate;
        double boundCpu = 3 * flopsGemm / Math.max(3 * flopsGemm / tc[iGemms], 2.0 * 1024 * 1024 * 1024 / tc[iSquare]);
        System.out.printf("MLP, thread CPU time: 3 GEMMs at the step's shapes %.2f ms (%.1f GFLOP/s), 1024^3 %.1f GFLOP/s; "
                        + "step %.2f ms; bound %.2f ms; ratio %.2f (to the step's own GEMMs %.2f); forward+loss %.2f ms, "
                        + "gradients %.2f ms, AdamW %.2f ms%n",
                tc[iGemms] * 1e3, 3 * flopsGemm / tc[iGemms] / 1e9, 2.0 * 1024 * 1024 * 1024 / tc[iSquare] / 1e9, tc[iStep] * 1e3,
                boundCpu * 1e3, tc[iStep] / boundCpu, tc[iStep] / tc[iGemms], tc[iFwd] * 1e3, tc[iGrad] * 1e3, tc[iAdam] * 1e3);
        if (args.length > 0 && args[0].equals("--mlp-only")) {
            System.out.printf("MLP, wall time: GEMMs %.2f ms, 1024^3 %.1f GFLOP/s, step %.2f ms, bound %.2f ms, ratio %.2f%n",
                    tShapes * 1e3, rateSq / 1e9, tStep * 1e3, bound * 1e3, tStep / bound);
            return;
        }

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

        // recording overhead: one checkpoint of both tensors, first as the first appends of this JVM (the
        // recorder's loops still interpreted or compiled at a low tier, as in a short run), then after
        // WARM_APPENDS appends into a scratch recorder have let the JIT compile them (a long run's steady state)
        Path dir = Files.createTempDirectory("trainer-bench");
        List<TensorSpec> specs = new ArrayList<>();
        for (Parameter q : model.parameters()) {
            specs.add(new TensorSpec(q.name(), q.value().shape(), DType.FLOAT32));
        }
        double[][] recCold = recordingTimes(dir.resolve("cold"), specs, model.parameters(), 0);
        double[][] recWarm = recordingTimes(dir.resolve("warm"), specs, model.parameters(), WARM_APPENDS);
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
        System.out.printf("hand-derived step (grad + AdamW): %.2f ms; FLOP bound %.2f ms; ratio %.2f (target <= 2); "
                + "ratio to the step's own GEMMs %.2f%n", tStep * 1e3, bound * 1e3, tStep / bound, tStep / tShapes);
        System.out.printf("phases: forward+loss %.2f ms (1 GEMM), gradients %.2f ms (3 GEMMs), AdamW %.2f ms; "
                        + "the 3 GEMMs alone at the step's shapes %.2f ms -> non-GEMM work in a step %.2f ms%n",
                tForward * 1e3, tGradOnly * 1e3, tOpt * 1e3, tShapes * 1e3, (tStep - tShapes) * 1e3);
        System.out.printf("gradients only: hand-derived %.2f ms, SameDiff (one-hot inputs) %.2f ms; SameDiff/hand %.2f%n",
                tGradOnly * 1e3, tSd * 1e3, tSd / tGradOnly);
        System.out.printf("LeNet-5-like CNN batch %d (grad + Adam): %.2f ms; GEMM FLOPs %.3g; FLOP bound %.2f ms; ratio %.2f%n",
                cb, tCnn * 1e3, cnnFlops, cnnFlops / rate * 1e3, tCnn / (cnnFlops / rate));
        long floats = model.parameters().stream().mapToLong(q -> q.value().length()).sum();
        for (double[][] r : new double[][][]{recCold, recWarm}) {
            System.out.printf("recording one checkpoint (%d floats), %s, minimum of %d: wall %.3f ms = %.1f%% of a step (wall); "
                            + "thread CPU %.3f ms = %.1f%% of a step (CPU) (target <= 10%%)%n",
                    floats, r == recCold ? "first appends of the JVM" : "after " + WARM_APPENDS + " warm-up appends", ROUNDS,
                    r[0][0] * 1e3, 100 * r[0][0] / tStep, r[1][0] * 1e3, 100 * r[1][0] / tc[iStep]);
        }
    }
}
