package org.trainingdynamics.koopman;

import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.trainingdynamics.study.Progress;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.Trajectory;

/**
 * The Gram matrix G = ZᵀZ (M × M, float64) of every run's snapshots side by side, in one streamed pass over
 * the parameters: the method of snapshots behind {@link Accumulation#GRAM} (Sirovich 1987; Redman et al. 2024
 * §3 fit DMD to such tall-skinny weight matrices). Z is read in blocks of up to {@code blockRows} consecutive
 * parameters (a block packs the end of one tensor and the start of the next, so small tensors do not make small
 * blocks), each laid out checkpoint-major (Bᵀ, M × rows: row j holds snapshot column j, read straight from
 * checkpoint j with {@link Trajectory#read}, no transposition), and added with BLAS {@code dsyrk},
 * G ← G + Bᵀ·B on the upper triangle only — half the flops of a GEMM, in float64 throughout.
 *
 * <p>Reading and multiplying overlap: a reader thread fills the next off-heap block while the calling thread
 * runs {@code dsyrk} on the previous one. The reader takes one of the cores BLAS is configured to use: while any
 * Gram pass runs, OpenBLAS runs with one thread fewer than configured (at least one), and the configured count
 * is restored when the last pass ends (on a 2-core machine, 2 BLAS threads plus the reader oversubscribe the
 * cores: OpenBLAS's waiting threads spin, and the pass measured twice the CPU time and 2× the wall time of
 * one BLAS thread plus the reader; docs/BENCHMARKS.md, Koopman). Finiteness is
 * checked through G itself: a non-finite value in a block makes a diagonal entry G_jj = Σ z_ij² non-finite,
 * and only then is that block searched for the value to name it; finite values whose squares overflow are
 * reported as such. {@code dsyrk} is OpenBLAS's, through the same JavaCPP binding ND4J's CPU back end uses
 * (ND4J 1.0.0-M2.1's own {@code Level3.syrk} passes K = 1 and so uses only the first column of its operand).
 */
final class StreamedGram {
    /** Blocks in flight: one being read, one being multiplied, one spare. */
    private static final int SLOTS = 3;
    /** Upper bound on one block's values (128 MiB of doubles), whatever blockRows asks for. */
    private static final long MAX_BLOCK_VALUES = 1L << 24;

    private static final Object THREADS = new Object();
    /** Gram passes running now, and the BLAS thread count configured before the first of them began. */
    private static int running;
    private static int configuredThreads;

    private StreamedGram() {
    }

    /** Leaves one of the configured BLAS threads' cores to the reader while any Gram pass runs. */
    private static void enter() {
        synchronized (THREADS) {
            if (running++ == 0) {
                configuredThreads = openblas_nolapack.blas_get_num_threads();
                if (configuredThreads > 1) {
                    openblas_nolapack.blas_set_num_threads(configuredThreads - 1);
                }
            }
        }
    }

    private static void exit() {
        synchronized (THREADS) {
            if (--running == 0 && configuredThreads > 1) {
                openblas_nolapack.blas_set_num_threads(configuredThreads);
            }
        }
    }

    /** A contiguous run of one tensor's parameters inside a block. */
    private record Segment(String tensor, long within, int offset, int length) {
    }

    /** One off-heap block buffer and what it currently holds. */
    private static final class Slot {
        final DoublePointer ptr;
        final DoubleBuffer buf;
        int rows;
        List<Segment> segments = List.of();
        Throwable error;

        Slot(long capacity) {
            ptr = new DoublePointer(capacity);
            buf = ptr.asBuffer();
        }

        Slot(Throwable error) {
            ptr = null;
            buf = null;
            this.error = error;
        }
    }

    private static final Slot END = new Slot((Throwable) null);

