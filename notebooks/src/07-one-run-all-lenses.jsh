//%% md
// # 07 — One run, all lenses: do the analyses agree on when training changes phase?
//
// **Question.** The workbench has four ways of looking at a training trajectory, each from its own paper:
// - **spectral dynamics** of the weight matrices (Yunis et al., arXiv 2408.11804; docs/spectral.md) — claim: with
//   weight decay the top singular vectors keep rotating until the network generalises and then settle;
// - **Correlation Mode Decomposition** (Turjeman et al., arXiv 2212.09040; Brokman et al., ICLR 2024; docs/cmd.md) —
//   every weight follows one of a few mode profiles w_ref(t);
// - **latent-state HMMs** on per-checkpoint network statistics (Hu et al., TMLR 2023, arXiv 2308.09543; docs/hmm.md) —
//   the Viterbi states are phases of training;
// - **Koopman spectra** of windows of training by DMD (Redman et al., NeurIPS 2024, arXiv 2302.09160, §4.3;
//   docs/koopman.md) — transitions show as large distances between the spectra of successive windows.
//
// Each paper reads *phases* off its own lens. Run on **one** trajectory with a known phase change, do they say the
// change happens at the same time?
//
// **Run.** The bundled `data/grokking-mlp-wd1`: (a + b) mod 31, shared embedding 31 × 128 → ReLU → read-out 31 × 128,
// full-batch AdamW, weight decay 1, 3000 updates, 31 checkpoints (every 100 steps). It **memorises** by step 200
// (train accuracy 1, test accuracy ≈ 0.47) and **generalises** (groks) later, test accuracy climbing from ≈ 0.5 at
// step 900 to ≈ 0.95 at step 1900. The same network without weight decay (`grokking-mlp-wd0`) memorises and never
// generalises: it is the control — a lens that "sees" the grokking transition should see nothing comparable there.
//
// **Protocol (fixed before looking at the lenses).**
// - *Reference* from the metrics table: memorisation = first checkpoint with train accuracy 1; grokking step = first
//   checkpoint where test accuracy has covered half its rise from the memorisation plateau to the end; the
//   **grokking window** = the checkpoints from 10% to 90% of that rise.
// - Every lens gives a **change score** per pair of consecutive checkpoints (or windows). All of them are largest at
//   the very start (the memorisation transient, where the weights move fastest), so the detector is the **most
//   prominent interior peak** of the score (SciPy's `peak_prominences` definition, `study.Peaks`): a score that only
//   decays after the start has no peak, a later bump has one. Its strength is the prominence relative to the score's
//   maximum.
// - One primary setting per lens, and a sensitivity table over other reasonable settings (larger in the paper
//   profile). **Caveat:** the primary settings were fixed after an exploratory look at this same run, so the primary
//   agreement is the optimistic reading; the sensitivity table is the honest measure of how robust each lens is.
//
// **Expected outcome / checks.** The spectral and CMD lenses are expected to place their change inside the grokking
// window (CMD: for the majority of five draws of its parameter subsample) and to find no comparable late change in the
// control; the HMM is expected to use ≥ 2 states with a switch
// in the window; the Koopman windowed spectra are reported without an agreement claim (31 checkpoints make 8-checkpoint
// windows short, and the paper's §4.3 used many more). What actually agrees and what does not is summarised at the end.
//%%
Study study = Study.start("07-one-run-all-lenses");
Checks checks = new Checks();
boolean paper = study.profile() == Profile.PAPER;
study.seed("bundled runs (training seed)", 0);
long cmdSeed = study.seed("CMD sampling", 1);
long hmmSeed = study.seed("HMM k-means initialisations and restarts", 0);
Trajectory wd1 = Trajectories.open(Study.data("grokking-mlp-wd1"));
Trajectory wd0 = Trajectories.open(Study.data("grokking-mlp-wd0"));
long[] steps = wd1.steps();
int T = steps.length;
long[] transitions = Arrays.copyOfRange(steps, 1, T);  // the score of checkpoint pair (t-1, t) sits at step t
System.out.println("profile " + study.profile().label() + "; T = " + T + " checkpoints, N = " + wd1.parameterCount()
        + " parameters in " + wd1.tensorNames());
