//%% md
// # 01 — Trajectories: the workbench's data model
//
// A **trajectory** is one training run: named parameter tensors at *T* checkpoints, a metrics table and run
// metadata (DESIGN.md, "Data model"). This tour opens a bundled trajectory recorded by the workbench's own
// trainer, imports a run saved by PyTorch (`torch.save` state dicts, read without Python), looks at the metrics
// table and a weight heat-map, and streams the *N × T* parameter matrix in blocks — the access pattern of CMD
// and DMD on weights.
//
// **Checks at the end:** every stored checkpoint opens; block streaming gives exactly the values of direct
// per-checkpoint reads; the imported PyTorch tensors equal what `torch` itself saved (values exported by
// `torch` to `data/import-examples/torch-run-expected.npz`).
//%%
Study study = Study.start("01-trajectories");
Checks checks = new Checks();
Trajectory run = Trajectories.open(Study.data("grokking-mlp-wd1"));
run
//%% md
// ## What is in a run
// Tensors with their shapes, the checkpoints (optimiser steps) and the metadata the trainer wrote: setup,
// seed and the full configuration, so the run can be regenerated bit-identically.
//%%
System.out.println("checkpoints T = " + run.checkpointCount() + ", steps " + run.steps()[0] + " .. " + run.steps()[run.checkpointCount() - 1]);
System.out.println("parameters  N = " + run.parameterCount());
run.tensors().forEach(s -> System.out.println("  " + s));
System.out.println("setup = " + run.metadata().get("setup") + ", seed = " + run.metadata().get("seed"));
//%% md
// ## The metrics table
// A Tablesaw table with one row per logged step. The train/test accuracy curves show the grokking run of
// this bundle: memorisation first, generalisation much later.
//%%
Table metrics = run.metrics();
Table evals = metrics.where(metrics.doubleColumn("test_acc").isNotMissing());
XYChart acc = Figures.xy("Grokking MLP, (a + b) mod 31, weight decay 1", "step", "accuracy");
acc.addSeries("train", evals.longColumn("step").asDoubleArray(), evals.doubleColumn("train_acc").asDoubleArray());
acc.addSeries("test", evals.longColumn("step").asDoubleArray(), evals.doubleColumn("test_acc").asDoubleArray());
study.save(acc, "accuracy");
study.save(evals, "evaluations");
acc
//%% md
// ## A weight heat-map
// The read-out matrix `out.weight` (31 classes × 128 hidden units) at the last checkpoint, and how far each
// tensor moved from initialisation over training (relative Frobenius distance ‖W(t) − W(0)‖ / ‖W(0)‖).
//%%
int last = run.checkpointCount() - 1;
TensorSpec outSpec = run.tensor("out.weight");
int rows = (int) outSpec.dim(0), cols = (int) outSpec.dim(1);
double[] w = run.values("out.weight", last);
List<Integer> xs = new ArrayList<>(), ys = new ArrayList<>();
for (int j = 0; j < cols; j++) xs.add(j);
for (int i = 0; i < rows; i++) ys.add(i);
List<Number[]> cells = new ArrayList<>();
for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) cells.add(new Number[]{j, i, w[i * cols + j]});
HeatMapChart heat = new HeatMapChartBuilder().width(900).height(320).title("out.weight at step " + run.steps()[last])
        .xAxisTitle("hidden unit").yAxisTitle("class").build();
heat.getStyler().setShowValue(false);
heat.addSeries("out.weight", xs, ys, cells);
study.save(heat, "out-weight-heatmap");
heat
//%%
XYChart moved = Figures.xy("Distance from initialisation", "step", "||W(t) - W(0)|| / ||W(0)||");
double[] stepsD = Arrays.stream(run.steps()).asDoubleStream().toArray();
for (TensorSpec s : run.tensors()) {
    double[] w0 = run.values(s.name(), 0);
    double n0 = Math.sqrt(Arrays.stream(w0).map(v -> v * v).sum());
    double[] d = new double[run.checkpointCount()];
    for (int t = 0; t < d.length; t++) {
        double[] wt = run.values(s.name(), t);
        double acc2 = 0;
        for (int i = 0; i < wt.length; i++) acc2 += (wt[i] - w0[i]) * (wt[i] - w0[i]);
        d[t] = Math.sqrt(acc2) / n0;
    }
    moved.addSeries(s.name(), stepsD, d);
}
study.save(moved, "distance-from-init");
moved
//%% md
// ## Streaming the N × T matrix
// `blocks(maxRows)` yields parameter blocks (rows = parameters, columns = checkpoints), never crossing a tensor
// boundary, so analyses over all parameters need never hold the whole trajectory. Here each parameter's total
// path length Σ_t |w(t+1) − w(t)| is computed from blocks and checked against direct per-checkpoint reads.
//%%
double[] pathFromBlocks = new double[(int) run.parameterCount()];
int nBlocks = 0;
for (ParameterBlock b : run.blocks(1000)) {
    nBlocks++;
    for (int r = 0; r < b.rows(); r++) {
        double s = 0;
        for (int t = 1; t < b.cols(); t++) s += Math.abs(b.get(r, t) - b.get(r, t - 1));
        pathFromBlocks[(int) b.offset() + r] = s;
    }
}
double[] pathDirect = new double[pathFromBlocks.length];
double[] prev = run.flattened(0);
for (int t = 1; t < run.checkpointCount(); t++) {
    double[] cur = run.flattened(t);
    for (int i = 0; i < cur.length; i++) pathDirect[i] += Math.abs(cur[i] - prev[i]);
    prev = cur;
}
double maxDiff = 0;
for (int i = 0; i < pathDirect.length; i++) maxDiff = Math.max(maxDiff, Math.abs(pathDirect[i] - pathFromBlocks[i]));
System.out.println(nBlocks + " blocks; max |blocks - direct| = " + maxDiff);
checks.check("block streaming equals direct reads", maxDiff == 0.0, "0 (bit-identical)", Double.toString(maxDiff));
checks.check("every checkpoint opens", run.checkpointCount() == 31 && run.parameterCount() == 2 * 31 * 128,
        "T = 31, N = 7936", "T = " + run.checkpointCount() + ", N = " + run.parameterCount());
//%% md
// ## Importing a PyTorch run
// `data/import-examples/torch-run/` holds three `torch.save` state dicts (PyTorch 1.13 zip format) of a small
// network with a BatchNorm layer. The importer reads the zip and interprets the pickle without a Python runtime,
// rebuilds each tensor from its storage, offset, shape and stride, and writes a native store atomically.
//%%
Path imported = study.dir().resolve("torch-run");
ImportSummary summary = Importer.builder().replaceExisting(true).build().run(Study.data("import-examples/torch-run"), imported);
System.out.println(summary.describe());
Trajectory torchRun = Trajectories.open(imported);
torchRun.tensors()
//%%
Map<String, NpyArray> expected = Npy.readNpz(Study.data("import-examples/torch-run-expected.npz"));
double worst = 0;
int compared = 0;
for (int t = 0; t < torchRun.checkpointCount(); t++) {
    for (TensorSpec s : torchRun.tensors()) {
        double[] want = expected.get(s.name() + "@" + torchRun.steps()[t]).toDoubleArray();
        double[] got = torchRun.values(s.name(), t);
        for (int i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - got[i]));
        compared++;
    }
}
checks.check("imported PyTorch tensors equal torch's values", worst == 0.0 && compared == 24,
        "24 tensors, max difference 0", compared + " tensors, max difference " + worst);
//%%
checks.verify();
study.finish();
