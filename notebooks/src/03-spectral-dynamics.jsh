//%% md
// # 03 — Spectral dynamics of weights: grokking with and without weight decay
//
// **Papers.** Yunis, Patel, Wheeler, Savarese, Vardi, Livescu, Maire & Walter, *Approaching Deep Learning through
// the Spectral Dynamics of Weights* (arXiv 2408.11804, 2024; code `dyunis/spectral_dynamics`), and the heavy-tailed
// empirical spectral density (ESD) of WeightWatcher (Martin & Mahoney). Library: `org.trainingdynamics.spectral`
// (docs/spectral.md): one SVD per weight matrix per checkpoint gives the singular values σ_i(t), the normalised
// effective rank, the singular-vector agreement (SVA) with the final checkpoint, and the ESD power-law fit.
//
// **Claims (Yunis et al., grokking section).** On modular arithmetic, a run with weight decay memorises first and
// generalises (groks) much later; without weight decay it memorises and never generalises. Weight decay drives the
// weights' spectral dynamics: the norm shrinks, the effective rank falls, and the top singular vectors keep rotating
// until generalisation and only then settle (SVA → 1); without weight decay the vectors freeze early.
//
// **Runs.** The first part (both profiles) analyses the bundled runs `data/grokking-mlp-wd1` and `data/grokking-mlp-wd0`
// ((a + b) mod 31, shared embedding 31 × 128 → ReLU → read-out 31 × 128, 50% train split, full-batch AdamW lr 3e-3,
// 3000 updates, a checkpoint every 100; weight decay 1 vs 0; seed 0). The second part tests the research note's six
// criteria (shared/research/spectral.md §6) with `GrokkingCriteria`: in the **smoke** profile on the same bundled runs;
// in the **paper** profile on the note's configuration trained inline with the workbench trainer — (a + b) mod 59,
// 40% train, emb(a) + emb(b) → ReLU width 256 → linear, AdamW lr 1e-3, weight decay 1 vs 0, full batch, a checkpoint
// every 100 — for one seed and 10 000 updates (the note asks for 10–20k updates and 3 seeds; the 3-seed, 10k-update
// run is in docs/spectral.md, "CPU-scale replication").
//
// **Expected outcome / checks.** wd = 1 groks (test accuracy > 0.9 at the end) and wd = 0 does not; weight decay
// shrinks the embedding's norm while wd = 0 grows it; the wd = 0 singular vectors freeze during memorisation
// while the wd = 1 vectors are still rotating; SVA of the last checkpoint with itself is 1; the library's singular
// values equal a direct EJML SVD; criteria 1 (grokking ≥ 3× after memorisation), 3 (the control neither groks nor
// loses rank) and 6 (consecutive-layer alignment well below 1). The effective-rank, SVA and pruning criteria (2, 4, 5)
// are **measured and reported, not asserted**: in this architecture they do not hold (see the end).
//%%
Study study = Study.start("03-spectral-dynamics");
Checks checks = new Checks();
study.seed("bundled runs (training seed)", 0);
long spectralSeed = study.seed("ESD randomisation", 0);
Trajectory wd1 = Trajectories.open(Study.data("grokking-mlp-wd1"));
Trajectory wd0 = Trajectories.open(Study.data("grokking-mlp-wd0"));
System.out.println("profile " + study.profile().label() + "; both profiles analyse the bundled runs");
wd1.tensors().forEach(s -> System.out.println("  " + s));
//%% md
// ## Locating memorisation and grokking
// From the metrics table: memorisation = first evaluation with train accuracy 1; grokking = first evaluation with
// test accuracy ≥ 0.9.
//%%
Table ev1 = wd1.metrics().where(wd1.metrics().doubleColumn("test_acc").isNotMissing());
Table ev0 = wd0.metrics().where(wd0.metrics().doubleColumn("test_acc").isNotMissing());
long firstStep(Table ev, String col, double thr) {
    for (int i = 0; i < ev.rowCount(); i++) if (ev.doubleColumn(col).get(i) >= thr) return ev.longColumn("step").get(i);
    return -1;
}
long mem1 = firstStep(ev1, "train_acc", 1.0), mem0 = firstStep(ev0, "train_acc", 1.0);
long grok1 = firstStep(ev1, "test_acc", 0.9), grok0 = firstStep(ev0, "test_acc", 0.9);
double final1 = ev1.doubleColumn("test_acc").get(ev1.rowCount() - 1), final0 = ev0.doubleColumn("test_acc").get(ev0.rowCount() - 1);
System.out.println("wd=1: memorised at step " + mem1 + ", test acc >= 0.9 at step " + grok1 + ", final test acc " + final1);
System.out.println("wd=0: memorised at step " + mem0 + ", test acc >= 0.9 at step " + grok0 + ", final test acc " + final0);
XYChart acc = Figures.xy("(a + b) mod 31: accuracy, weight decay 1 vs 0", "step", "accuracy");
acc.addSeries("train wd=1", ev1.longColumn("step").asDoubleArray(), ev1.doubleColumn("train_acc").asDoubleArray());
acc.addSeries("test wd=1", ev1.longColumn("step").asDoubleArray(), ev1.doubleColumn("test_acc").asDoubleArray());
acc.addSeries("train wd=0", ev0.longColumn("step").asDoubleArray(), ev0.doubleColumn("train_acc").asDoubleArray());
acc.addSeries("test wd=0", ev0.longColumn("step").asDoubleArray(), ev0.doubleColumn("test_acc").asDoubleArray());
study.save(acc, "accuracy");
checks.check("wd=1 groks: final test accuracy > 0.9, after memorisation", final1 > 0.9 && grok1 > mem1 && mem1 >= 0,
        "> 0.9, grokking after memorisation", String.format("%.3f (memorised %d, >= 0.9 at %d)", final1, mem1, grok1));