//%% md
// ## (a) Metrics: the reference phase change
//%%
Table ev1 = wd1.metrics().where(wd1.metrics().doubleColumn("test_acc").isNotMissing());
Table ev0 = wd0.metrics().where(wd0.metrics().doubleColumn("test_acc").isNotMissing());
double[] evSteps = ev1.longColumn("step").asDoubleArray();
double[] test1 = ev1.doubleColumn("test_acc").asDoubleArray(), train1 = ev1.doubleColumn("train_acc").asDoubleArray();
int memIdx = 0;
while (train1[memIdx] < 1.0) memIdx++;
long memStep = (long) evSteps[memIdx];
double plateau = test1[memIdx], finalAcc = test1[test1.length - 1];
long firstAbove(double level) {
    for (int i = memIdx; i < test1.length; i++) if (test1[i] >= level) return (long) evSteps[i];
    return -1;
}
long grokStep = firstAbove(plateau + 0.5 * (finalAcc - plateau));
long winLo = firstAbove(plateau + 0.1 * (finalAcc - plateau)), winHi = firstAbove(plateau + 0.9 * (finalAcc - plateau));
boolean inWindow(long step) { return step >= winLo && step <= winHi; }
double final0 = ev0.doubleColumn("test_acc").get(ev0.rowCount() - 1);
System.out.printf("memorised (train acc 1) at step %d with test acc %.3f; final test acc %.3f%n", memStep, plateau, finalAcc);
System.out.printf("grokking step (half the rise) %d; grokking window (10%%..90%% of the rise) [%d, %d]; control wd=0 final test acc %.3f%n",
        grokStep, winLo, winHi, final0);
XYChart acc = Figures.xy("Grokking run (wd = 1) and control (wd = 0)", "step", "accuracy");
acc.addSeries("train wd=1", evSteps, train1);
acc.addSeries("test wd=1", evSteps, test1);
acc.addSeries("test wd=0", ev0.longColumn("step").asDoubleArray(), ev0.doubleColumn("test_acc").asDoubleArray());
for (long s : new long[]{winLo, winHi}) acc.addSeries("window " + s, new double[]{s, s}, new double[]{0, 1}).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE)
        .setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH).setLineColor(java.awt.Color.GRAY);
study.save(acc, "accuracy");
checks.check("reference: wd=1 memorises first, then groks (final test acc > 0.9); wd=0 never generalises (< 0.6)",
        memStep < winLo && grokStep > memStep && finalAcc > 0.9 && final0 < 0.6,
        "memorisation < window start, final > 0.9, control < 0.6",
        String.format("memorised %d, window [%d, %d], grok %d, final %.3f, control %.3f", memStep, winLo, winHi, grokStep, finalAcc, final0));
acc
//%% md
// ### The change detector
// `Peaks.mostProminent(score)` → index of the most prominent interior peak (−1: none); strength = prominence / max score.
// One helper records each lens's detection and its control (wd = 0) strength for the summary table.
//%%
Table detections = Table.create("detections", StringColumn.create("lens"), StringColumn.create("setting"),
        LongColumn.create("largest_change_step"), LongColumn.create("detected_step"), DoubleColumn.create("strength"),
        BooleanColumn.create("in_grokking_window"), DoubleColumn.create("control_strength"));
