package org.trainingdynamics.cmd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.trainingdynamics.study.Progress;
import org.trainingdynamics.trajectory.Trajectory;

/**
 * One streaming pass over all N parameters: assignment of each to the reference it is most
 * |Pearson|-correlated with ({@code calc_related_mode}), its closed-form affine coefficients
 * ({@code calc_AB_vec}: {@code a = cov(w, r)/var(r)}, {@code b = mean(w) − a·mean(r)}, i.e. least squares on
 * the design {@code [r(t), 1]}) and the reconstruction error, block by block so N×T never has to fit the heap.
 *
 * <p>Blocks are read checkpoint-major ({@code T} contiguous segments of a tensor, straight from each checkpoint's
 * row; no transposition) and kept cache-resident while the M dot products with the centred, unit-norm reference
 * profiles ({@code x·r̂ = (x − x̄)·r̂} because {@code r̂} is centred), the statistics and the residuals are
 * computed with vectorisable loops over contiguous parameter rows ({@link BlockDots}). Correlations are
 * therefore centred float64, not the official code's float32 one-pass formula. A parameter whose profile
 * is exactly constant (zero variance) is assigned to mode 0 with {@code a = 0}, {@code b =} its value
 * (reconstructed exactly) and listed in {@link Result#constants()}; a reference with zero variance
 * (possible only if a whole cluster is constant) correlates 0 with everything and fits {@code a = 0}.
 *
 * <p>Blocks are independent, so one thread per available processor (the caller and helpers) claims chunks of
 * whole blocks; every output element is written by exactly one thread, and the error sums and the list of
 * constant parameters are kept per chunk and combined in chunk order, so the result does not depend on the
 * number of threads or on scheduling. The trajectory is read concurrently ({@link Trajectory#read} of every
 * implementation in the trajectory package only reads). The pass's wall time is reported, split into
 * "assignment" and "fit" in proportion to the threads' summed times for each part.
 */
final class ModeAssignment {
    private ModeAssignment() {
    }

    /** What the pass produces. */
    record Result(int[] mode, double[] a, double[] b, int[] constants, long[][] layerModeCounts,
                  double[] errorNumerator, double[] errorDenominator, double assignSeconds, double fitSeconds) {
    }

    /** Parameters per block: the block's T × rows float64 values stay within about 512 KiB (cache-resident). */
    static int blockRows(int t) {
        return Math.max(8, (1 << 16) / Math.max(t, 1));
    }

    private static IllegalArgumentException nonFinite(String tensor, long within, double[][] x, int r, int tCount) {
        for (int t = 0; t < tCount; t++) {
            if (!Double.isFinite(x[t][r])) {
                return new IllegalArgumentException("tensor '" + tensor + "' parameter " + (within + r) + " is "
                        + x[t][r] + " at checkpoint " + t + "; CMD needs finite trajectories");
            }
        }
        return new IllegalArgumentException("tensor '" + tensor + "' parameter " + (within + r)
                + ": its values overflow a float64 sum");
    }

    static Result run(Trajectory traj, ParameterLayout layout, double[][] refProfiles) {
        return run(traj, layout, refProfiles, Runtime.getRuntime().availableProcessors(), CHUNK_PARAMETERS);
    }

    /** Parameters per unit of work claimed by a worker (whole blocks; the last block may overshoot). */
    static final int CHUNK_PARAMETERS = 1 << 14;