checks.check("wd=0 memorises but does not generalise: final test accuracy < 0.6", final0 < 0.6 && mem0 >= 0,
        "< 0.6", String.format("%.3f (memorised %d)", final0, mem0));
acc
//%% md
// ## One SVD per matrix per checkpoint
//%%
SpectralConfig cfg = SpectralConfig.builder().tensors("*.weight").topK(31).seed(spectralSeed).build();
long t0 = System.nanoTime();
SpectralResult r1 = SpectralDynamics.run(wd1, cfg);
SpectralResult r0 = SpectralDynamics.run(wd0, cfg);
System.out.printf("spectral analysis of 2 runs x %d checkpoints x %d matrices: %.1f s%n",
        r1.checkpointCount(), r1.layers().size(), (System.nanoTime() - t0) / 1e9);
Table er1 = r1.wide("effective_rank");
study.save(er1, "effective-rank-wd1");
study.save(r0.wide("effective_rank"), "effective-rank-wd0");
er1
//%% md
// ## Singular values over training
// σ_i(t) of the embedding: weight decay pulls the whole spectrum down after memorisation; without it the
// spectrum keeps growing.
//%%
XYChart sv1 = SpectralCharts.singularValues(r1, "embed.weight", 10);
sv1.setTitle("Singular values: embed.weight, wd = 1");
study.save(sv1, "sigma-embed-wd1");
sv1
//%%
XYChart sv0 = SpectralCharts.singularValues(r0, "embed.weight", 10);
sv0.setTitle("Singular values: embed.weight, wd = 0");
study.save(sv0, "sigma-embed-wd0");
sv0
//%% md
// ## Effective rank (layer × checkpoint)
//%%
HeatMapChart erHeat = SpectralCharts.metricHeatMap(r1, "effective_rank");
erHeat.setTitle("effective_rank, wd = 1 (layer x checkpoint)");
study.save(erHeat, "effective-rank-heatmap-wd1");
erHeat
//%% md
// ## Singular-vector agreement with the final checkpoint
// SVA_ii(t) = |⟨u_i(t), u_i(T)⟩⟨v_i(t), v_i(T)⟩|. Rows: singular-vector index; columns: step.
//%%
HeatMapChart svaHeat1 = SpectralCharts.svaDiagonal(r1, "embed.weight");
svaHeat1.setTitle("SVA diagonal: embed.weight, wd = 1");
study.save(svaHeat1, "sva-embed-wd1");
svaHeat1
//%%
HeatMapChart svaHeat0 = SpectralCharts.svaDiagonal(r0, "embed.weight");
svaHeat0.setTitle("SVA diagonal: embed.weight, wd = 0");
study.save(svaHeat0, "sva-embed-wd0");
svaHeat0
//%%
double[] stepsD = Arrays.stream(r1.steps()).asDoubleStream().toArray();
XYChart sva = Figures.xy("Top-10 SVA score against the final checkpoint", "step", "sva_score");
for (String layer : r1.layers()) {
    sva.addSeries(layer + " wd=1", stepsD, r1.metric(layer, "sva_score"));
    sva.addSeries(layer + " wd=0", stepsD, r0.metric(layer, "sva_score"));
}
study.save(sva, "sva-score");
sva
//%% md
// ## ESD with the WeightWatcher power-law fit (last checkpoint)
//%%
int last = r1.checkpointCount() - 1;
XYChart esd = SpectralCharts.esd(r1, "embed.weight", last);
study.save(esd, "esd-embed-wd1");
PowerLawFit fit1 = r1.fit("embed.weight", last), fit0 = r0.fit("embed.weight", last);
System.out.println("wd=1 embed: " + fit1);
System.out.println("wd=0 embed: " + fit0);
esd
//%% md
// ## Summary and checks
//%%
int idx(SpectralResult r, long step) {
    for (int t = 0; t < r.checkpointCount(); t++) if (r.steps()[t] == step) return t;
    throw new IllegalArgumentException("no checkpoint at step " + step);
}
int m1 = idx(r1, mem1), m0 = idx(r0, mem0);
Table summary = Table.create("spectral summary",
        StringColumn.create("run"), StringColumn.create("layer"),
        DoubleColumn.create("eff_rank_memorised"), DoubleColumn.create("eff_rank_end"), DoubleColumn.create("eff_rank_change"),
        DoubleColumn.create("fro_init"), DoubleColumn.create("fro_end"), DoubleColumn.create("sva_at_step_1000"));
