//%% md
// # 04 — Latent states of training: HMM phases, training maps and detours
//
// **Paper.** Hu, Pezeshki, Kaplun, Saphra, Cho (2023), *Latent State Models of Training Dynamics*, TMLR,
// arXiv 2308.09543 (code: `github.com/michahu/modeling-training`).
//
// **Claim.** Compute 14 metrics of the network (norms, spectral statistics, weight and bias distributions) at every
// checkpoint of many training seeds, z-score them within each run and fit a Gaussian hidden Markov model to the
// sequences. The states are phases of training: every run starts in the same state, the Viterbi paths go mostly
// forward through a small *training map*, and on sparse parity (n = 40, k = 3) the map branches: one
// non-obligatory **detour state** is visited by some runs only, and visiting it correlates with later
// convergence (the released notebook: ρ = 0.375, p = 0.017, K = 6).
//
// **What runs here.** The library's pipeline (`TrainingMetrics` → `ModelSelection` → `TrainingHmmStudy`, which
// also builds the `TrainingMap` and the `DetourAnalysis`; docs/hmm.md):
// - **smoke** profile: the 4 bundled sparse-parity runs (`data/sparse-parity/seed-0..3`, width 100, official
//   settings otherwise). Four runs can show that the pipeline works and that training has phases, but a
//   correlation over 4 runs cannot establish a detour state: the detour statistics are computed and shown, and
//   **the detour claim is checked only in the paper profile**.
// - **paper** profile: 40 seeds trained inline with the workbench trainer (`Setups.sparseParity()`, official
//   settings: SGD lr 0.1, weight decay 0.01, batch 32, hinge loss, 300 epochs, a checkpoint every 10 epochs) at
//   **width 128 instead of 1000**: on this shared 2-core machine one seed costs ~25–40 s whatever the width (the
//   small GEMMs are overhead-bound) and width 1000 ~2 min, so 40 full-width seeds would take over an hour; width
//   128 is the size of the reduced replication in docs/hmm.md. Width 100 (the bundle) is too narrow: 2 of the 4
//   bundled seeds never learn the task in 300 epochs.
//
// **Expected outcome.** Held-out log-likelihood rising clearly from K = 1, a single start state, mostly
// left-to-right paths; in the paper profile, most seeds converging at spread-out times and a detour state with
// ρ > 0 and two-sided p < 0.05 (the released code's p is one-sided; this one is not).
//%%
Study study = Study.start("04-latent-states");
Checks checks = new Checks();
boolean paper = study.profile() == Profile.PAPER;
int width = study.profile().pick(100, 128);
int nSeeds = study.profile().pick(4, 40);
long firstSeed = study.seed("first training seed", 0);
long hmmSeed = study.seed("HMM split, k-means and restarts", 0);
System.out.println("profile " + study.profile().label() + ": " + nSeeds + " sparse-parity runs, width " + width
        + (paper ? ", trained now" : ", bundled"));