long detectedStep(double[] score, long[] at) {
    int i = Peaks.mostProminent(score);
    return i < 0 ? -1 : at[i];
}
double strength(double[] score) {
    int i = Peaks.mostProminent(score);
    return i < 0 ? 0.0 : Peaks.prominences(score)[i] / Arrays.stream(score).max().getAsDouble();
}
long argmaxStep(double[] score, long[] at) {
    int b = 0;
    for (int i = 1; i < score.length; i++) if (score[i] > score[b]) b = i;
    return at[b];
}
long noteLens(String lens, String setting, double[] score, long[] at, double[] control) {
    long d = detectedStep(score, at);
    detections.stringColumn("lens").append(lens);
    detections.stringColumn("setting").append(setting);
    detections.longColumn("largest_change_step").append(argmaxStep(score, at));
    detections.longColumn("detected_step").append(d);
    detections.doubleColumn("strength").append(strength(score));
    detections.booleanColumn("in_grokking_window").append(d >= 0 && inWindow(d));
    detections.doubleColumn("control_strength").append(control == null ? Double.NaN : strength(control));
    System.out.printf("%s (%s): largest change at step %d; most prominent later peak at step %d (strength %.3f)%s%n", lens, setting,
            argmaxStep(score, at), d, strength(score), control == null ? "" : String.format("; control wd=0 strength %.3f", strength(control)));
    return d;
}
double[] meanOf(double[] a, double[] b) {
    double[] m = new double[a.length];
    for (int i = 0; i < m.length; i++) m[i] = (a[i] + b[i]) / 2;
    return m;
}
double[] toD(long[] v) { return Arrays.stream(v).asDoubleStream().toArray(); }
//%% md
// ## (b) Spectral dynamics: how fast the top singular subspaces turn
// `SubspaceRotation.of(run, tensor, k)` = 1 − (‖U_k(t−1)ᵀU_k(t)‖²_F + ‖V_k(t−1)ᵀV_k(t)‖²_F)/(2k): the mean squared sine
// of the principal angles between the top-k singular subspaces of consecutive checkpoints (0 = the directions did
// not move). Primary setting: k = 5, averaged over the two matrices. Yunis et al.'s reading predicts rotation up to
// generalisation and a settled subspace afterwards; without weight decay the vectors freeze right after memorisation.
//%%
int kSpec = 5;
double[] rotEmbed = SubspaceRotation.of(wd1, "embed.weight", kSpec), rotOut = SubspaceRotation.of(wd1, "out.weight", kSpec);
double[] rot1 = meanOf(rotEmbed, rotOut);
double[] rot0 = meanOf(SubspaceRotation.of(wd0, "embed.weight", kSpec), SubspaceRotation.of(wd0, "out.weight", kSpec));
long specStep = noteLens("spectral", "top-" + kSpec + " subspace rotation, mean of 2 matrices", rot1, transitions, rot0);
XYChart rotChart = Figures.xy("Spectral lens: top-" + kSpec + " singular-subspace rotation per 100 steps", "step", "mean sin² of principal angles");
rotChart.addSeries("embed.weight wd=1", toD(transitions), rotEmbed);
rotChart.addSeries("out.weight wd=1", toD(transitions), rotOut);
rotChart.addSeries("mean wd=1", toD(transitions), rot1);
rotChart.addSeries("mean wd=0 (control)", toD(transitions), rot0);
rotChart.getStyler().setYAxisLogarithmic(true).setYAxisMin(1e-4);
study.save(rotChart, "spectral-rotation");
rotChart
//%% md
// ## (c) CMD: mode profiles and how fast they move
// Post-hoc CMD with M = 5 modes (K = 1000 sampled parameters, the official default). Change score: the mean over all
// parameters of |w_ref(t) − w_ref(t−1)| of their mode's reference profile (each mode weighted by its size).
//%%
int mCmd = 5;
double[] cmdSpeed(CmdResult c) {
    double[][] prof = c.modeProfiles();
    long[] size = c.modeSizes();
    double n = Arrays.stream(size).sum();
    double[] s = new double[c.checkpointCount() - 1];
    for (int t = 1; t < c.checkpointCount(); t++)
        for (int k = 0; k < prof.length; k++) s[t - 1] += size[k] / n * Math.abs(prof[k][t] - prof[k][t - 1]);
    return s;
}
CmdResult cmd1 = Cmd.builder().modes(mCmd).sampleSize(1000).seed(cmdSeed).build().fit(wd1);
CmdResult cmd0 = Cmd.builder().modes(mCmd).sampleSize(1000).seed(cmdSeed).build().fit(wd0);
double[] speed1 = cmdSpeed(cmd1), speed0 = cmdSpeed(cmd0);
System.out.printf("CMD M = %d: %d modes, relative reconstruction error %.3f (control wd=0: %.3f)%n", mCmd, cmd1.modeCount(),
        cmd1.relativeError(), cmd0.relativeError());
long cmdStep = noteLens("CMD", "M = " + mCmd + " mode-profile speed", speed1, transitions, speed0);
// The detection rests on one draw of CMD's K = 1000-parameter subsample, and from 31 checkpoints it can move by several
// checkpoints between draws of the same run; the window check below therefore asks it of the majority of five draws
// (sample seeds cmdSeed … cmdSeed + 4, the first being the fit above).
long[] drawStep = new long[5];
drawStep[0] = cmdStep;
for (int i = 1; i < 5; i++)
    drawStep[i] = detectedStep(cmdSpeed(Cmd.builder().modes(mCmd).sampleSize(1000).seed(cmdSeed + i).build().fit(wd1)), transitions);
int drawsIn = (int) Arrays.stream(drawStep).filter(d -> d >= 0 && inWindow(d)).count();
System.out.printf("CMD M = %d, detections of sample seeds %d..%d: %s (%d of 5 in the grokking window)%n", mCmd, cmdSeed,
        cmdSeed + 4, Arrays.toString(drawStep), drawsIn);