for (Object[] run : new Object[][]{{"wd=1", r1, m1}, {"wd=0", r0, m0}}) {
    SpectralResult r = (SpectralResult) run[1];
    int m = (Integer) run[2];
    for (String layer : r.layers()) {
        double[] er = r.metric(layer, "effective_rank"), fro = r.metric(layer, "frobenius_norm"), s = r.metric(layer, "sva_score");
        summary.stringColumn("run").append((String) run[0]);
        summary.stringColumn("layer").append(layer);
        summary.doubleColumn("eff_rank_memorised").append(er[m]);
        summary.doubleColumn("eff_rank_end").append(er[last]);
        summary.doubleColumn("eff_rank_change").append(er[last] / er[m] - 1);
        summary.doubleColumn("fro_init").append(fro[0]);
        summary.doubleColumn("fro_end").append(fro[last]);
        summary.doubleColumn("sva_at_step_1000").append(s[idx(r, 1000)]);
    }
}
study.save(summary, "summary");
summary
//%%
double[] fro1 = r1.metric("embed.weight", "frobenius_norm"), fro0 = r0.metric("embed.weight", "frobenius_norm");
checks.check("weight decay shrinks the embedding (||W||_F end/init <= 0.8) while wd=0 grows it (>= 1.2)",
        fro1[last] / fro1[0] <= 0.8 && fro0[last] / fro0[0] >= 1.2, "<= 0.8 and >= 1.2",
        String.format("%.3f and %.3f", fro1[last] / fro1[0], fro0[last] / fro0[0]));
