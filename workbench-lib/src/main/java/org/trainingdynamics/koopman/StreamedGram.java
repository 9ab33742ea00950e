package org.trainingdynamics.koopman;

import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.trainingdynamics.study.Progress;
import org.trainingdynamics.trajectory.DType;
import org.trainingdynamics.trajectory.StoredTrajectory;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.Trajectory;

/**
 * The Gram matrix G = ZᵀZ (M × M, float64) of every run's snapshots side by side, in one streamed pass over
 * the parameters: the method of snapshots behind {@link Accumulation#GRAM} (Sirovich 1987; Redman et al. 2024
 * §3 fit DMD to such tall-skinny weight matrices). Z is cut into blocks of up to {@code blockRows} consecutive
 * parameters (a block packs the end of one tensor and the start of the next, so small tensors do not make small
 * blocks); each block is read checkpoint-major (Bᵀ, M × rows: row j holds snapshot column j, read straight from
 * checkpoint j with {@link Trajectory#read}, no transposition) into an off-heap buffer and added with BLAS
 * {@code dsyrk}, G ← G + Bᵀ·B on the upper triangle only — half the flops of a GEMM, in float64 throughout.
 *
 * <p>Parallelism: W workers (W = the BLAS thread count ND4J is configured with, fewer when there are fewer
 * blocks or the M × M partial sums would take more than 256 MiB) each read and multiply their own blocks —
 * worker w takes blocks w, w + W, w + 2W, … — into their own partial Gram, with OpenBLAS single-threaded
 * meanwhile, so every core reads and multiplies and none waits; the partials are summed in worker order, so the
 * result depends only on W. (A reader thread feeding a multi-threaded {@code dsyrk} was measured first: it
 * idles the reader's core for most of the pass, and OpenBLAS's waiting threads spin against it.) The
 * configured BLAS thread count is restored when the last running pass ends.
 *
 * <p>The workers call {@link Trajectory#read} concurrently; every trajectory of the library reads immutable
 * state (mapped files, arrays) and is safe for that.
 *
 * <p>Finiteness is checked through G itself: a non-finite value in a block makes a diagonal entry
 * G_jj = Σ z_ij² of that worker's partial non-finite, and only then is that block searched, to name the value;
 * finite values whose squares overflow are reported as such. The first offending block (in parameter order) is
 * the one reported. {@code dsyrk} is OpenBLAS's, through the same JavaCPP binding ND4J's CPU back end uses
 * (ND4J 1.0.0-M2.1's own {@code Level3.syrk} passes K = 1 and so uses only the first column of its operand).
 */
final class StreamedGram {
    /** Upper bound on one block's values (128 MiB of doubles), whatever blockRows asks for. */
    private static final long MAX_BLOCK_VALUES = 1L << 24;
    /** Upper bound on all workers' partial Gram matrices together (256 MiB of doubles). */
    private static final long MAX_PARTIAL_VALUES = 1L << 25;

    private static final Object THREADS = new Object();
    /** Multi-worker passes running now, and the BLAS thread count configured before the first of them began. */
    private static int running;
    private static int configuredThreads;

    private StreamedGram() {
    }

    /** A contiguous run of one tensor's parameters inside a block. */
    private record Segment(String tensor, long within, int offset, int length) {
    }

    /** What one worker owns: its block buffer, its partial Gram and its first error. */
    private static final class Worker {
        final DoublePointer block;
        final DoubleBuffer blockBuf;
        final DoublePointer gram;
        final DoubleBuffer gramBuf;
        long errorBlock = Long.MAX_VALUE;
        Throwable error;

        Worker(int m, int rows) {
            block = new DoublePointer((long) m * rows);
            blockBuf = block.asBuffer();
            gram = new DoublePointer((long) m * m).zero();
            gramBuf = gram.asBuffer();
        }

        void close() {
            block.close();
            gram.close();
        }
    }

    /** G = ZᵀZ, row-major M × M, exactly symmetric, with as many workers as BLAS threads are configured. */
    static double[] compute(Snapshots s, int blockRows) {
        return compute(s, blockRows, blasThreads());
    }