XYChart profiles = CmdFigures.modeProfiles(cmd1);
study.save(profiles, "cmd-mode-profiles");
profiles
//%%
XYChart speedChart = Figures.xy("CMD lens: size-weighted speed of the mode profiles", "step", "mean |Δ w_ref| per 100 steps");
speedChart.addSeries("wd=1", toD(transitions), speed1);
speedChart.addSeries("wd=0 (control)", toD(transitions), speed0);
study.save(speedChart, "cmd-speed");
display(speedChart);
cmd1.modeTable()
//%% md
// ## (d) HMM: latent states of this one run
// Hu et al.'s features for modular arithmetic (`TrainingMetrics.MODULAR_BEST` = var_w, l1, l2; the network has no
// biases, hence `noBiases()`), z-scored within the run, a full-covariance Gaussian HMM with K chosen by BIC among
// 1..4 (31 frames do not support more full-covariance states), 5 seeded restarts. Change score: the distance between
// the decoded states' means at consecutive checkpoints (zero where the state does not change).
//%%
TrainingMetrics extractor = TrainingMetrics.builder().noBiases().build();
Sequences seqOf(Trajectory run) {
    List<double[][]> one = new ArrayList<>();
    one.add(extractor.extract(run).select(TrainingMetrics.MODULAR_BEST).zscored());
    return Sequences.ofRuns(one);
}
HmmFit fitHmm(Sequences s, int k) {
    return HmmConfig.builder().states(k).covariance(CovarianceType.FULL).iterations(100).restarts(5).seed(hmmSeed).build().fit(s);
}
double[] switchScore(HmmFit f, Sequences s) {
    int[] p = f.model().viterbi(s).path();
    double[][] mu = f.model().means();
    double[] sc = new double[p.length - 1];
    for (int t = 1; t < p.length; t++) {
        double d = 0;
        for (int j = 0; j < mu[0].length; j++) d += Math.pow(mu[p[t]][j] - mu[p[t - 1]][j], 2);
        sc[t - 1] = Math.sqrt(d);
    }
    return sc;
}
Sequences seq1 = seqOf(wd1), seq0 = seqOf(wd0);
IntColumn kCol = IntColumn.create("K");
DoubleColumn bicCol = DoubleColumn.create("BIC"), llCol = DoubleColumn.create("log_likelihood");
StringColumn pathCol = StringColumn.create("viterbi_path");
HmmFit best = null;
int kHmm = 0;
Map<Integer, HmmFit> hmmFits = new TreeMap<>();
double bestBic = Double.POSITIVE_INFINITY;
for (int k = 1; k <= 4; k++) {
    HmmFit f = fitHmm(seq1, k);
    hmmFits.put(k, f);
    double bic = f.model().bic(seq1);
    kCol.append(k); bicCol.append(bic); llCol.append(f.model().score(seq1));
    pathCol.append(Arrays.toString(f.model().viterbi(seq1).path()));
    if (bic < bestBic) { bestBic = bic; best = f; kHmm = k; }
}
HmmFit hmm1 = best;
int[] path1 = hmm1.model().viterbi(seq1).path();
List<Long> switches = new ArrayList<>();
for (int t = 1; t < T; t++) if (path1[t] != path1[t - 1]) switches.add(steps[t]);
double[] hmmScore1 = switchScore(hmm1, seq1);
HmmFit hmm0 = fitHmm(seq0, kHmm);
double[] hmmScore0 = switchScore(hmm0, seq0);
List<Long> switches0 = new ArrayList<>();
int[] path0 = hmm0.model().viterbi(seq0).path();
for (int t = 1; t < T; t++) if (path0[t] != path0[t - 1]) switches0.add(steps[t]);
System.out.println("BIC selects K = " + kHmm + "; state switches at steps " + switches + " (control wd=0 with the same K: " + switches0 + ")");
long hmmStep = noteLens("HMM", "K = " + kHmm + " (BIC), full covariance, var_w/l1/l2", hmmScore1, transitions, hmmScore0);
Table bicTable = Table.create("hmm-model-selection", kCol, bicCol, llCol, pathCol);
study.save(bicTable, "hmm-model-selection");
bicTable
//%%
XYChart states = Figures.xy("HMM lens: Viterbi state and z-scored features (wd = 1, K = " + kHmm + ")", "step", "z-score / state");
double[][] z1 = seq1.sequence(0);
for (int j = 0; j < TrainingMetrics.MODULAR_BEST.size(); j++) {
    final int jj = j;
    states.addSeries(TrainingMetrics.MODULAR_BEST.get(j), toD(steps), Arrays.stream(z1).mapToDouble(r -> r[jj]).toArray());
}
// states numbered by first visit, drawn as a step line
int[] order = new int[kHmm];
Arrays.fill(order, -1);
int nextState = 0;
for (int s : path1) if (order[s] < 0) order[s] = nextState++;
states.addSeries("state (by first visit)", toD(steps), Arrays.stream(path1).mapToDouble(s -> order[s]).toArray())
        .setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE).setLineWidth(3f);
