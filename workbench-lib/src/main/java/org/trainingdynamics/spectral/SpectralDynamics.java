package org.trainingdynamics.spectral;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.trainingdynamics.linalg.Svd;
import org.trainingdynamics.linalg.ThinSvd;
import org.trainingdynamics.study.Progress;
import org.trainingdynamics.trajectory.Globs;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.Trajectory;

/**
 * Spectral dynamics of the weight matrices of a trajectory (Yunis et al. 2024, arXiv 2408.11804,
 * {@code evaluate_run.py}) with WeightWatcher's ESD metrics: one SVD per matrix per checkpoint gives the
 * singular values, the ranks, Gini and norms ({@link SpectrumMetrics}), λ = σ² and its power-law fit
 * ({@link EsdMetrics}), the singular vector agreement with the final checkpoint
 * {@code SVA_ii(t) = |⟨u_i(t), u_i(T)⟩⟨v_i(t), v_i(T)⟩|} and the alignment of consecutive layers
 * {@code |⟨v_i^{ℓ+1}, u_i^{ℓ}⟩|} (top k ≤ 100 vectors only; diagonals kept).
 *
 * <p>Checkpoints are processed by {@link SpectralConfig#threads()} workers (default 1), each SVD with
 * {@link SpectralConfig#blasThreads()} BLAS threads (default = cores), reading each tensor once per
 * checkpoint from the store (see {@link SpectralConfig} for why one worker is the default).
 *
 * <pre>{@code
 * SpectralResult r = SpectralDynamics.run(Trajectories.open(dir), SpectralConfig.builder().tensors("*.weight").build());
 * r.toTable();                       // long table: layer, checkpoint, step, metric, value
 * r.wide("effective_rank");          // checkpoint × layer
 * }</pre>
 */
public final class SpectralDynamics {

    private SpectralDynamics() {
    }

    /** Runs the analysis. */
    public static SpectralResult run(Trajectory traj, SpectralConfig cfg) {
        List<WeightMatrix> mats = matrices(traj, cfg);
        List<AlignmentPair> pairs = cfg.vectors() ? (cfg.pairs() == null ? autoPairs(mats, cfg) : cfg.pairs()) : List.of();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < mats.size(); i++) {
            index.put(mats.get(i).name(), i);
        }
        for (AlignmentPair p : pairs) {
            for (String n : new String[]{p.first(), p.second()}) {
                if (!index.containsKey(n)) {
                    throw new IllegalArgumentException("alignment pair " + p.name() + ": no matrix '" + n
                            + "'; matrices are " + index.keySet());
                }
            }
        }
        int tCount = traj.checkpointCount();
        if (tCount < 1) {
            throw new IllegalArgumentException("trajectory has no checkpoints");
        }
        int blasBefore = Svd.blasThreads();
        Svd.setBlasThreads(cfg.blasThreads());
        ForkJoinPool pool = new ForkJoinPool(cfg.threads());
        try (Progress progress = Progress.start("spectral", tCount + (cfg.vectors() ? 1 : 0))) {
            ThinSvd[] fin = new ThinSvd[mats.size()];
            if (cfg.vectors()) {
                Map<String, double[]> values = new HashMap<>();
                for (WeightMatrix w : mats) {
                    values.computeIfAbsent(w.tensor(), n -> finiteValues(traj, n, tCount - 1));
                }
                pool.submit(() -> IntStream.range(0, mats.size()).parallel().forEach(i -> {
                    WeightMatrix w = mats.get(i);
                    fin[i] = Svd.thin(w.extract(values.get(w.tensor())), w.rows(), w.cols(),
                            Math.min(cfg.topK(), w.rank()));
                })).get();
                progress.step();
            }
            CheckpointSpectra[] per = new CheckpointSpectra[tCount];
            pool.submit(() -> IntStream.range(0, tCount).parallel().forEach(t -> {
                per[t] = checkpoint(traj, t, mats, pairs, index, fin, cfg);
                synchronized (progress) {
                    progress.step();
                }
            })).get();
            return SpectralResult.assemble(mats, pairs, traj.steps(), per, cfg.scoreK());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("spectral analysis interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            while (c.getCause() != null && c.getCause().getClass() == c.getClass()) {
                c = c.getCause(); // ForkJoin re-wraps the worker's exception in one of the same type
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(c);
        } finally {
            pool.shutdownNow();
            Svd.setBlasThreads(blasBefore);
        }
    }