    /**
     * The pass with {@code workers} threads (the caller and {@code workers − 1} helpers) claiming chunks of whole
     * blocks of about {@code chunkParameters} parameters. Each chunk's error sums and constant parameters are
     * kept per chunk and combined in chunk order, so the result is bit-identical for any worker count.
     */
    static Result run(Trajectory traj, ParameterLayout layout, double[][] refProfiles, int workers,
                      int chunkParameters) {
        long nLong = layout.parameterCount();
        if (nLong > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("CMD holds a, b and the mode per parameter in arrays; "
                    + nLong + " parameters exceed the Java array limit");
        }
        int n = (int) nLong;
        int tCount = traj.checkpointCount();
        int m = refProfiles.length;
        double[] refMean = new double[m];
        double[] refNorm = new double[m];
        double[] rhat = new double[m * tCount];
        for (int k = 0; k < m; k++) {
            double[] r = refProfiles[k];
            double s = 0;
            for (double v : r) {
                s += v;
            }
            refMean[k] = s / tCount;
            double ss = 0;
            for (double v : r) {
                ss += (v - refMean[k]) * (v - refMean[k]);
            }
            refNorm[k] = Math.sqrt(ss);
            for (int t = 0; t < tCount; t++) {
                rhat[k * tCount + t] = refNorm[k] > 0 ? (r[t] - refMean[k]) / refNorm[k] : 0.0;
            }
        }
        double[] refT = new double[tCount * m]; // reference profiles checkpoint-major: refT[t * m + k]
        for (int k = 0; k < m; k++) {
            for (int t = 0; t < tCount; t++) {
                refT[t * m + k] = refProfiles[k][t];
            }
        }
        Pass pass = new Pass(traj, layout, n, tCount, refMean, refNorm, rhat, refT, chunkParameters);
        long w0 = System.nanoTime();
        pass.execute(Math.max(1, Math.min(workers, pass.chunkCount())));
        double wall = (System.nanoTime() - w0) / 1e9;
        double[] num = new double[tCount];
        double[] den = new double[tCount];
        int nConst = 0;
        for (int c = 0; c < pass.chunkCount(); c++) {
            for (int t = 0; t < tCount; t++) {
                num[t] += pass.chunkNum[c][t];
                den[t] += pass.chunkDen[c][t];
            }
            nConst += pass.chunkConstants[c].length;
        }
        int[] constants = new int[nConst];
        int at = 0;
        for (int[] cs : pass.chunkConstants) {
            System.arraycopy(cs, 0, constants, at, cs.length);
            at += cs.length;
        }
        long[][] layerCounts = new long[layout.tensorCount()][m];
        for (long[][] wc : pass.workerLayerCounts) {
            for (int l = 0; l < layerCounts.length; l++) {
                for (int k = 0; k < m; k++) {
                    layerCounts[l][k] += wc[l][k];
                }
            }
        }
        // wall time of the pass, split between assignment and fit in proportion to the workers' summed times
        double assignShare = pass.assignNanos.sum() + pass.fitNanos.sum() > 0
                ? pass.assignNanos.sum() / (double) (pass.assignNanos.sum() + pass.fitNanos.sum()) : 1.0;
        return new Result(pass.mode, pass.a, pass.b, constants, layerCounts, num, den, wall * assignShare,
                wall * (1 - assignShare));
    }

    /** The shared state of one pass: the block list, the outputs and the per-chunk partial sums. */
    private static final class Pass {
        final Trajectory traj;
        final ParameterLayout layout;
        final int tCount;
        final double[] refMean;
        final double[] refNorm;
        final double[] rhat;
        final double[] refT;
        final int[] mode;
        final double[] a;
        final double[] b;
        /** Block b covers tensor blockTensor[b], elements [blockWithin[b], + blockRows[b]), parameters from blockBase[b]. */
        final int[] blockTensor;
        final long[] blockWithin;
        final int[] blockRows;
        final int[] blockBase;
        /** Chunk c holds blocks [chunkStart[c], chunkStart[c + 1]). */
        final int[] chunkStart;
        final double[][] chunkNum;
        final double[][] chunkDen;
        final int[][] chunkConstants;
        final List<long[][]> workerLayerCounts = new CopyOnWriteArrayList<>();
        final LongAdder assignNanos = new LongAdder();
        final LongAdder fitNanos = new LongAdder();
        final AtomicInteger nextChunk = new AtomicInteger();
        final AtomicLong doneRows = new AtomicLong();
        volatile boolean stop;

        Pass(Trajectory traj, ParameterLayout layout, int n, int tCount, double[] refMean, double[] refNorm,
             double[] rhat, double[] refT, int chunkParameters) {
            this.traj = traj;
            this.layout = layout;
            this.tCount = tCount;
            this.refMean = refMean;
            this.refNorm = refNorm;
            this.rhat = rhat;
            this.refT = refT;
            this.mode = new int[n];
            this.a = new double[n];
            this.b = new double[n];
            int maxRows = blockRows(tCount);
            int blocks = 0;
            for (int l = 0; l < layout.tensorCount(); l++) {
                long size = traj.tensor(layout.names().get(l)).size();
                blocks += (int) ((size + maxRows - 1) / maxRows);
            }
            blockTensor = new int[blocks];
            blockWithin = new long[blocks];
            blockRows = new int[blocks];
            blockBase = new int[blocks];
            int[] starts = new int[blocks + 1];
            int chunks = 0;
            int bi = 0;
            int base = 0;
            long inChunk = 0;
            for (int l = 0; l < layout.tensorCount(); l++) {
                long size = traj.tensor(layout.names().get(l)).size();
                for (long within = 0; within < size; within += maxRows) {
                    if (inChunk == 0) {
                        starts[chunks++] = bi;
                    }
                    blockTensor[bi] = l;
                    blockWithin[bi] = within;
                    blockRows[bi] = (int) Math.min(maxRows, size - within);
                    blockBase[bi] = base;
                    base += blockRows[bi];
                    inChunk += blockRows[bi];
                    if (inChunk >= chunkParameters) {
                        inChunk = 0;
                    }
                    bi++;
                }
            }
            starts[chunks] = blocks;
            chunkStart = Arrays.copyOf(starts, chunks + 1);
            chunkNum = new double[chunks][];
            chunkDen = new double[chunks][];
            chunkConstants = new int[chunks][];
        }