study.save(states, "hmm-states");
states
//%% md
// ## (e) Koopman: DMD spectra of sliding windows
// Observables: the weights projected on their top 10 principal axes (`Observables.pca`, the paper's recipe for
// transformers), windows of L = 8 checkpoints with stride 1, exact DMD with the optimal hard-threshold rank
// (PyDMD's default). Change score: the 1-Wasserstein distance between the spectra of consecutive windows, placed at
// the centre of their union. In the heat map, window i covers steps 100i … 100(i + 7); blocks of small distance are
// stretches of similar dynamics (the paper's reading), their edges transitions.
//%%
int pcaK = 10, winL = 8;
double[] consecutive(WindowedSpectra ws) {
    double[][] d = ws.distances(SpectralDistance.Ground.EUCLIDEAN);
    double[] c = new double[d.length - 1];
    for (int i = 0; i < c.length; i++) c[i] = d[i][i + 1];
    return c;
}
long[] centres(WindowedSpectra ws) {
    long[] at = new long[ws.starts().length - 1];
    for (int i = 0; i < at.length; i++) at[i] = steps[ws.starts()[i] + ws.length() / 2];
    return at;
}
WindowedSpectra windows(Trajectory run, int k, int len, Dmd dmd) {
    return WindowedSpectra.of(dmd, Observables.pca(k, List.of(run)), len, 1);
}
Dmd dmdOpt = Dmd.builder().rank(RankRule.optimalThreshold()).build();
WindowedSpectra ws1 = windows(wd1, pcaK, winL, dmdOpt), ws0 = windows(wd0, pcaK, winL, dmdOpt);
double[] koop1 = consecutive(ws1), koop0 = consecutive(ws0);
long[] koopAt = centres(ws1);
long koopStep = noteLens("Koopman", "PCA " + pcaK + ", windows of " + winL + ", optimal-threshold rank", koop1, koopAt, koop0);
XYChart koopChart = Figures.xy("Koopman lens: W between spectra of consecutive windows", "step (centre of the two windows)", "W");
koopChart.addSeries("wd=1", toD(koopAt), koop1);
koopChart.addSeries("wd=0 (control)", toD(centres(ws0)), koop0);
study.save(koopChart, "koopman-consecutive-w");
double[][] wd = ws1.distances(SpectralDistance.Ground.EUCLIDEAN);
double offMin = Double.POSITIVE_INFINITY;
for (int i = 0; i < wd.length; i++) for (int j = 0; j < wd.length; j++) if (i != j) offMin = Math.min(offMin, wd[i][j]);
for (int i = 0; i < wd.length; i++) wd[i][i] = offMin;  // the zero diagonal would swamp the log colour scale
HeatMapChart koopHeat = KoopmanFigures.distanceHeatMap("log10 W between window spectra, wd = 1", wd, true);
study.save(koopHeat, "koopman-window-distances");
koopHeat
//%%
XYChart lead = Figures.xy("Koopman lens: leading eigenvalue modulus per window", "step (window centre)", "|λ_1|");
double[] leadAt = new double[ws1.starts().length], lead1 = new double[leadAt.length];
for (int i = 0; i < leadAt.length; i++) { leadAt[i] = steps[ws1.starts()[i]] + 50.0 * (winL - 1); lead1[i] = ws1.spectra().get(i).modulus()[0]; }
lead.addSeries("wd=1", leadAt, lead1);
study.save(lead, "koopman-leading-eigenvalue");
display(koopChart);
lead
//%% md
// ## Side by side
// One panel per lens on a shared step axis: the test accuracy, then each lens's change score (the memorisation
// transient of the first transitions is cut off at the top: each panel's y range is set by the scores after
// memorisation), the grokking window (grey dashes) and the lens's detected change (red line).
//%%
XYChart panel(String title, double[] x, double[] y, long mark, boolean clip) {
    XYChart c = new XYChartBuilder().width(900).height(190).title(title).build();
    org.knowm.xchart.style.XYStyler st = c.getStyler();
    st.setLegendVisible(false);
    st.setChartBackgroundColor(java.awt.Color.WHITE);
    st.setChartTitleFont(new java.awt.Font("SansSerif", java.awt.Font.BOLD, 13));
    st.setAxisTickLabelsFont(new java.awt.Font("SansSerif", java.awt.Font.PLAIN, 10));
    st.setXAxisMin(0.0);
    st.setXAxisMax(3000.0);
    double m = 0;
    for (int i = 0; i < x.length; i++) if (!clip || x[i] > memStep) m = Math.max(m, y[i]);
    final double top = 1.1 * m;
    double[] yc = Arrays.stream(y).map(v -> Math.min(v, 1.05 * top)).toArray();
    st.setYAxisMin(0.0);
    st.setYAxisMax(top);
    st.setYAxisDecimalPattern("0.###");
    c.addSeries("score", x, yc).setMarkerColor(new java.awt.Color(0x4C72B0)).setLineColor(new java.awt.Color(0x4C72B0));
    for (long s : new long[]{winLo, winHi}) c.addSeries("w" + s, new double[]{s, s}, new double[]{0, top})
            .setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE).setLineColor(java.awt.Color.GRAY)
            .setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
    if (mark >= 0) c.addSeries("change", new double[]{mark, mark}, new double[]{0, top})
            .setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE).setLineColor(new java.awt.Color(0xC44E52)).setLineWidth(2.5f);
    return c;
}
String[] lensNames = {"spectral", "CMD", "HMM", "Koopman"};
long[] lensStep = {specStep, cmdStep, hmmStep, koopStep};
List<XYChart> panels = List.of(
        panel("test accuracy (grokking step " + grokStep + ")", evSteps, test1, grokStep, false),
        panel("spectral: top-" + kSpec + " subspace rotation (change @" + specStep + ")", toD(transitions), rot1, specStep, true),
        panel("CMD: mode-profile speed, M = " + mCmd + " (change @" + cmdStep + ")", toD(transitions), speed1, cmdStep, true),
        panel("HMM: jump of the decoded state, K = " + kHmm + " (largest @" + hmmStep + "; switches " + switches + ")", toD(transitions), hmmScore1, hmmStep, false),
        panel("Koopman: W between consecutive window spectra (change @" + koopStep + ")", toD(koopAt), koop1, koopStep, true));
