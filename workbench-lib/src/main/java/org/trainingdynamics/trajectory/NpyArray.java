package org.trainingdynamics.trajectory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * An n-dimensional array read from (or destined for) a {@code .npy} file, in C (row-major) order, backed
 * either by heap memory or by memory-mapped file regions. Elements are read with conversion to
 * {@code double}, {@code float} or {@code long}; half and bfloat16 are widened exactly.
 *
 * <p>Mapped arrays larger than 2 GiB are split into 1 GiB regions; no element straddles two regions.
 */
public final class NpyArray {
    static final int REGION = 1 << 30;

    private final DType dtype;
    private final long[] shape;
    private final long size;
    private final List<ByteBuffer> regions;
    /** Typed views of the regions (absolute bulk gets need no per-call slicing); null for other dtypes. */
    private final List<java.nio.FloatBuffer> floatViews;
    private final List<java.nio.DoubleBuffer> doubleViews;

    NpyArray(DType dtype, long[] shape, List<ByteBuffer> regions) {
        this.dtype = dtype;
        this.shape = shape.clone();
        long n = 1;
        for (long s : shape) {
            n = Math.multiplyExact(n, s);
        }
        this.size = n;
        this.regions = regions.stream().map(b -> b.duplicate().order(ByteOrder.LITTLE_ENDIAN)).toList();
        this.floatViews = dtype == DType.FLOAT32 ? this.regions.stream().map(b -> b.asFloatBuffer()).toList() : null;
        this.doubleViews = dtype == DType.FLOAT64 ? this.regions.stream().map(b -> b.asDoubleBuffer()).toList() : null;
    }