//%% md
// ## The runs
// Smoke reads the bundled runs. Paper trains 40 seeds with `MultiSeedRunner` (two seeds at a time; every run is
// a pure function of its seed, and finished seeds under `runs/` are reused on a re-run).
//%%
List<Path> runDirs = new ArrayList<>();
if (!paper) {
    for (long s = firstSeed; s < firstSeed + nSeeds; s++) runDirs.add(Study.data("sparse-parity/seed-" + s));
} else {
    SparseParitySetup setup = Setups.sparseParity().width(width).build();
    Path out = study.dir().resolve("runs");
    long t0 = System.nanoTime();
    LongStream.range(firstSeed, firstSeed + nSeeds).parallel()
            .forEach(s -> MultiSeedRunner.run(setup, s, 1, out));
    for (long s = firstSeed; s < firstSeed + nSeeds; s++) runDirs.add(out.resolve(MultiSeedRunner.runName(s)));
    System.out.printf("trained/loaded %d runs in %.0f s%n", nSeeds, (System.nanoTime() - t0) / 1e9);
}
List<Trajectory> runs = runDirs.stream().map(d -> (Trajectory) Trajectories.open(d)).toList();
runs.get(0)
//%% md
// ## Per-checkpoint metrics
// `TrainingMetrics.defaults()` computes the paper's 14 features at each of the 31 checkpoints (initial weights,
// then every 10 epochs); the convergence metric is the test accuracy at the same checkpoints. A run converges at
// the first checkpoint with test accuracy > 0.9 (never: the run length, 31).
//%%
TrainingMetrics metricsExtractor = TrainingMetrics.defaults();
List<TrainingHmmStudy.Run> studyRuns = new ArrayList<>();
XYChart accChart = Figures.xy("Sparse parity (n=40, k=3), width " + width + ": test accuracy", "epoch", "test accuracy");
for (int r = 0; r < runs.size(); r++) {
    Trajectory t = runs.get(r);
    Table m = t.metrics();
    Map<Long, Double> accAt = new HashMap<>();
    for (Row row : m.where(m.doubleColumn("test_acc").isNotMissing())) accAt.put(row.getLong("step"), row.getDouble("test_acc"));
    double[] acc = Arrays.stream(t.steps()).mapToDouble(s -> accAt.get(s)).toArray();
    String name = "seed-" + t.metadata().get("seed");
    studyRuns.add(new TrainingHmmStudy.Run(name, metricsExtractor.extract(t), acc));
    double[] epochs = new double[acc.length];
    for (int c = 1; c < epochs.length; c++) epochs[c] = 1 + 10 * (c - 1);
    if (r < 12) accChart.addSeries(name, epochs, acc);
}
study.save(accChart, "test-accuracy");
accChart
//%%
Table features0 = studyRuns.get(0).features().toTable();
study.save(features0, "features-" + studyRuns.get(0).name());
features0
//%%
XYChart zChart = Figures.xy(studyRuns.get(0).name() + ": z-scored features (what the HMM sees)", "checkpoint", "z-score");
double[][] z0 = studyRuns.get(0).features().zscored();
double[] ckpt = IntStream.range(0, z0.length).asDoubleStream().toArray();
for (String f : List.of("l2", "spectral", "code_sparsity", "variance_lambda", "var_w", "mean_b")) {
    int j = TrainingMetrics.BASE_FEATURES.indexOf(f);
    zChart.addSeries(f, ckpt, Arrays.stream(z0).mapToDouble(row -> row[j]).toArray());
}
study.save(zChart, "zscored-features");
zChart
//%% md
// ## The HMM study
// `TrainingHmmStudy` z-scores every run, splits the runs 80/20 (seeded), fits K = 1..K_max with several seeded
// k-means/Dirichlet initialisations on the training runs (full covariance, 32 EM iterations, tol 1e-2 — the
// paper's script), scores each fit on the held-out runs, and takes the K with the best mean held-out
// log-likelihood. With that K it fits all runs with seeded restarts (states matched by their means), decodes
// Viterbi paths, builds the training map and correlates state visits with convergence time.
//
// Paper profile: the library defaults — all 14 features, K = 1..8, 5 restarts. Smoke: 3 training runs of 31
// frames cannot support full-covariance states in 14 dimensions (119 parameters per state; the held-out
// log-likelihood collapses for every K > 1, so K = 1 would win), so smoke uses the paper's own reduced feature
// set for parity, `parities_best` = (spectral, variance_lambda) from the released `model_selection.py`
// (`TrainingMetrics.PARITIES_BEST`), with K = 1..5 and 3 restarts.
//%%
TrainingHmmStudy.Config cfg = TrainingHmmStudy.Config.defaults().withSeed(hmmSeed);
if (!paper) {
    // 3 training runs: the paper's parity feature subset, K = 1..5, 3 restarts per K and 3 analysis restarts
    TrainingHmmStudy.Config d = cfg;
    cfg = new TrainingHmmStudy.Config(TrainingMetrics.PARITIES_BEST, 1, 5, 3, 0, 3, d.covariance(), d.iterations(),
            d.threshold(), d.testFraction(), d.alpha(), d.seed());
}
System.out.println("features " + cfg.features() + ", K = " + cfg.minStates() + ".." + cfg.maxStates() + ", "
        + cfg.selectionRestarts() + " restarts per K, " + cfg.analysisRestarts() + " analysis restarts, " + cfg.covariance());