java.awt.image.BufferedImage strip = new java.awt.image.BufferedImage(900, 190 * panels.size(), java.awt.image.BufferedImage.TYPE_INT_RGB);
java.awt.Graphics2D g2 = strip.createGraphics();
for (int i = 0; i < panels.size(); i++) g2.drawImage(BitmapEncoder.getBufferedImage(panels.get(i)), 0, 190 * i, null);
g2.dispose();
Path stripPng = study.dir().resolve("figures").resolve("all-lenses.png");
Files.createDirectories(stripPng.getParent());
javax.imageio.ImageIO.write(strip, "png", stripPng.toFile());
html("<img src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(stripPng)) + "\"/>")
//%%
study.save(detections, "detections");
detections
//%% md
// ## Sensitivity: the same detector at other reasonable settings
// Spectral: k (and each matrix alone); CMD: M and the sampling seed; HMM: fixed K; Koopman: PCA dimension, window
// length and DMD rank. The paper profile uses larger grids.
//%%
Table sens = Table.create("sensitivity", StringColumn.create("lens"), StringColumn.create("setting"),
        LongColumn.create("detected_step"), DoubleColumn.create("strength"), BooleanColumn.create("in_grokking_window"));
void sensRow(String lens, String setting, double[] score, long[] at) {
    long d = detectedStep(score, at);
    sens.stringColumn("lens").append(lens); sens.stringColumn("setting").append(setting);
    sens.longColumn("detected_step").append(d); sens.doubleColumn("strength").append(strength(score));
    sens.booleanColumn("in_grokking_window").append(d >= 0 && inWindow(d));
}
int[] ks = paper ? new int[]{2, 3, 5, 8, 10} : new int[]{3, 5, 10};
try (Progress p = Progress.start("spectral settings", ks.length)) {
    for (int k : ks) {
        double[] e = SubspaceRotation.of(wd1, "embed.weight", k), o = SubspaceRotation.of(wd1, "out.weight", k);
        sensRow("spectral", "k = " + k + ", mean", meanOf(e, o), transitions);
        sensRow("spectral", "k = " + k + ", embed.weight", e, transitions);
        sensRow("spectral", "k = " + k + ", out.weight", o, transitions);
        p.step();
    }
}
int[] ms = {3, 5, 10};
long[] cmdSeeds = paper ? new long[]{1, 2, 3, 4, 5} : new long[]{1};
try (Progress p = Progress.start("CMD settings", ms.length * cmdSeeds.length)) {
    for (int m : ms) for (long s : cmdSeeds) {
        CmdResult c = Cmd.builder().modes(m).sampleSize(1000).seed(s).build().fit(wd1);
        sensRow("CMD", "M = " + m + ", sample seed " + s + String.format(" (error %.3f)", c.relativeError()), cmdSpeed(c), transitions);
        p.step();
    }
}
for (int k = 2; k <= (paper ? 5 : 4); k++) {
    HmmFit f = hmmFits.containsKey(k) ? hmmFits.get(k) : fitHmm(seq1, k);
    int[] p = f.model().viterbi(seq1).path();
    List<Long> sw = new ArrayList<>();
    for (int t = 1; t < T; t++) if (p[t] != p[t - 1]) sw.add(steps[t]);
    sensRow("HMM", "K = " + k + ", switches " + sw, switchScore(f, seq1), transitions);
}
int[] pcas = paper ? new int[]{5, 10} : new int[]{10};
int[] winLens = paper ? new int[]{6, 8, 10} : new int[]{6, 8, 10};
List<RankRule> ranks = paper ? List.of(RankRule.optimalThreshold(), RankRule.fixed(2), RankRule.fixed(3)) : List.of(RankRule.optimalThreshold(), RankRule.fixed(3));
try (Progress p = Progress.start("Koopman settings", pcas.length * winLens.length * ranks.size())) {
    for (int k : pcas) for (int len : winLens) for (RankRule rr : ranks) {
        WindowedSpectra w = windows(wd1, k, len, Dmd.builder().rank(rr).build());
        sensRow("Koopman", "PCA " + k + ", L = " + len + ", " + rr, consecutive(w), centres(w));
        p.step();
    }
}
study.save(sens, "sensitivity");
Table sensSummary = Table.create("sensitivity-summary", StringColumn.create("lens"), IntColumn.create("settings"),
        IntColumn.create("in_window"), LongColumn.create("earliest"), LongColumn.create("latest"));