    /**
     * Wraps little-endian C-order element bytes (heap, direct or memory-mapped) without copying. Used by the
     * importers to expose tensors of foreign files (safetensors, PyTorch storages) through one type.
     *
     * @throws IllegalArgumentException when the buffer does not hold exactly the elements of the shape
     */
    public static NpyArray wrap(DType dtype, long[] shape, ByteBuffer data) {
        long n = 1;
        for (long s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, s);
        }
        if (Math.multiplyExact(n, dtype.size()) != data.remaining()) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + dtype.manifestName() + " needs "
                    + n * dtype.size() + " bytes, buffer has " + data.remaining());
        }
        return new NpyArray(dtype, shape, List.of(data.slice()));
    }

    /** Wraps a float64 array of the given shape (C order). */
    public static NpyArray of(double[] data, long... shape) {
        checkLength(data.length, shape);
        ByteBuffer b = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(data);
        return new NpyArray(DType.FLOAT64, shape, List.of(b));
    }

    /** Wraps a float32 array of the given shape (C order). */
    public static NpyArray of(float[] data, long... shape) {
        checkLength(data.length, shape);
        ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        return new NpyArray(DType.FLOAT32, shape, List.of(b));
    }

    /** Wraps an int64 array of the given shape (C order). */
    public static NpyArray of(long[] data, long... shape) {
        checkLength(data.length, shape);
        ByteBuffer b = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(data);
        return new NpyArray(DType.INT64, shape, List.of(b));
    }

    /** Wraps an int32 array of the given shape (C order). */
    public static NpyArray of(int[] data, long... shape) {
        checkLength(data.length, shape);
        ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(data);
        return new NpyArray(DType.INT32, shape, List.of(b));
    }

    private static void checkLength(int length, long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        if (n != length) {
            throw new IllegalArgumentException("data has " + length + " elements but shape " + Arrays.toString(shape)
                    + " needs " + n);
        }
    }

    /** Element type as stored. */
    public DType dtype() {
        return dtype;
    }

    /** Shape (copy). */
    public long[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Total number of elements. */
    public long size() {
        return size;
    }

    /** Element at a flat (C-order) index, converted to double. */
    public double getDouble(long index) {
        checkRange(index, 1);
        long byteOff = index * dtype.size();
        ByteBuffer r = regions.get((int) (byteOff / REGION));
        int p = (int) (byteOff % REGION);
        return switch (dtype) {
            case FLOAT64 -> r.getDouble(p);
            case FLOAT32 -> r.getFloat(p);
            case FLOAT16 -> Halfs.halfToFloat(r.getShort(p));
            case BFLOAT16 -> Halfs.bf16ToFloat(r.getShort(p));
            case INT64 -> r.getLong(p);
            case INT32 -> r.getInt(p);
            case INT16 -> r.getShort(p);
            case INT8 -> r.get(p);
            case UINT8 -> r.get(p) & 0xff;
            case BOOL -> r.get(p) != 0 ? 1 : 0;
        };
    }

    /** Element at a multi-dimensional index, converted to double. */
    public double getDouble(long... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index has " + index.length + " dims, array has " + shape.length);
        }
        long flat = 0;
        for (int i = 0; i < shape.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " outside " + Arrays.toString(shape));
            }
            flat = flat * shape[i] + index[i];
        }
        return getDouble(flat);
    }

    /** Copies {@code len} elements starting at flat index {@code start} into {@code dst}, as doubles. */
    public void getDoubles(long start, double[] dst, int off, int len) {
        checkRange(start, len);
        if (dtype == DType.FLOAT64) {
            int perRegion = REGION / 8;
            int done = 0;
            while (done < len) {
                long e = start + done;
                int ri = (int) (e / perRegion);
                int p = (int) (e % perRegion);
                java.nio.DoubleBuffer v = doubleViews.get(ri);
                int n = Math.min(len - done, v.capacity() - p);
                v.get(p, dst, off + done, n);
                done += n;
            }
        } else if (dtype == DType.FLOAT32) {
            float[] tmp = new float[Math.min(len, 1 << 16)];
            for (int done = 0; done < len; ) {
                int n = Math.min(tmp.length, len - done);
                getFloats(start + done, tmp, 0, n);
                for (int i = 0; i < n; i++) {
                    dst[off + done + i] = tmp[i];
                }
                done += n;
            }
        } else {
            for (int i = 0; i < len; i++) {
                dst[off + i] = getDouble(start + i);
            }
        }
    }

    /** Copies {@code len} elements starting at flat index {@code start} into {@code dst}, as floats. */
    public void getFloats(long start, float[] dst, int off, int len) {
        checkRange(start, len);
        if (dtype == DType.FLOAT32) {
            int perRegion = REGION / 4;
            int done = 0;
            while (done < len) {
                long e = start + done;
                int ri = (int) (e / perRegion);
                int p = (int) (e % perRegion);
                java.nio.FloatBuffer v = floatViews.get(ri);
                int n = Math.min(len - done, v.capacity() - p);
                v.get(p, dst, off + done, n);
                done += n;
            }
        } else {
            for (int i = 0; i < len; i++) {
                dst[off + i] = (float) getDouble(start + i);
            }
        }
    }

    /** All elements as doubles (C order). */
    public double[] toDoubleArray() {
        double[] d = new double[Math.toIntExact(size)];
        getDoubles(0, d, 0, d.length);
        return d;
    }

    /** All elements as floats (C order). */
    public float[] toFloatArray() {
        float[] d = new float[Math.toIntExact(size)];
        getFloats(0, d, 0, d.length);
        return d;
    }

    /** All elements as longs (C order); floating values must be integral. */
    public long[] toLongArray() {
        long[] d = new long[Math.toIntExact(size)];
        for (int i = 0; i < d.length; i++) {
            if (dtype.isFloating()) {
                double v = getDouble(i);
                if (v != Math.rint(v)) {
                    throw new IllegalStateException("element " + i + " = " + v + " is not an integer");
                }
                d[i] = (long) v;
            } else {
                d[i] = dtype == DType.INT64 ? regionLong(i) : (long) getDouble(i);
            }
        }
        return d;
    }

    /** All elements as ints (C order); values must fit. */
    public int[] toIntArray() {
        long[] l = toLongArray();
        int[] d = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            d[i] = Math.toIntExact(l[i]);
        }
        return d;
    }

    /** A 2-D array as {@code double[rows][cols]}. */
    public double[][] toDoubleMatrix() {
        if (shape.length != 2) {
            throw new IllegalStateException("expected a 2-D array, shape is " + Arrays.toString(shape));
        }
        int rows = Math.toIntExact(shape[0]);
        int cols = Math.toIntExact(shape[1]);
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            getDoubles((long) i * cols, m[i], 0, cols);
        }
        return m;
    }

    /** Raw little-endian bytes of elements [start, start+len) written to {@code dst}. */
    void copyBytes(long start, long len, ByteBuffer dst) {
        checkRange(start, len);
        long byteStart = start * dtype.size();
        long remaining = len * dtype.size();
        while (remaining > 0) {
            ByteBuffer r = regions.get((int) (byteStart / REGION));
            int p = (int) (byteStart % REGION);
            int n = (int) Math.min(remaining, r.capacity() - p);
            dst.put(r.slice(p, n));
            byteStart += n;
            remaining -= n;
        }
    }

    /**
     * The raw little-endian bytes of all elements as one buffer (a view, no copy) when they lie in a single
     * region, else null.
     */
    ByteBuffer contiguousBytes() {
        if (regions.size() != 1) {
            return null;
        }
        ByteBuffer r = regions.get(0);
        return r.slice(0, Math.toIntExact(size * dtype.size())).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Count of NaN and infinite elements (0 for integer types). */
    public long countNonFinite() {
        if (!dtype.isFloating()) {
            return 0;
        }
        long bad = 0;
        if (dtype == DType.FLOAT32) {
            int[] tmp = new int[(int) Math.min(size, 1 << 14)];
            for (long s = 0; s < size; s += tmp.length) {
                int n = (int) Math.min(tmp.length, size - s);
                long st = s;
                forEachSpan(st, n, (buf, pos, from, k) -> buf.slice(pos, k * 4).order(ByteOrder.LITTLE_ENDIAN)
                        .asIntBuffer().get(tmp, from, k));
                for (int i = 0; i < n; i++) {
                    bad += (tmp[i] & 0x7f800000) == 0x7f800000 ? 1 : 0;
                }
            }
            return bad;
        }
        for (long i = 0; i < size; i++) {
            bad += Double.isFinite(getDouble(i)) ? 0 : 1;
        }
        return bad;
    }

    private long regionLong(long index) {
        long byteOff = index * 8;
        return regions.get((int) (byteOff / REGION)).getLong((int) (byteOff % REGION));
    }

    private interface Span {
        void accept(ByteBuffer region, int pos, int from, int n);
    }

    private void forEachSpan(long start, int len, Span span) {
        int es = dtype.size();
        int done = 0;
        while (done < len) {
            long byteOff = (start + done) * es;
            ByteBuffer r = regions.get((int) (byteOff / REGION));
            int p = (int) (byteOff % REGION);
            int n = Math.min(len - done, (r.capacity() - p) / es);
            span.accept(r, p, done, n);
            done += n;
        }
    }

    private void checkRange(long start, long len) {
        if (start < 0 || len < 0 || start + len > size) {
            throw new IndexOutOfBoundsException("elements [" + start + ", " + (start + len) + ") outside array of "
                    + size + " (shape " + Arrays.toString(shape) + ")");
        }
    }

    @Override
    public String toString() {
        return "NpyArray[" + dtype.manifestName() + " " + Arrays.toString(shape) + "]";
    }
}