    /** G = ZᵀZ, row-major M × M, exactly symmetric. */
    static double[] compute(Snapshots s, int blockRows) {
        if (blockRows < 1) {
            throw new IllegalArgumentException("blockRows must be >= 1, got " + blockRows);
        }
        int m = s.columns();
        long n = s.rows();
        int rows = (int) Math.max(1, Math.min(Math.min(blockRows, n), MAX_BLOCK_VALUES / m));
        List<Slot> slots = new ArrayList<>();
        DoublePointer g = new DoublePointer((long) m * m);
        Thread reader = null;
        try {
            g.zero();
            DoubleBuffer gb = g.asBuffer();
            BlockingQueue<Slot> free = new ArrayBlockingQueue<>(SLOTS);
            BlockingQueue<Slot> full = new ArrayBlockingQueue<>(SLOTS + 1);
            for (int i = 0; i < SLOTS; i++) {
                Slot sl = new Slot((long) m * rows);
                slots.add(sl);
                free.add(sl);
            }
            reader = new Thread(() -> read(s, rows, free, full), "koopman-gram-reader");
            reader.setDaemon(true);
            enter();
            try (Progress p = Progress.start("Gram ZᵀZ", n)) {
                reader.start();
                while (true) {
                    Slot b = take(full);
                    if (b == END) {
                        break;
                    }
                    if (b.error != null) {
                        rethrow(b.error);
                    }
                    openblas_nolapack.cblas_dsyrk(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasUpper,
                            openblas_nolapack.CblasNoTrans, m, b.rows, 1.0, b.ptr, b.rows, 1.0, g, m);
                    for (int j = 0; j < m; j++) {
                        if (!Double.isFinite(gb.get(j * (m + 1)))) {
                            throw nonFinite(s, b, j);
                        }
                    }
                    p.step(b.rows);
                    free.add(b);
                }
            } finally {
                exit();
            }
            double[] out = new double[m * m];
            gb.get(0, out);
            for (int i = 0; i < m; i++) {
                for (int j = i + 1; j < m; j++) {
                    out[j * m + i] = out[i * m + j];
                }
            }
            return out;
        } finally {
            if (reader != null && reader.isAlive()) {
                reader.interrupt();
                boolean interrupted = false;
                while (reader.isAlive()) {
                    try {
                        reader.join();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            for (Slot sl : slots) {
                sl.ptr.close();
            }
            g.close();
        }
    }

    /**
     * The reader: packs consecutive parameters (crossing tensor boundaries) into blocks of {@code rows}, each
     * checkpoint-major, and hands them over in order; ends with {@link #END} or a slot carrying its error.
     */
    private static void read(Snapshots s, int rows, BlockingQueue<Slot> free, BlockingQueue<Slot> full) {
        try {
            List<Trajectory> runs = s.runs();
            int[] lens = s.lengths();
            List<TensorSpec> specs = runs.get(0).tensors();
            double[] stage = new double[rows];
            int tensor = 0;
            long within = 0;
            while (true) {
                List<Segment> segs = new ArrayList<>();
                int filled = 0;
                while (filled < rows && tensor < specs.size()) {
                    TensorSpec spec = specs.get(tensor);
                    int len = (int) Math.min(rows - filled, spec.size() - within);
                    if (len > 0) {
                        segs.add(new Segment(spec.name(), within, filled, len));
                        filled += len;
                        within += len;
                    }
                    if (within >= spec.size()) {
                        tensor++;
                        within = 0;
                    }
                }
                if (filled == 0) {
                    break;
                }
                Slot b = free.take();
                b.rows = filled;
                b.segments = segs;
                int col = 0;
                for (int r = 0; r < runs.size(); r++) {
                    Trajectory run = runs.get(r);
                    for (int t = 0; t < lens[r]; t++) {
                        for (Segment sg : segs) {
                            run.read(sg.tensor(), t, sg.within(), stage, sg.offset(), sg.length());
                        }
                        b.buf.put(col * filled, stage, 0, filled);
                        col++;
                    }
                }
                full.put(b);
            }
            full.put(END);
        } catch (InterruptedException e) {
            // the consumer stopped (error or cancellation) and no longer takes blocks
        } catch (Throwable e) {
            full.offer(new Slot(e));
        }
    }

    private static Slot take(BlockingQueue<Slot> q) {
        try {
            return q.take();
        } catch (InterruptedException e) {
            throw new CancellationException("interrupted");
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

    /**
     * The error for a block after which G_jj (snapshot column j) is no longer finite: names the first
     * non-finite value of that column in the block, or reports an overflow of finite values.
     */
    private static IllegalArgumentException nonFinite(Snapshots s, Slot b, int j) {
        int[] lens = s.lengths();
        int run = 0;
        int t = j;
        while (t >= lens[run]) {
            t -= lens[run];
            run++;
        }
        for (Segment sg : b.segments) {
            for (int i = 0; i < sg.length(); i++) {
                double v = b.buf.get(j * b.rows + sg.offset() + i);
                if (!Double.isFinite(v)) {
                    return new IllegalArgumentException("run " + run + ", tensor '" + sg.tensor() + "' element "
                            + (sg.within() + i) + " at checkpoint " + t + " is " + v
                            + "; DMD needs finite observables");
                }
            }
        }
        return new IllegalArgumentException("run " + run + " at checkpoint " + t + ": the sum of squared observables "
                + "overflows float64 (values up to about 1e154 in magnitude are usable); rescale the observables");
    }
}