for (String l : lensNames) {
    Table part = sens.where(sens.stringColumn("lens").isEqualTo(l));
    sensSummary.stringColumn("lens").append(l);
    sensSummary.intColumn("settings").append(part.rowCount());
    sensSummary.intColumn("in_window").append((int) part.booleanColumn("in_grokking_window").countTrue());
    sensSummary.longColumn("earliest").append((long) part.longColumn("detected_step").min());
    sensSummary.longColumn("latest").append((long) part.longColumn("detected_step").max());
}
study.save(sensSummary, "sensitivity-summary");
display(sens);
sensSummary
//%% md
// ## What the lenses say (bundled run, seed 0; these numbers are deterministic)
//
// **Memorisation is seen by everyone.** Every change score is largest at the first transitions (steps 100–300), where
// the weights move fastest and train accuracy goes from 0.04 to 1. That is the obvious phase change; the question
// is the second one, grokking (test accuracy 0.47 → 0.98; half-way at step 1300, window 900–1800).
//
// **Spectral and CMD both place a change in the grokking window, not at the same checkpoint.** The top-5 singular
// subspaces keep turning through the grokking window, peak at step 1600 and then settle (mean rotation after the
// window ≈ 0.16 × within it), while without weight decay they freeze within a few hundred steps of memorisation (no
// later peak at all) — Yunis et al.'s reading. CMD's mode profiles change late too: one mode (≈ 1 600 parameters,
// mode 1 in the profile plot) leaves its memorisation value at step 800 and reaches its final one by 1400, another
// (≈ 600 parameters, mode 3) flips between 1500 and 2300, and the control run's modes simply stop. Which bump of the
// mode speed is the most prominent depends on the draw of CMD's parameter subsample: 800 for the primary draw (the
// kink of mode 1, when the test accuracy has just started to move), 1300–1700 for the other four draws of M = 5.
// Single-checkpoint agreement between the two lenses is not robust at this scale: it held on an earlier realisation of
// this run (1500 and 1400) but not on this one, nor on several other seeds and thread counts of the same setup
// (docs/BENCHMARKS.md, Trainers), so it is reported, not asserted.
//
// **The HMM brackets the window but is not specific.** With K = 4 (BIC) the Viterbi path switches at 300 (end of
// memorisation), 1000 (onset of grokking) and 1800 (end of the rise): a segmentation that matches the phases well.
// But the control run, which has no grokking, is cut just as confidently (switches at 200, 600, 1400): the features
// are z-scored within the run, and a smooth drift gets segmented into K pieces whatever it is. Which switch is the
// largest also depends on K (K = 2: 1100, K = 3: 1400, K = 4: 300). Hu et al. fit many seeds together, which is what
// makes their states comparable; a single run cannot tell a phase from a segment of a drift.
//
// **Koopman windows do not robustly agree here.** The primary setting puts its largest later change at 900, the
// onset of the rise, but the detection moves between 400 and 2100 with the window length and DMD rank, and the
// control run produces peaks of similar strength (0.71 against 0.83). With 31 checkpoints an 8-checkpoint window
// gives 7 snapshot pairs, too few for stable spectra; a finer checkpoint schedule (many checkpoints per window)
// would be needed to test Redman et al.'s windowed reading on this run.
//
// **Sensitivity.** Settings whose detection falls inside the window — smoke: spectral 7 of 9, CMD 1 of 3, HMM 2 of 3,
// Koopman 2 of 6; paper profile (larger grids): spectral 11 of 15, CMD 12 of 15, HMM 3 of 4, Koopman 2 of 18. The
// spectral and CMD misses are mostly at 600–800, when the test accuracy has just started to move (0.48–0.50, below
// the window's 10% mark), or a CMD sample whose largest later bump is the tail of memorisation (200); the
// Koopman detections scatter over 400–2100.
//
// **Answer at this scale:** spectral rotation and CMD modes both see grokking (and are specific to it against the
// control), robustly but not at every setting nor at the same checkpoint; the HMM's states line up with it but would do the same on any drift;
// the windowed Koopman spectra do not give a stable answer from 31 checkpoints.
//%% md
// ## Checks
//%%
long maxFirst(double[] s) { return argmaxStep(s, transitions); }
checks.check("spectral and CMD: the largest change of all is the memorisation transient (first transition)",
        maxFirst(rot1) == steps[1] && maxFirst(speed1) == steps[1], "both at step " + steps[1],
        "spectral " + maxFirst(rot1) + ", CMD " + maxFirst(speed1));