    /** G = ZᵀZ with at most {@code maxWorkers} workers. */
    static double[] compute(Snapshots s, int blockRows, int maxWorkers) {
        if (blockRows < 1 || maxWorkers < 1) {
            throw new IllegalArgumentException("blockRows and workers must be >= 1, got " + blockRows + " and "
                    + maxWorkers);
        }
        int m = s.columns();
        long n = s.rows();
        int rows = (int) Math.max(1, Math.min(Math.min(blockRows, n), MAX_BLOCK_VALUES / m));
        long blocks = (n + rows - 1) / rows;
        int w = (int) Math.max(1, Math.min(Math.min(blocks, maxWorkers), MAX_PARTIAL_VALUES / ((long) m * m)));
        Pass pass = new Pass(s, m, rows, blocks, w);
        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        boolean single = w > 1;
        if (single) {
            enterSingleThreaded();
        }
        try {
            for (int i = 0; i < w; i++) {
                workers.add(new Worker(m, rows));
            }
            try (Progress p = Progress.start("Gram ZᵀZ", n)) {
                for (int i = 1; i < w; i++) {
                    int id = i;
                    Thread th = new Thread(() -> pass.work(id, workers.get(id)), "koopman-gram-" + i);
                    th.setDaemon(true);
                    threads.add(th);
                    th.start();
                }
                pass.work(0, workers.get(0), p);
                for (Thread th : threads) {
                    while (th.isAlive()) {
                        try {
                            th.join(50);
                        } catch (InterruptedException e) {
                            throw new CancellationException("interrupted");
                        }
                        p.step(pass.done.getAndSet(0));
                    }
                }
                p.step(pass.done.getAndSet(0));
            } finally {
                pass.limit.set(-1);
                joinAll(threads);
            }
            Worker failed = null;
            for (Worker wk : workers) {
                if (wk.error != null && (failed == null || wk.errorBlock < failed.errorBlock)) {
                    failed = wk;
                }
            }
            if (failed != null) {
                rethrow(failed.error);
            }
            double[] out = new double[m * m];
            double[] part = new double[m * m];
            for (Worker wk : workers) {
                wk.gramBuf.get(0, part);
                for (int i = 0; i < m; i++) {
                    for (int j = i; j < m; j++) {
                        out[i * m + j] += part[i * m + j];
                    }
                }
            }
            for (int i = 0; i < m; i++) {
                for (int j = i + 1; j < m; j++) {
                    out[j * m + i] = out[i * m + j];
                }
            }
            return out;
        } finally {
            if (single) {
                exitSingleThreaded();
            }
            for (Worker wk : workers) {
                wk.close();
            }
        }
    }

    /** The shared, read-only description of one pass, and its two counters. */
    private static final class Pass {
        final List<Trajectory> runs;
        final int[] lens;
        final List<TensorSpec> specs;
        final long[] tensorStart;
        /** Per run: its tensors stored as float32 when it is a {@link StoredTrajectory} (read as floats), else empty. */
        final List<java.util.Set<String>> float32 = new ArrayList<>();
        final Snapshots s;
        final int m;
        final int rows;
        final long blocks;
        final int stride;
        /** Blocks at or beyond this index are skipped: the first failed block so far, or −1 to stop. */
        final AtomicLong limit;
        /** Parameters multiplied in and not yet reported to the progress. */
        final AtomicLong done = new AtomicLong();

        Pass(Snapshots s, int m, int rows, long blocks, int stride) {
            this.s = s;
            this.runs = s.runs();
            this.lens = s.lengths();
            this.specs = runs.get(0).tensors();
            this.tensorStart = new long[specs.size() + 1];
            for (int i = 0; i < specs.size(); i++) {
                tensorStart[i + 1] = tensorStart[i] + specs.get(i).size();
            }
            for (Trajectory run : runs) {
                java.util.Set<String> f = new java.util.HashSet<>();
                if (run instanceof StoredTrajectory) {
                    for (TensorSpec spec : run.tensors()) {
                        if (spec.dtype() == DType.FLOAT32) {
                            f.add(spec.name());
                        }
                    }
                }
                float32.add(f);
            }
            this.m = m;
            this.rows = rows;
            this.blocks = blocks;
            this.stride = stride;
            this.limit = new AtomicLong(blocks);
        }

        void work(int id, Worker wk) {
            work(id, wk, null);
        }

        /** Worker {@code id}: blocks id, id + W, …; the calling thread's worker also reports progress. */
        void work(int id, Worker wk, Progress p) {
            double[] stage = new double[rows];
            float[] floats = new float[rows];
            for (long b = id; b < blocks && b < limit.get(); b += stride) {
                int filled = 0;
                try {
                    List<Segment> segs = segments(b);
                    filled = fill(segs, wk.blockBuf, stage, floats);
                    openblas_nolapack.cblas_dsyrk(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasUpper,
                            openblas_nolapack.CblasNoTrans, m, filled, 1.0, wk.block, filled, 1.0, wk.gram, m);
                    for (int j = 0; j < m; j++) {
                        if (!Double.isFinite(wk.gramBuf.get(j * (m + 1)))) {
                            throw nonFinite(segs, filled, wk.blockBuf, j);
                        }
                    }
                } catch (Throwable e) {
                    wk.error = e;
                    wk.errorBlock = b;
                    limit.accumulateAndGet(b, Math::min);
                    return;
                }
                done.addAndGet(filled);
                if (p != null) {
                    p.step(done.getAndSet(0));
                }
            }
        }

