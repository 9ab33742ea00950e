package org.trainingdynamics.train;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Moves parameter and gradient values between ND4J arrays and Java arrays with one bulk copy from or to the
 * off-heap buffer (ND4J's {@code asFloat()}/{@code asDouble()} copy element by element: ~0.2 ms per 50 000 floats
 * against ~0.02 ms). Views and non-row-major arrays are copied to a row-major array first.
 */
final class NdBuffers {
    private NdBuffers() {
    }

    private static INDArray rowMajor(INDArray a) {
        return a.isView() || a.ordering() != 'c' ? a.dup('c') : a;
    }

    /** The values in row-major order as floats (float64 arrays are rounded). */
    static float[] floats(INDArray a) {
        INDArray c = rowMajor(a);
        if (c.dataType() != DataType.FLOAT) {
            return c.data().asFloat();
        }
        float[] f = new float[(int) c.length()];
        c.data().asNioFloat().get(0, f);
        return f;
    }

    /** The values in row-major order as doubles. */
    static double[] doubles(INDArray a) {
        INDArray c = rowMajor(a);
        int n = (int) c.length();
        double[] d = new double[n];
        if (c.dataType() == DataType.FLOAT) {
            float[] f = new float[n];
            c.data().asNioFloat().get(0, f);
            for (int i = 0; i < n; i++) {
                d[i] = f[i];
            }
        } else if (c.dataType() == DataType.DOUBLE) {
            c.data().asNioDouble().get(0, d);
        } else {
            return c.data().asDouble();
        }
        return d;
    }

    /**
     * Writes {@code v[off, off + a.length())} into {@code a} in row-major order, rounded to float32 in Java where
     * {@code a} is float32.
     */
    static void store(INDArray a, double[] v, int off) {
        int n = (int) a.length();
        boolean direct = !a.isView() && a.ordering() == 'c';
        if (a.dataType() == DataType.FLOAT) {
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                f[i] = (float) v[off + i];
            }
            if (direct) {
                a.data().asNioFloat().put(0, f);
            } else {
                a.assign(org.nd4j.linalg.factory.Nd4j.create(f, a.shape(), 'c'));
            }
        } else if (direct && a.dataType() == DataType.DOUBLE) {
            a.data().asNioDouble().put(0, v, off, n);
        } else {
            a.assign(org.nd4j.linalg.factory.Nd4j.create(java.util.Arrays.copyOfRange(v, off, off + n), a.shape(), 'c')
                    .castTo(a.dataType()));
        }
    }

    /**
     * Reusable Java staging arrays for one parameter, for code that reads and writes the same arrays every step (the
     * optimisers): the same values as {@link #doubles} and {@link #store} without allocating per call. Arrays that
     * are not contiguous row-major float32 go through {@link #doubles} and {@link #store}.
     */
    static final class Staging {
        private float[] f;
        private double[] d;

        private static boolean direct(INDArray a) {
            return a.dataType() == DataType.FLOAT && !a.isView() && a.ordering() == 'c';
        }

        /** The values of {@code a} in row-major order as doubles, in an array owned by this staging (valid until the next read). */
        double[] read(INDArray a) {
            if (!direct(a)) {
                return doubles(a);
            }
            int n = (int) a.length();
            if (f == null || f.length != n) {
                f = new float[n];
                d = new double[n];
            }
            a.data().asNioFloat().get(0, f);
            for (int i = 0; i < n; i++) {
                d[i] = f[i];
            }
            return d;
        }

        /** Writes {@code v} (a.length() values) into {@code a}, rounded to float32 in Java where {@code a} is float32. */
        void write(INDArray a, double[] v) {
            if (!direct(a)) {
                store(a, v, 0);
                return;
            }
            int n = (int) a.length();
            if (f == null || f.length != n) {
                f = new float[n];
            }
            for (int i = 0; i < n; i++) {
                f[i] = (float) v[i];
            }
            a.data().asNioFloat().put(0, f);
        }
    }
}