checks.check("spectral lens: most prominent rotation peak inside the grokking window", specStep >= 0 && inWindow(specStep),
        "in [" + winLo + ", " + winHi + "]", "step " + specStep);
double rotAfter = 0, rotIn = 0;
int nAfter = 0, nIn = 0;
for (int i = 0; i < transitions.length; i++) {
    if (transitions[i] > winHi) { rotAfter += rot1[i]; nAfter++; }
    else if (inWindow(transitions[i])) { rotIn += rot1[i]; nIn++; }
}
rotAfter /= nAfter; rotIn /= nIn;
checks.check("spectral lens: the subspaces settle after generalisation (mean rotation after the window < 1/3 of within)",
        rotAfter < rotIn / 3, "ratio < 0.333", String.format("%.4f / %.4f = %.3f", rotAfter, rotIn, rotAfter / rotIn));
checks.check("spectral lens: control wd=0 has no comparable late rotation peak (strength < 1/2 of wd=1's)",
        strength(rot0) < 0.5 * strength(rot1), "< " + String.format("%.3f", 0.5 * strength(rot1)), String.format("%.3f", strength(rot0)));
checks.below("CMD sanity: relative reconstruction error with M = " + mCmd, cmd1.relativeError(), 0.5);
checks.check("CMD lens: most prominent mode-speed peak inside the grokking window for most sample draws", drawsIn >= 3,
        ">= 3 of 5 draws in [" + winLo + ", " + winHi + "]", drawsIn + " of 5: " + Arrays.toString(drawStep));
checks.check("CMD lens: control wd=0 has no comparable late peak (strength < 1/2 of wd=1's)",
        strength(speed0) < 0.5 * strength(speed1), "< " + String.format("%.3f", 0.5 * strength(speed1)), String.format("%.3f", strength(speed0)));
checks.check("HMM: K >= 2 states by BIC, with a state switch inside the grokking window",
        kHmm >= 2 && switches.stream().anyMatch(s -> inWindow(s)), "K >= 2 and a switch in [" + winLo + ", " + winHi + "]",
        "K = " + kHmm + ", switches " + switches);
double[] h = hmm1.objectiveHistory(); // log-likelihood + log prior: what MAP EM never decreases
double worstDrop = 0;
for (int i = 1; i < h.length; i++) worstDrop = Math.max(worstDrop, h[i - 1] - h[i]);
checks.check("HMM sanity: EM objective (log-likelihood + log prior) monotone", worstDrop <= 1e-9 * Math.abs(h[h.length - 1]),
        "no drop > 1e-9 relative", String.format("%d iterations, largest drop %.2e", h.length, worstDrop));
boolean finite = ws1.spectra().stream().allMatch(s -> Arrays.stream(s.modulus()).allMatch(Double::isFinite))
        && Arrays.stream(koop1).allMatch(Double::isFinite);
checks.check("Koopman sanity: every window spectrum and distance finite", finite && koop1.length == ws1.starts().length - 1,
        "finite, " + (ws1.starts().length - 1) + " consecutive distances", finite + ", " + koop1.length);
System.out.printf("REPORTED, NOT ASSERTED: Koopman detection at step %d (%s the window); HMM largest switch at %d; "
        + "grokking step %d; spectral and CMD (primary draw) detections %d and %d.%n", koopStep,
        inWindow(koopStep) ? "inside" : "outside", hmmStep, grokStep, specStep, cmdStep);
//%%
checks.verify();
study.finish();