int t1000 = idx(r1, 1000);
double s1 = r1.metric("embed.weight", "sva_score")[t1000], s0 = r0.metric("embed.weight", "sva_score")[t1000];
checks.check("after memorisation (step 1000) wd=0 top vectors have frozen (SVA > 0.8), wd=1 still rotate (SVA < 0.3)",
        s0 > 0.8 && s1 < 0.3, "> 0.8 and < 0.3", String.format("wd=0 %.3f, wd=1 %.3f", s0, s1));
double worstSva = 0;
for (SpectralResult r : List.of(r1, r0)) for (String layer : r.layers()) worstSva = Math.max(worstSva, Math.abs(r.metric(layer, "sva_score")[last] - 1));
checks.check("final-checkpoint SVA score = 1 (agreement with itself)", worstSva < 1e-9, "|SVA - 1| < 1e-9", Double.toString(worstSva));
// direct EJML SVD at the memorisation checkpoint
double[] w = wd1.values("embed.weight", m1);
org.ejml.data.DMatrixRMaj a = new org.ejml.data.DMatrixRMaj(31, 128);
for (int i = 0; i < w.length; i++) a.data[i] = w[i];
org.ejml.interfaces.decomposition.SingularValueDecomposition_F64<org.ejml.data.DMatrixRMaj> svd =
        org.ejml.dense.row.factory.DecompositionFactory_DDRM.svd(31, 128, false, false, true);
svd.decompose(a);
double[] direct = Arrays.stream(svd.getSingularValues()).limit(31).sorted().toArray();
double[] lib = r1.singularValues("embed.weight", m1);
double svErr = 0;
for (int i = 0; i < 31; i++) svErr = Math.max(svErr, Math.abs(direct[30 - i] - lib[i]));
checks.check("library singular values = direct EJML SVD (embed.weight, step " + mem1 + ")", svErr <= 1e-10 && lib.length == 31,
        "max |diff| <= 1e-10", Double.toString(svErr));
// The paper's effective-rank claim, measured (reported, not asserted)
double erChange1 = r1.metric("embed.weight", "effective_rank")[last] / r1.metric("embed.weight", "effective_rank")[m1] - 1;
double erChange0 = r0.metric("embed.weight", "effective_rank")[last] / r0.metric("embed.weight", "effective_rank")[m0] - 1;
System.out.printf("NOT REPRODUCED at this scale: effective rank of embed.weight from memorisation to the end: wd=1 %+.1f%%, wd=0 %+.1f%% "
        + "(paper: falls >= 25%% with weight decay).%n", 100 * erChange1, 100 * erChange0);
//%% md
// ## The research note's criteria 1–6
// `GrokkingCriteria.measure` reads memorisation (train error 0), grokking (validation error < 5%) and the generalisation
// window (validation error from 90% to 10% of its value at memorisation) from the metrics, the effective rank, SVA and
// alignment from the spectral result, and runs the top-half pruning probe (`LowRankPruning`, every matrix but the
// read-out) through the trainer's own evaluation (`SpectralGrokkingCommand.trainerEvaluator`: the run's model and
// split rebuilt from its recorded configuration and seed). Smoke: the bundled p = 31 runs; paper: p = 59 trained here.
//%%
int replSteps = study.profile().pick(0, 10000);
long replSeed = study.seed("p = 59 replication run (paper profile)", 0);
Trajectory rw1, rw0;
if (replSteps == 0) {
    System.out.println("smoke profile: criteria on the bundled p = 31 runs");
    rw1 = wd1;
    rw0 = wd0;
} else {
    long tTrain = System.nanoTime();
    rw1 = Trajectories.open(Setups.grokkingMlp().weightDecay(1.0).steps(replSteps).build()
            .run(replSeed, study.dir().resolve("grok-p59-wd1")).dir());
    rw0 = Trajectories.open(Setups.grokkingMlp().weightDecay(0.0).steps(replSteps).build()
            .run(replSeed, study.dir().resolve("grok-p59-wd0")).dir());
    System.out.printf("trained p = 59, width 256, %d updates, wd 1 and wd 0: %.0f s%n", replSteps, (System.nanoTime() - tTrain) / 1e9);
}
Map<?, ?> replConfig = (Map<?, ?>) rw1.metadata().get("config");
System.out.println("replication runs: p = " + replConfig.get("p") + ", width " + replConfig.get("width") + ", train fraction "
        + replConfig.get("train_fraction") + ", " + rw1.steps()[rw1.checkpointCount() - 1] + " updates");