long tHmm = System.nanoTime();
TrainingHmmStudy.Result res = TrainingHmmStudy.of(cfg).run(studyRuns);
System.out.printf("HMM study: %.1f s; selected K = %d (best held-out), training-BIC minimum at K = %d%n",
        (System.nanoTime() - tHmm) / 1e9, res.states(), res.selection().bestByBic());
Table selection = res.selection().toTable();
study.save(selection, "model-selection");
selection
//%%
XYChart heldOut = res.selection().heldOutChart();
study.save(heldOut, "heldout-loglik");
heldOut
//%%
XYChart infoCrit = res.selection().criteriaChart();
study.save(infoCrit, "bic-aic");
infoCrit
//%% md
// ## The training map
// Nodes are states, placed left to right by mean first-visit time, area ∝ frames spent there, a thick outline
// marks a start state; edges are the transitions that occur between consecutive Viterbi states of some run,
// labelled with the fitted transition probability (the released `save_markov_chain(trim=True)`).
//%%
int K = res.states();
Path mapPng = res.map().savePng(study.dir().resolve("figures").resolve("training-map.png"),
        "Sparse parity, width " + width + ", " + nSeeds + " seeds: training map, K = " + K);
html("<img src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(mapPng)) + "\"/>")
//%%
Table edges = res.map().toTable();
study.save(edges, "training-map-edges");
edges
//%% md
// Viterbi state of every run at every checkpoint, runs sorted by convergence time (bottom: earliest). If training
// has phases, the colour bands should line up with the accuracy curves above.
//%%
Integer[] order = IntStream.range(0, nSeeds).boxed().toArray(Integer[]::new);
Arrays.sort(order, Comparator.comparingInt((Integer r) -> res.convergenceTimes()[r]).thenComparing(r -> r));
List<Integer> xs = new ArrayList<>(), ys = new ArrayList<>();
for (int c = 0; c < res.paths().get(0).length; c++) xs.add(c);
for (int i = 0; i < nSeeds; i++) ys.add(i);
List<Number[]> cells = new ArrayList<>();
for (int i = 0; i < nSeeds; i++) {
    int[] p = res.paths().get(order[i]);
    for (int c = 0; c < p.length; c++) cells.add(new Number[]{c, i, p[c]});
}
HeatMapChart pathsChart = new HeatMapChartBuilder().width(900).height(Math.max(240, 14 * nSeeds + 120))
        .title("Viterbi state per run and checkpoint (colours as in the map)")
        .xAxisTitle("checkpoint").yAxisTitle("run (0 = first to converge)").build();
java.awt.Color[] palette = {new java.awt.Color(0x4C72B0), new java.awt.Color(0xDD8452), new java.awt.Color(0x55A868),
        new java.awt.Color(0xC44E52), new java.awt.Color(0x8172B3), new java.awt.Color(0x937860),
        new java.awt.Color(0xDA8BC3), new java.awt.Color(0x8C8C8C)};
pathsChart.getStyler().setRangeColors(Arrays.copyOf(palette, K)).setPiecewise(true).setSplitNumber(K)
        .setMin(-0.5).setMax(K - 0.5).setShowValue(nSeeds <= 8);
pathsChart.addSeries("state", xs, ys, cells);
study.save(pathsChart, "viterbi-paths");
pathsChart
//%% md
// ## Detour states
// Convergence time c_r per run; for each state, ρ = correlation between "run r visited the state" and c_r,
// with the two-sided p of its t statistic (n − 2 degrees of freedom). States visited by every run are
// obligatory (ρ undefined). A detour is a non-obligatory state with ρ > 0 and p < 0.05.
//%%
System.out.println("convergence times (checkpoint index, 31 = never): " + Arrays.toString(res.convergenceTimes()));
System.out.println("detour count per matched state over " + cfg.analysisRestarts() + " seeded restarts: "
        + Arrays.toString(res.detourRestartCounts()));