    /** The matrices the configuration selects from a trajectory, in tensor order (fused parts after their tensor). */
    public static List<WeightMatrix> matrices(Trajectory traj, SpectralConfig cfg) {
        List<WeightMatrix> out = new ArrayList<>();
        for (TensorSpec s : traj.tensors()) {
            if (s.rank() < 2 || cfg.tensors().stream().noneMatch(g -> Globs.matches(g, s.name()))) {
                continue;
            }
            int rows = Math.toIntExact(s.dim(0));
            int cols = Math.toIntExact(s.size() / Math.max(1, s.dim(0)));
            if (rows == 0 || cols == 0) {
                throw new IllegalArgumentException("tensor '" + s.name() + "' is empty: shape " + s);
            }
            int[] conv = s.rank() == 4 ? new int[]{(int) s.dim(1), (int) s.dim(2), (int) s.dim(3)} : null;
            boolean emb = s.name().toLowerCase(java.util.Locale.ROOT).contains("emb");
            out.add(new WeightMatrix(s.name(), s.name(), rows, cols, 0, conv, emb, false));
            for (FusedSplit f : cfg.splits()) {
                if (!Globs.matches(f.glob(), s.name())) {
                    continue;
                }
                if (rows % f.parts() != 0 || (rows / f.parts()) % f.heads() != 0) {
                    throw new IllegalArgumentException("tensor '" + s.name() + "' with " + rows + " rows cannot be split into "
                            + f.parts() + " parts of " + f.heads() + " heads");
                }
                int pr = rows / f.parts();
                for (int p = 0; p < f.parts(); p++) {
                    String pn = s.name() + "[" + f.partName(p) + "]";
                    out.add(new WeightMatrix(pn, s.name(), pr, cols, p * pr, conv, false, true));
                    if (f.heads() > 1) {
                        int hr = pr / f.heads();
                        for (int h = 0; h < f.heads(); h++) {
                            out.add(new WeightMatrix(s.name() + "[" + f.partName(p) + ".h" + h + "]", s.name(), hr, cols,
                                    p * pr + h * hr, conv, false, true));
                        }
                    }
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no tensor with >= 2 dimensions matches " + cfg.tensors() + "; tensors are "
                    + traj.tensors());
        }
        return out;
    }

    /**
     * Default alignment pairs: consecutive whole matrices whose dimensions chain (the output side of the first,
     * U or an embedding's V, has the length of the second's input side, V or a conv's centre tap), and the
     * per-head Q–K pairs of split projections.
     */
    static List<AlignmentPair> autoPairs(List<WeightMatrix> mats, SpectralConfig cfg) {
        List<AlignmentPair> out = new ArrayList<>();
        WeightMatrix prev = null;
        for (WeightMatrix w : mats) {
            if (w.fusedPart()) {
                continue;
            }
            if (prev != null && !w.embedding() && outputLength(prev) == inputLength(w, prev)) {
                out.add(AlignmentPair.consecutive(prev.name(), w.name()));
            }
            prev = w;
        }
        for (FusedSplit f : cfg.splits()) {
            if (f.parts() != 3) {
                continue;
            }
            for (WeightMatrix w : mats) {
                if (w.fusedPart() || !Globs.matches(f.glob(), w.name())) {
                    continue;
                }
                if (f.heads() == 1) {
                    out.add(new AlignmentPair(w.name() + "[q]", w.name() + "[k]", AlignmentPair.Side.U));
                }
                for (int h = 0; f.heads() > 1 && h < f.heads(); h++) {
                    out.add(new AlignmentPair(w.name() + "[q.h" + h + "]", w.name() + "[k.h" + h + "]", AlignmentPair.Side.U));
                }
            }
        }
        return out;
    }

    private static int outputLength(WeightMatrix w) {
        return w.embedding() ? w.cols() : w.rows();
    }

    private static int inputLength(WeightMatrix w, WeightMatrix prev) {
        return w.conv() != null && prev.conv() != null ? w.conv()[0] : w.cols();
    }

    /** Everything computed at one checkpoint. */
    record CheckpointSpectra(double[][] sigma, List<Map<String, Double>> metrics, PowerLawFit[] fits, double[][] esdEvals,
                             double[][] svaDiag, double[][] alignDiag) {
    }

    private static CheckpointSpectra checkpoint(Trajectory traj, int t, List<WeightMatrix> mats, List<AlignmentPair> pairs,
                                                Map<String, Integer> index, ThinSvd[] fin, SpectralConfig cfg) {
        Map<String, double[]> values = new HashMap<>();
        int nm = mats.size();
        double[][] sigma = new double[nm][];
        List<Map<String, Double>> metrics = new ArrayList<>(nm);
        PowerLawFit[] fits = new PowerLawFit[nm];
        double[][] esdEvals = new double[nm][];
        double[][] sva = new double[nm][];
        ThinSvd[] svds = new ThinSvd[nm];
        for (int i = 0; i < nm; i++) {
            WeightMatrix w = mats.get(i);
            double[] tv = values.computeIfAbsent(w.tensor(), n -> finiteValues(traj, n, t));
            double[] a = w.extract(tv);
            if (cfg.vectors()) {
                svds[i] = Svd.thin(a, w.rows(), w.cols(), Math.min(cfg.topK(), w.rank()));
                sigma[i] = svds[i].values();
            } else {
                sigma[i] = Svd.values(a, w.rows(), w.cols());
            }
            Map<String, Double> m = new LinkedHashMap<>();
            double[] s = sigma[i];
            m.put("effective_rank", SpectrumMetrics.effectiveRank(s));
            m.put("count_rank", SpectrumMetrics.countRank(s));
            m.put("stable_rank_normalised", SpectrumMetrics.stableRank(s));
            m.put("gini", SpectrumMetrics.gini(s));
            m.put("spectral_norm", SpectrumMetrics.spectralNorm(s));
            m.put("frobenius_norm", SpectrumMetrics.frobeniusNorm(s));
            m.put("nuclear_norm", SpectrumMetrics.nuclearNorm(s));
            if (cfg.vectors()) {
                sva[i] = svaDiagonal(svds[i], fin[i]);
                m.put("sva_score", mean(sva[i], cfg.scoreK()));
            }
            if (cfg.esd()) {
                boolean pooled = cfg.pooledConvTaps() && w.conv() != null;
                double[] evals = pooled ? pooledEvals(w, tv) : squares(s);
                int big = pooled ? Math.max(w.rows(), w.conv()[0]) : Math.max(w.rows(), w.cols());
                int small = pooled ? Math.min(w.rows(), w.conv()[0]) : w.rank();
                double[] rand = null;
                if (cfg.randomize()) {
                    // the element-shuffled W (for pooled conv taps: the whole kernel), seeded per matrix and checkpoint
                    Random rnd = new Random(cfg.seed() * 1_000_003L + 31L * i + 7919L * t);
                    double[] shuffled = pooled ? tv.clone() : a.clone();
                    shuffle(shuffled, rnd);
                    rand = pooled ? pooledEvals(w, shuffled) : squares(Svd.values(shuffled, w.rows(), w.cols()));
                }
                EsdMetrics e = EsdMetrics.of(evals, big, small, rand);
                e.metrics().forEach((k, v) -> m.put("esd_" + k, v));
                fits[i] = e.fit().orElse(null);
                if (pooled) {
                    esdEvals[i] = evals;
                }
            }
            metrics.add(m);
        }
        double[][] align = new double[pairs.size()][];
        for (int p = 0; p < pairs.size(); p++) {
            AlignmentPair pair = pairs.get(p);
            align[p] = alignmentDiagonal(pair, mats.get(index.get(pair.first())), svds[index.get(pair.first())],
                    mats.get(index.get(pair.second())), svds[index.get(pair.second())]);
        }
        return new CheckpointSpectra(sigma, metrics, fits, esdEvals, sva, align);
    }

    private static double[] finiteValues(Trajectory traj, String tensor, int t) {
        double[] v = traj.values(tensor, t);
        for (int j = 0; j < v.length; j++) {
            if (!Double.isFinite(v[j])) {
                throw new IllegalArgumentException("tensor '" + tensor + "' has a non-finite value " + v[j]
                        + " at flat index " + j + " of checkpoint " + t);
            }
        }
        return v;
    }

    /** {@code |⟨u_i(t), u_i(T)⟩ ⟨v_i(t), v_i(T)⟩|} for i < k. */
    static double[] svaDiagonal(ThinSvd now, ThinSvd last) {
        int k = Math.min(now.k(), last.k());
        double[] d = new double[k];
        for (int i = 0; i < k; i++) {
            double uu = 0;
            for (int r = 0; r < now.m(); r++) {
                uu += now.u()[r * now.k() + i] * last.u()[r * last.k() + i];
            }
            double vv = 0;
            for (int r = 0; r < now.n(); r++) {
                vv += now.v()[r * now.k() + i] * last.v()[r * last.k() + i];
            }
            d[i] = Math.abs(uu * vv);
        }
        return d;
    }

    /** Diagonal of {@code |Yᵀ X|}: X the first matrix's output-side vectors, Y the second's vectors on its side. */
    static double[] alignmentDiagonal(AlignmentPair pair, WeightMatrix first, ThinSvd a, WeightMatrix second, ThinSvd b) {
        boolean firstV = first.embedding() && pair.secondSide() == AlignmentPair.Side.V;
        int xLen = firstV ? a.n() : a.m();
        boolean centre = pair.secondSide() == AlignmentPair.Side.V && second.conv() != null && first.conv() != null;
        int yLen = pair.secondSide() == AlignmentPair.Side.U ? b.m() : centre ? second.conv()[0] : b.n();
        if (xLen != yLen) {
            throw new IllegalArgumentException("alignment pair " + pair.name() + ": output side of '" + first.name()
                    + "' has length " + xLen + " but the compared side of '" + second.name() + "' has length " + yLen);
        }
        int k = Math.min(a.k(), b.k());
        int taps = second.conv() == null ? 1 : second.conv()[1] * second.conv()[2];
        int tap = centre ? second.centreTap() : 0;
        double[] d = new double[k];
        for (int i = 0; i < k; i++) {
            double acc = 0;
            for (int r = 0; r < xLen; r++) {
                double x = firstV ? a.v()[r * a.k() + i] : a.u()[r * a.k() + i];
                double y;
                if (pair.secondSide() == AlignmentPair.Side.U) {
                    y = b.u()[r * b.k() + i];
                } else if (centre) {
                    y = b.v()[(r * taps + tap) * b.k() + i];
                } else {
                    y = b.v()[r * b.k() + i];
                }
                acc += x * y;
            }
            d[i] = Math.abs(acc);
        }
        return d;
    }

    private static double[] pooledEvals(WeightMatrix w, double[] tensorValues) {
        List<double[]> taps = w.taps(tensorValues);
        int r = Math.min(w.rows(), w.conv()[0]);
        double[] out = new double[taps.size() * r];
        for (int k = 0; k < taps.size(); k++) {
            double[] s = Svd.values(taps.get(k), w.rows(), w.conv()[0]);
            for (int j = 0; j < r; j++) {
                out[k * r + j] = 0.5 * s[j] * s[j]; // WeightWatcher conv2d_norm: W·sqrt(1/2)
            }
        }
        return out;
    }

    private static double[] squares(double[] s) {
        double[] l = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            l[i] = s[i] * s[i];
        }
        return l;
    }

    private static void shuffle(double[] a, Random r) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            double x = a[i];
            a[i] = a[j];
            a[j] = x;
        }
    }

    static double mean(double[] d, int k) {
        int n = Math.min(k, d.length);
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += d[i];
        }
        return s / n;
    }
}