        int chunkCount() {
            return chunkStart.length - 1;
        }

        /**
         * Runs the chunks on the calling thread and {@code workers − 1} helper threads. The caller reports
         * progress (so an interrupt of the caller stops the pass); the first failure by chunk order is rethrown.
         */
        void execute(int workers) {
            ExecutorService helpers = workers > 1 ? Executors.newFixedThreadPool(workers - 1, r -> {
                Thread th = new Thread(r, "cmd-assignment");
                th.setDaemon(true);
                return th;
            }) : null;
            List<Future<?>> futures = new ArrayList<>();
            RuntimeException[] failure = new RuntimeException[chunkCount()];
            boolean interrupted = false;
            try (Progress p = Progress.start("CMD assignment", mode.length)) {
                for (int w = 1; w < workers; w++) {
                    futures.add(helpers.submit(() -> work(failure, null)));
                }
                work(failure, p);
            } catch (RuntimeException e) {
                stop = true;
                throw e;
            } finally {
                for (Future<?> f : futures) {
                    while (true) {
                        try {
                            f.get();
                            break;
                        } catch (InterruptedException e) {
                            // stop the helpers, then still wait for them: they finish their current block
                            interrupted = true;
                            stop = true;
                        } catch (ExecutionException e) {
                            stop = true;
                            throw new IllegalStateException("CMD assignment worker failed", e.getCause());
                        }
                    }
                }
                if (helpers != null) {
                    helpers.shutdown();
                }
            }
            if (interrupted) {
                throw new CancellationException("interrupted");
            }
            for (RuntimeException e : failure) {
                if (e != null) {
                    throw e;
                }
            }
        }

        /** Claims and processes chunks until none is left (or the pass is stopped); {@code p} only on the caller. */
        private void work(RuntimeException[] failure, Progress p) {
            Worker w = new Worker(this);
            long reported = 0;
            int c;
            while (!stop && (c = nextChunk.getAndIncrement()) < chunkCount()) {
                try {
                    w.chunk(c);
                } catch (RuntimeException e) {
                    failure[c] = e;
                    stop = true;
                }
                if (p != null) {
                    long done = doneRows.get();
                    p.step(done - reported);
                    reported = done;
                }
            }
            workerLayerCounts.add(w.layerCounts);
            assignNanos.add(w.assignNanos);
            fitNanos.add(w.fitNanos);
        }
    }

    /** One thread's buffers: a checkpoint-major block, its dot products and per-parameter statistics. */
    private static final class Worker {
        final Pass pass;
        final int m;
        /** The block, checkpoint-major: x[t][r] (one array per checkpoint, see {@link BlockDots}). */
        final double[][] x;
        final double[][] dots;
        final double[] mean;
        /** Σ_t |x[t][r] − x[0][r]|: zero exactly when parameter r is constant over the checkpoints. */
        final double[] spread;
        final long[][] layerCounts;
        int[] constants = new int[16];
        int nConst;
        long assignNanos;
        long fitNanos;

        Worker(Pass pass) {
            this.pass = pass;
            this.m = pass.refMean.length;
            int maxRows = blockRows(pass.tCount);
            x = new double[pass.tCount][maxRows];
            dots = new double[m][maxRows];
            mean = new double[maxRows];
            spread = new double[maxRows];
            layerCounts = new long[pass.layout.tensorCount()][m];
        }

        void chunk(int c) {
            int tCount = pass.tCount;
            double[] num = new double[tCount];
            double[] den = new double[tCount];
            nConst = 0;
            for (int bi = pass.chunkStart[c]; bi < pass.chunkStart[c + 1]; bi++) {
                block(bi, num, den);
            }
            pass.chunkNum[c] = num;
            pass.chunkDen[c] = den;
            pass.chunkConstants[c] = Arrays.copyOf(constants, nConst);
        }