GrokkingCriteria.Thresholds th = GrokkingCriteria.Thresholds.defaults();
SpectralConfig replCfg = SpectralConfig.builder().esd(false).seed(spectralSeed).build();
SpectralResult q1 = SpectralDynamics.run(rw1, replCfg), q0 = SpectralDynamics.run(rw0, replCfg);
GrokkingCriteria.RunMeasures mw1 = GrokkingCriteria.measure("wd=1", rw1, q1, q1.layers(), org.trainingdynamics.cli.SpectralGrokkingCommand.trainerEvaluator(rw1), th);
GrokkingCriteria.RunMeasures mw0 = GrokkingCriteria.measure("wd=0", rw0, q0, q0.layers(), org.trainingdynamics.cli.SpectralGrokkingCommand.trainerEvaluator(rw0), th);
study.save(GrokkingCriteria.runTable(List.of(mw1, mw0)), "replication-measures");
Table verdict = study.save(GrokkingCriteria.verdict(List.of(mw1), List.of(mw0), th), "replication-criteria");
verdict
//%%
double[] qSteps = Arrays.stream(q1.steps()).asDoubleStream().toArray();
XYChart replRank = Figures.xy("Effective rank through grokking (p = " + replConfig.get("p") + ")", "step", "normalised effective rank");
XYChart replSva = Figures.xy("Top-10 SVA score vs final checkpoint (p = " + replConfig.get("p") + ")", "step", "sva_score");
for (String layer : q1.layers()) {
    replRank.addSeries(layer + " wd=1", qSteps, q1.metric(layer, "effective_rank"));
    replRank.addSeries(layer + " wd=0", qSteps, q0.metric(layer, "effective_rank"));
    replSva.addSeries(layer + " wd=1", qSteps, q1.metric(layer, "sva_score"));
}
study.save(replRank, "replication-effective-rank");
study.save(replSva, "replication-sva");
replRank
//%%
replSva
//%% md
// ## Why the rank does not fall: the embedding's energy is spread over (almost) every frequency
// Share of the energy of the wd = 1 embedding E [p, width] per Fourier frequency k = 1 … (p − 1)/2 of the token axis,
// |Σ_a E[a, c] e^{−2πika/p}|² summed over the columns c, at initialisation and at the end. A solution that uses a few
// key frequencies (as the paper's transformer does) would concentrate the energy on them, each a rank-2 cos/sin pair.
//%%
int pp = ((Number) replConfig.get("p")).intValue(), wdt = ((Number) replConfig.get("width")).intValue();
double[] fourierShare(double[] emb) {
    double[] energy = new double[(pp - 1) / 2 + 1];
    for (int c = 0; c < wdt; c++) {
        for (int k = 0; k <= (pp - 1) / 2; k++) {
            double re = 0, im = 0;
            for (int a = 0; a < pp; a++) {
                re += emb[a * wdt + c] * Math.cos(2 * Math.PI * k * a / pp);
                im -= emb[a * wdt + c] * Math.sin(2 * Math.PI * k * a / pp);
            }
            energy[k] += (k == 0 ? 1 : 2) * (re * re + im * im);
        }
    }
    double total = Arrays.stream(energy).sum();
    return Arrays.stream(energy).map(e -> e / total).toArray();
}
int frequenciesFor90(double[] share) {
    double[] sorted = Arrays.stream(share, 1, share.length).map(x -> -x / (1 - share[0])).sorted().map(x -> -x).toArray();
    int n = 0;
    for (double acc = 0; acc < 0.9 && n < sorted.length; n++) acc += sorted[n];
    return n;
}
double[] shareInit = fourierShare(rw1.values("embed.weight", 0));
double[] shareEnd = fourierShare(rw1.values("embed.weight", rw1.checkpointCount() - 1));
int freqs90 = frequenciesFor90(shareEnd);
System.out.printf("end: the top %d of the %d frequencies k >= 1 hold 90%% of their energy (initialisation: %d); largest share %.3f,"
        + " smallest %.3f; the mean (k = 0) holds %.4f%n", freqs90, shareEnd.length - 1, frequenciesFor90(shareInit),
        Arrays.stream(shareEnd, 1, shareEnd.length).max().getAsDouble(), Arrays.stream(shareEnd, 1, shareEnd.length).min().getAsDouble(), shareEnd[0]);