res.detours().detours().forEach(d -> System.out.println("reference detour state " + d + " is a detour in "
        + res.detourRestartCounts()[d] + " of " + cfg.analysisRestarts() + " mean-matched restarts"));
Table detours = res.detours().toTable();
study.save(detours, "detour-states");
detours
//%% md
// The effect on convergence time, per state: mean convergence time of the runs that visit it and of those that
// do not, how many of its visitors never converge, and how many visitors *end* in it (a detour the runs leave
// again, as in the paper's branching maps, versus a terminal state of slow runs).
//%%
IntColumn stCol = IntColumn.create("state"), visCol = IntColumn.create("visited_runs"),
        neverCol = IntColumn.create("visitors_never_converging"), endCol = IntColumn.create("visitors_ending_there");
DoubleColumn inCol = DoubleColumn.create("mean_convergence_visitors"), outCol = DoubleColumn.create("mean_convergence_others");
for (int k = 0; k < K; k++) {
    double sIn = 0, sOut = 0;
    int nIn = 0, nOut = 0, never = 0, ends = 0;
    for (int r = 0; r < nSeeds; r++) {
        int[] p = res.paths().get(r);
        final int kk = k;
        boolean v = Arrays.stream(p).anyMatch(x -> x == kk);
        int c = res.convergenceTimes()[r];
        if (v) { sIn += c; nIn++; never += c >= p.length ? 1 : 0; ends += p[p.length - 1] == k ? 1 : 0; }
        else { sOut += c; nOut++; }
    }
    stCol.append(k); visCol.append(nIn); neverCol.append(never); endCol.append(ends);
    inCol.append(nIn > 0 ? sIn / nIn : Double.NaN); outCol.append(nOut > 0 ? sOut / nOut : Double.NaN);
}
Table effect = Table.create("state-convergence-effect", stCol, visCol, inCol, outCol, neverCol, endCol);
study.save(effect, "state-convergence-effect");
effect
//%% md
// **Reading.** In smoke (4 runs) there is nothing to test: a correlation over 4 runs has 2 degrees of freedom,
// and any state separating the 2 converging from the 2 non-converging bundled runs would get ρ = 0.976,
// p = 0.024 — "significant" by construction. The detour claim needs the paper profile.
//
// In the paper profile (width 128, 40 seeds, seed 0; these numbers are deterministic) the held-out choice is
// K = 5. All 40 runs start in the same state and every state change goes forward: start → early phase → a
// plateau state that every run visits, where the 6 never-converging runs mostly stay; from there the map
// branches. Most converging runs move to a state visited by 28 runs (ρ = −0.90: visiting it means converging
// early); 14 runs end in another state instead, reached late, from the plateau or from the early-convergers'
// state — the detour of the check (ρ = 0.42, two-sided p = 0.0066, its visitors converge at checkpoint 24.9 on
// average against 19.3; the paper: ρ = 0.375, p = 0.017). Two caveats, from the tables above: (1) this "detour" is
// a *terminal* state of late-converging runs (all 14 visitors end in it, 13 of them converge), not a state that
// runs pass through and leave, as in the paper's parity map; (2) over 5 seeded restarts matched by their means it
// is a detour in only 1 of 5, so its identity is not stable across restarts (the library's criterion 4 passes on
// a different matched state, a detour in 3 of 5 restarts but with ρ < 0 in the reference fit). Restart
// stability is therefore reported, not claimed.
//%% md
// The library's table of the research note's five replication criteria (docs/hmm.md §Replication; criterion 5,
// parity with hmmlearn, is checked by the test suite on hmmlearn's golden outputs, not here). It is shown for
// reference at every scale; the PASS/FAIL checks below are the ones this scale can support.
//%%
Table criteria = res.criteriaTable();
study.save(criteria, "replication-criteria");
criteria
//%% md
// ## Checks
//%%
int[] conv = res.convergenceTimes();
int T = res.paths().get(0).length;
List<ModelSelection.Row> rows = res.selection().rows();
double ll1 = rows.get(0).heldOutMean();
double llK = rows.stream().filter(r -> r.states() == K).findFirst().get().heldOutMean();
int startStates = (int) Arrays.stream(res.map().startCounts()).filter(c -> c > 0).count();
checks.check("all runs start in one state", startStates == 1, "1 start state",
        "start counts per state " + Arrays.toString(res.map().startCounts()));