        /** The segments of block b: parameters [b·rows, min(N, (b+1)·rows)) in storage order. */
        List<Segment> segments(long b) {
            long from = b * rows;
            long to = Math.min(tensorStart[specs.size()], from + rows);
            List<Segment> segs = new ArrayList<>();
            int k = 0;
            while (tensorStart[k + 1] <= from) {
                k++;
            }
            for (long at = from; at < to; k++) {
                long end = Math.min(to, tensorStart[k + 1]);
                if (end > at) {
                    segs.add(new Segment(specs.get(k).name(), at - tensorStart[k], (int) (at - from), (int) (end - at)));
                }
                at = end;
            }
            return segs;
        }

        /**
         * Reads a block checkpoint-major into {@code buf} (row j = snapshot column j); returns its row count.
         * Float32 tensors of a store are copied as floats and widened here, in one reused buffer
         * ({@link Trajectory#read} widens through a temporary array per call: 0.74–0.95 s vs 0.47–0.73 s of CPU
         * for this read-and-copy of 2 M × 200 float32 values).
         */
        int fill(List<Segment> segs, DoubleBuffer buf, double[] stage, float[] floats) {
            Segment last = segs.get(segs.size() - 1);
            int filled = last.offset() + last.length();
            int col = 0;
            for (int r = 0; r < runs.size(); r++) {
                Trajectory run = runs.get(r);
                StoredTrajectory store = run instanceof StoredTrajectory st ? st : null;
                java.util.Set<String> asFloats = float32.get(r);
                for (int t = 0; t < lens[r]; t++) {
                    for (Segment sg : segs) {
                        if (store != null && asFloats.contains(sg.tensor())) {
                            store.readFloats(sg.tensor(), t, sg.within(), floats, 0, sg.length());
                            for (int i = 0, o = sg.offset(); i < sg.length(); i++, o++) {
                                stage[o] = floats[i];
                            }
                        } else {
                            run.read(sg.tensor(), t, sg.within(), stage, sg.offset(), sg.length());
                        }
                    }
                    buf.put(col * filled, stage, 0, filled);
                    col++;
                }
            }
            return filled;
        }

        /**
         * The error for a block after which G_jj (snapshot column j) is no longer finite: names the first
         * non-finite value of that column in the block, or reports an overflow of finite values.
         */
        IllegalArgumentException nonFinite(List<Segment> segs, int filled, DoubleBuffer buf, int j) {
            int run = 0;
            int t = j;
            while (t >= lens[run]) {
                t -= lens[run];
                run++;
            }
            for (Segment sg : segs) {
                for (int i = 0; i < sg.length(); i++) {
                    double v = buf.get(j * filled + sg.offset() + i);
                    if (!Double.isFinite(v)) {
                        return new IllegalArgumentException("run " + run + ", tensor '" + sg.tensor() + "' element "
                                + (sg.within() + i) + " at checkpoint " + t + " is " + v
                                + "; DMD needs finite observables");
                    }
                }
            }
            return new IllegalArgumentException("run " + run + " at checkpoint " + t + ": the sum of squared "
                    + "observables overflows float64 (values up to about 1e154 in magnitude are usable); rescale "
                    + "the observables");
        }
    }

    /** The BLAS thread count ND4J is configured with (as it was before any running pass lowered it). */
    static int blasThreads() {
        synchronized (THREADS) {
            return running > 0 ? configuredThreads : currentBlasThreads();
        }
    }

    /** OpenBLAS's thread count; before anything set it (JavaCPP answers −1 then), OpenBLAS's default, one per core. */
    private static int currentBlasThreads() {
        int t = openblas_nolapack.blas_get_num_threads();
        return t >= 1 ? t : Runtime.getRuntime().availableProcessors();
    }

    /** OpenBLAS single-threaded while any multi-worker pass runs (the workers are the parallelism). */
    private static void enterSingleThreaded() {
        synchronized (THREADS) {
            if (running++ == 0) {
                configuredThreads = currentBlasThreads();
                openblas_nolapack.blas_set_num_threads(1);
            }
        }
    }

    private static void exitSingleThreaded() {
        synchronized (THREADS) {
            if (--running == 0) {
                openblas_nolapack.blas_set_num_threads(configuredThreads);
            }
        }
    }

    /** Joins every worker thread, even if this thread is interrupted meanwhile (it is re-interrupted after). */
    private static void joinAll(List<Thread> threads) {
        boolean interrupted = false;
        for (Thread th : threads) {
            while (th.isAlive()) {
                try {
                    th.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void rethrow(Throwable e) {
        if (e instanceof RuntimeException re) {
            throw re;
        }
        if (e instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException("reading the snapshots failed", e);
    }
}