        /** Assigns and fits one block, adding its error sums to num/den and its constant parameters to the list. */
        private void block(int bi, double[] num, double[] den) {
            long t0 = System.nanoTime();
            int tCount = pass.tCount;
            int l = pass.blockTensor[bi];
            String tensor = pass.layout.names().get(l);
            long within = pass.blockWithin[bi];
            int rows = pass.blockRows[bi];
            int base = pass.blockBase[bi];
            // checkpoint-major block: x[t][r], each checkpoint's segment one contiguous read
            for (int t = 0; t < tCount; t++) {
                pass.traj.read(tensor, t, within, x[t], 0, rows);
            }
            columnStats(x, rows, tCount, mean, spread);
            BlockDots.compute(x, rows, tCount, pass.rhat, dots);
            int[] mode = pass.mode;
            double[] a = pass.a;
            double[] b = pass.b;
            double[] refNorm = pass.refNorm;
            for (int r = 0; r < rows; r++) {
                int g = base + r;
                if (!Double.isFinite(mean[r])) {
                    throw nonFinite(tensor, within, x, r, tCount);
                }
                if (spread[r] == 0) {
                    // constant: mode 0, a = 0, b = its value; reconstructed exactly, no deviation
                    mode[g] = 0;
                    a[g] = 0;
                    b[g] = x[0][r];
                    mean[r] = x[0][r];
                    if (nConst == constants.length) {
                        constants = Arrays.copyOf(constants, nConst * 2);
                    }
                    constants[nConst++] = g;
                    layerCounts[l][0]++;
                    continue;
                }
                double best = -1;
                int bestK = 0;
                for (int k = 0; k < m; k++) {
                    double c = Math.abs(dots[k][r]);
                    if (c > best) {
                        best = c;
                        bestK = k;
                    }
                }
                double ak = refNorm[bestK] > 0 ? dots[bestK][r] / refNorm[bestK] : 0.0;
                mode[g] = bestK;
                a[g] = ak;
                b[g] = mean[r] - ak * pass.refMean[bestK];
                layerCounts[l][bestK]++;
            }
            long t1 = System.nanoTime();
            assignNanos += t1 - t0;
            columnErrors(x, rows, tCount, pass.refT, m, mode, a, b, base, mean, num, den);
            fitNanos += System.nanoTime() - t1;
            pass.doneRows.addAndGet(rows);
        }
    }

    /**
     * Per parameter of a checkpoint-major block: the mean over the checkpoints and {@code Σ_t |x_t − x_0|}, which is
     * zero exactly when every value equals the first (a sum of non-negative terms is zero only if each term is; a
     * non-finite value makes the mean non-finite, which the caller rejects first). Replaces a minimum and maximum
     * per value, which HotSpot does not vectorise: 0.4–0.6 ns per value instead of 2.0 (docs/BENCHMARKS.md, CMD 2d).
     */
    private static void columnStats(double[][] x, int rows, int tCount, double[] mean, double[] spread) {
        double[] x0 = x[0];
        System.arraycopy(x0, 0, mean, 0, rows);
        Arrays.fill(spread, 0, rows, 0.0);
        for (int t = 1; t < tCount; t++) {
            double[] xt = x[t];
            for (int r = 0; r < rows; r++) {
                double v = xt[r];
                mean[r] += v;
                spread[r] += Math.abs(v - x0[r]);
            }
        }
        for (int r = 0; r < rows; r++) {
            mean[r] /= tCount;
        }
    }

    /**
     * Adds the block's squared reconstruction residuals {@code (a_i r_{m_i}(t) + b_i − w_i(t))²} to {@code num[t]}
     * and squared deviations from each parameter's mean {@code (w_i(t) − w̄_i)²} to {@code den[t]}.
     */
    private static void columnErrors(double[][] x, int rows, int tCount, double[] refT, int m, int[] mode, double[] a,
                                     double[] b, int base, double[] mean, double[] num, double[] den) {
        for (int t = 0; t < tCount; t++) {
            double[] xt = x[t];
            int tm = t * m;
            double sn = 0;
            double sd = 0;
            for (int r = 0; r < rows; r++) {
                int g = base + r;
                double v = xt[r];
                double e = a[g] * refT[tm + mode[g]] + b[g] - v;
                double c = v - mean[r];
                sn += e * e;
                sd += c * c;
            }
            num[t] += sn;
            den[t] += sd;
        }
    }
}