checks.check("selected K > 1 (training has phases)", K > 1, "K > 1", "K = " + K);
checks.check("held-out log-likelihood rises clearly from K = 1 to the selected K", llK - ll1 >= 0.05 * Math.abs(ll1),
        "LL(K) - LL(1) >= 5% of |LL(1)|", String.format("LL(1) = %.1f, LL(%d) = %.1f", ll1, K, llK));
if (!paper) {
    // EM on all runs with the selected K: the log-likelihood must not decrease (hmmlearn warns at drops > sqrt(eps))
    List<double[][]> zs = studyRuns.stream().map(r -> r.features().select(cfg.features()).zscored()).toList();
    HmmFit fit = HmmConfig.builder().states(K).covariance(CovarianceType.FULL).iterations(32).seed(hmmSeed).build()
            .fit(Sequences.ofRuns(zs));
    // MAP EM never decreases log-likelihood + log prior (hmmlearn's covars_prior); the likelihood alone may dip
    double[] h = fit.objectiveHistory();
    double worstDrop = 0;
    for (int i = 1; i < h.length; i++) worstDrop = Math.max(worstDrop, h[i - 1] - h[i]);
    checks.check("EM objective (log-likelihood + log prior) is monotone", worstDrop <= 1e-9 * Math.abs(h[h.length - 1]),
            "no drop > 1e-9 relative", String.format("%d iterations, %.2f -> %.2f, largest drop %.2e",
                    h.length, h[0], h[h.length - 1], worstDrop));
    boolean valid = res.detours().rows().stream().allMatch(r -> r.obligatory() == (r.visitedRuns() == nSeeds)
            && (r.obligatory() || r.visitedRuns() == 0 || Double.isNaN(r.rho()) || (r.p() >= 0 && r.p() <= 1 && Math.abs(r.rho()) <= 1)));
    checks.check("detour statistics: p in [0, 1], |rho| <= 1, obligatory = visited by every run", valid,
            "valid for every state", res.detours().rows().stream().map(r -> String.format("s%d: %d runs, rho=%.3f, p=%.3f",
                    r.state(), r.visitedRuns(), r.rho(), r.p())).toList().toString());
} else {
    long converged = Arrays.stream(conv).filter(c -> c < T).count();
    checks.check("most seeds converge (test accuracy > 0.9)", converged >= 0.8 * nSeeds, ">= 80% of runs",
            converged + "/" + nSeeds + " converge; times " + Arrays.toString(conv));
    double fwd = res.map().forwardFraction();
    checks.above("Viterbi paths mostly left-to-right (forward share of state changes)", fwd, 0.8);
    DetourAnalysis.Row best = res.detours().rows().stream().filter(r -> !r.obligatory() && !Double.isNaN(r.rho()))
            .max(Comparator.comparingDouble(DetourAnalysis.Row::rho)).orElse(null);
    checks.check("a detour state: non-obligatory, rho > 0, two-sided p < 0.05", !res.detours().detours().isEmpty(),
            "rho > 0, p < 0.05 (paper: rho = 0.375, p = 0.017)", best == null ? "no non-obligatory state"
                    : String.format("best state %d: visited by %d/%d runs, rho = %.3f, p = %.2g", best.state(),
                            best.visitedRuns(), nSeeds, best.rho(), best.p()));
}
//%%
checks.verify();
study.finish();
