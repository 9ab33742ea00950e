package org.trainingdynamics.cmd;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The K×K matrix {@code |C|} of absolute Pearson correlations over time between the sampled parameters'
 * profiles ({@code compute_modes}: {@code |np.corrcoef(W_K)|}, NaN → 0), computed in float64 on centred
 * profiles (the Gram matrix of the centred rows divided by both standard deviations, as
 * {@code np.corrcoef} does, clipped to [−1, 1]). A zero-variance profile gets an all-zero row and column,
 * diagonal included, as the official code's NaN → 0 rule gives. Held off-heap (ND4J), released by
 * {@link #close()}.
 */
public final class SampleCorrelation implements AutoCloseable {
    /** Largest sample whose linkage work matrix ({@link CompleteLinkage#workStride}² doubles) fits one Java array. */
    public static final int MAX_SAMPLE = 41_191;

    private final INDArray absCorr;
    private final int k;

    /** |C|'s off-heap values, read in bulk: element (i, j) at {@code offset + i·rowStride + j·colStride}. */
    private final java.nio.DoubleBuffer values;
    private final long offset;
    private final long rowStride;
    private final long colStride;

    private SampleCorrelation(INDArray absCorr) {
        this.absCorr = absCorr;
        this.k = (int) absCorr.rows();
        this.values = absCorr.data().asNioDouble();
        this.offset = absCorr.offset();
        this.rowStride = absCorr.stride(0);
        this.colStride = absCorr.stride(1);
    }

    /** Copies the K values {@code start, start + step, …} of |C|'s buffer into {@code dst}. */
    private void line(long start, long step, double[] dst) {
        if (step == 1) {
            values.get((int) start, dst, 0, k);
        } else {
            for (int i = 0; i < k; i++) {
                dst[i] = values.get((int) (start + i * step));
            }
        }
    }

    /** |corr| of the rows of {@code profiles} ({@code [K][T]}). */
    public static SampleCorrelation of(double[][] profiles) {
        int k = profiles.length;
        if (k < 1) {
            throw new IllegalArgumentException("no sampled profiles");
        }
        if (k > MAX_SAMPLE) {
            throw new IllegalArgumentException("sample size " + k + " exceeds " + MAX_SAMPLE);
        }
        int t = profiles[0].length;
        double[] z = new double[k * t];
        double[] sd = new double[k];
        for (int i = 0; i < k; i++) {
            double[] p = profiles[i];
            if (p.length != t) {
                throw new IllegalArgumentException("profile " + i + " has " + p.length + " checkpoints, expected " + t);
            }
            double s = 0;
            for (double v : p) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("sampled profile " + i + " holds a non-finite value (" + v + ")");
                }
                s += v;
            }
            double mean = s / t;
            boolean constant = true;
            for (int j = 0; j < t; j++) {
                z[i * t + j] = p[j] - mean;
                constant &= p[j] == p[0];
            }
            if (constant) {
                for (int j = 0; j < t; j++) {
                    z[i * t + j] = 0;
                }
            }
        }
        INDArray zm = Nd4j.create(z, new long[]{k, t}, DataType.DOUBLE);
        INDArray g = zm.mmul(zm.transpose());
        zm.close();
        double denom = Math.max(t - 1, 1);
        g.divi(denom);
        for (int i = 0; i < k; i++) {
            sd[i] = Math.sqrt(g.getDouble(i, i));
        }
        // c_ij = (g_ij / sd_i) / sd_j, NaN (zero variance) -> 0, clipped, absolute value
        INDArray sdCol = Nd4j.create(sd, new long[]{k, 1}, DataType.DOUBLE);
        INDArray sdRow = Nd4j.create(sd, new long[]{1, k}, DataType.DOUBLE);
        g.diviColumnVector(sdCol);
        g.diviRowVector(sdRow);
        sdCol.close();
        sdRow.close();
        // zero-variance rows/columns become 0/0 = NaN: zero them, then |.| and clip at 1
        for (int i = 0; i < k; i++) {
            if (sd[i] == 0) {
                g.getRow(i).assign(0);
                g.getColumn(i).assign(0);
            }
        }
        org.nd4j.linalg.ops.transforms.Transforms.abs(g, false);
        org.nd4j.linalg.ops.transforms.Transforms.min(g, 1.0, false);
        return new SampleCorrelation(g);
    }

    /** Sample size K. */
    public int size() {
        return k;
    }

    /** |corr| between sampled parameters {@code i} and {@code j}. */
    public double get(int i, int j) {
        return absCorr.getDouble(i, j);
    }

    /** Row {@code i} of |C| (a copy). */
    public double[] row(int i) {
        double[] r = new double[k];
        line(offset + i * rowStride, colStride, r);
        return r;
    }

    /**
     * Euclidean distances between the rows of |C| (each parameter's correlation profile, as scipy
     * {@code pdist} on the rows), as a full row-major K×K matrix with row stride {@code stride} in an array of
     * {@code stride²} doubles (the layout {@link CompleteLinkage#fitStrided} works in, stride
     * {@link CompleteLinkage#workStride}), computed as {@code sqrt(max(0, |c_i|² + |c_j|² − 2 c_i·c_j))} with the
     * Gram products in float64 GEMM blocks (O(K³) flops).
     */
    public double[] squareDistances(int stride) {
        if (stride < k) {
            throw new IllegalArgumentException("row stride " + stride + " is shorter than the " + k + " rows");
        }
        // squared row norms read straight from the buffer (one ND4J reduction per row cost ~10 ms each)
        double[] sq = new double[k];
        for (int i = 0; i < k; i++) {
            double[] row = row(i);
            double s = 0;
            for (double v : row) {
                s += v * v;
            }
            sq[i] = s;
        }
        double[] out = new double[Math.multiplyExact(stride, stride)];
        int block = Math.max(1, Math.min(k, (8 << 20) / Math.max(k, 1)));
        for (int r0 = 0; r0 < k; r0 += block) {
            int r1 = Math.min(k, r0 + block);
            INDArray rows = absCorr.get(NDArrayIndex.interval(r0, r1), NDArrayIndex.all());
            INDArray later = absCorr.get(NDArrayIndex.interval(r0, k), NDArrayIndex.all());
            INDArray g = Nd4j.gemm(rows, later, false, true);
            double[] gv = new double[(r1 - r0) * (k - r0)];
            g.data().asNioDouble().get(gv);
            g.close();
            int width = k - r0;
            for (int i = r0; i < r1; i++) {
                int gRow = (i - r0) * width - r0;
                for (int j = i + 1; j < k; j++) {
                    double d2 = sq[i] + sq[j] - 2 * gv[gRow + j];
                    double d = d2 > 0 ? Math.sqrt(d2) : 0.0;
                    out[i * stride + j] = d;
                    out[j * stride + i] = d;
                }
            }
        }
        return out;
    }

    /**
     * Mean |corr| of each member to its cluster (self included) — the reference criterion of
     * {@code find_ref_w_per_mode}; {@code members} are sample positions.
     */
    public double[] meanWithin(int[] members) {
        double[] acc = new double[members.length];
        double[] line = new double[k];
        if (colStride == 1 || rowStride != 1) {
            // row by row: acc[j] += |C|[i][members[j]] for i in member order
            for (int i : members) {
                line(offset + i * rowStride, colStride, line);
                for (int j = 0; j < members.length; j++) {
                    acc[j] += line[members[j]];
                }
            }
        } else {
            // column-major |C|: column by column, the same additions in the same order
            for (int j = 0; j < members.length; j++) {
                line(offset + members[j] * colStride, rowStride, line);
                double s = 0;
                for (int i : members) {
                    s += line[i];
                }
                acc[j] = s;
            }
        }
        for (int j = 0; j < acc.length; j++) {
            acc[j] /= members.length;
        }
        return acc;
    }

    @Override
    public void close() {
        absCorr.close();
    }
}