double[] ks = IntStream.range(1, shareEnd.length).asDoubleStream().toArray();
XYChart fourier = Figures.xy("wd=1 embedding: energy share per Fourier frequency", "frequency k", "share of energy");
fourier.addSeries("initialisation", ks, Arrays.copyOfRange(shareInit, 1, shareInit.length));
fourier.addSeries("end", ks, Arrays.copyOfRange(shareEnd, 1, shareEnd.length));
fourier.getStyler().setYAxisMin(0.0);
study.save(fourier, "embedding-fourier");
fourier
//%% md
// ## Checks on the criteria
//%%
boolean[] crit = new boolean[6];
for (int i = 0; i < 6; i++) crit[i] = verdict.booleanColumn("pass").get(i);
checks.check("criterion 1: grokking, validation error < 5% at >= 3x the memorisation step", crit[0],
        "train err 0, val err < 5% >= 3x later", verdict.stringColumn("measured").get(0));
checks.check("criterion 3: the wd=0 control neither groks nor loses effective rank", crit[2],
        "no grokking, rank drop < 25%", verdict.stringColumn("measured").get(2));
checks.check("criterion 6: consecutive-layer alignment well below 1 (< 0.5 at every checkpoint)", crit[5],
        "< 0.5", verdict.stringColumn("measured").get(5));
for (int i : new int[]{1, 3, 4}) {
    System.out.println((crit[i] ? "HOLDS" : "NOT REPRODUCED") + " (reported, not asserted) " + verdict.stringColumn("criterion").get(i)
            + ": " + verdict.stringColumn("measured").get(i));
}
//%% md
// **Paper claims that do not hold here.** The effective rank does *not* fall in either configuration: the embedding
// and read-out stay near full effective rank (≈ 0.97) and even rise slightly with weight decay, as the spectrum
// flattens (the Gini of σ falls). The Fourier read-out above suggests why: the generalising embedding spreads its
// energy over nearly all (p − 1)/2 frequencies of the token axis, about as evenly as the random initialisation does,
// instead of concentrating it on a few key frequencies (each a rank-2 cos/sin pair) as the paper's transformer does;
// such a solution needs nearly all p − 1 directions, and its flat spectrum leaves the individual singular vectors
// ill-conditioned (see docs/spectral.md for the subspace numbers of the 3-seed run), so that the index-by-index SVA
// settles late. This is a reading of one run, not a proof; the 3-seed p = 59 runs behave the same (docs/spectral.md,
// "CPU-scale replication"). Consistently, keeping the top half of the embedding's singular triplets destroys the
// generalising solution too (criterion 5), and the top-10 SVA passes 0.9 only long after grokking (criterion 4).
// The test-suite replication with a separate hidden matrix (docs/spectral.md, `GrokkingReplicationTest`) does show the ≥ 25% drop in its hidden matrix. On the bundled p = 31 runs the
// WeightWatcher reading (smaller ESD tail exponent α = better trained) is not borne out either: at the last checkpoint
// the generalising wd = 1 embedding has α ≈ 5.4 ± 1.0 while the memorising wd = 0 one has α ≈ 2.7 ± 0.3; with only 31
// eigenvalues per matrix the fit is weak (see the printed fits above).
//%%
checks.verify();
study.finish();
