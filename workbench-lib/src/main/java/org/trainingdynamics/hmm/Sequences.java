package org.trainingdynamics.hmm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.trainingdynamics.trajectory.Npy;
import org.trainingdynamics.trajectory.NpyArray;

/**
 * Several observation sequences of {@code d} features, concatenated frame by frame as in hmmlearn's
 * {@code (X, lengths)} convention. Immutable and validated on construction: every value finite, every sequence
 * at least 2 frames long (a training run with one checkpoint has no dynamics), lengths summing to the frame count.
 */
public final class Sequences {
    private final double[] data;
    private final int frames;
    private final int features;
    private final int[] lengths;
    private final int[] offsets;

    private Sequences(double[] data, int frames, int features, int[] lengths) {
        this.data = data;
        this.frames = frames;
        this.features = features;
        this.lengths = lengths;
        this.offsets = new int[lengths.length + 1];
        for (int i = 0; i < lengths.length; i++) {
            offsets[i + 1] = offsets[i] + lengths[i];
        }
    }

    /**
     * Frames {@code x[n][d]} split into sequences of the given lengths ({@code null}: one sequence). Copies.
     */
    public static Sequences of(double[][] x, int[] lengths) {
        if (x == null || x.length == 0) {
            throw new IllegalArgumentException("no frames: the data matrix is empty");
        }
        int d = x[0].length;
        if (d == 0) {
            throw new IllegalArgumentException("frames have no features");
        }
        double[] flat = new double[x.length * d];
        for (int t = 0; t < x.length; t++) {
            if (x[t].length != d) {
                throw new IllegalArgumentException("frame " + t + " has " + x[t].length + " features, frame 0 has " + d);
            }
            System.arraycopy(x[t], 0, flat, t * d, d);
        }
        return ofFlat(flat, x.length, d, lengths == null ? new int[]{x.length} : lengths.clone());
    }

    /** One sequence per run, each {@code [T_r][d]}. */
    public static Sequences ofRuns(List<double[][]> runs) {
        if (runs == null || runs.isEmpty()) {
            throw new IllegalArgumentException("no sequences given");
        }
        List<double[]> rows = new ArrayList<>();
        int[] lengths = new int[runs.size()];
        for (int r = 0; r < runs.size(); r++) {
            lengths[r] = runs.get(r).length;
            rows.addAll(Arrays.asList(runs.get(r)));
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("all sequences are empty");
        }
        return of(rows.toArray(new double[0][]), lengths);
    }

    /** Reads {@code X.npy} ([n, d] float) and optionally {@code lengths.npy} (integers); {@code null}: one sequence. */
    public static Sequences fromNpy(Path x, Path lengths) {
        NpyArray a = Npy.read(x);
        if (a.rank() != 2) {
            throw new IllegalArgumentException(x + ": expected a 2-D array [frames, features], got shape "
                    + Arrays.toString(a.shape()));
        }
        int n = Math.toIntExact(a.shape()[0]);
        int d = Math.toIntExact(a.shape()[1]);
        if (n == 0 || d == 0) {
            throw new IllegalArgumentException(x + ": empty array of shape " + Arrays.toString(a.shape()));
        }
        int[] len;
        if (lengths == null) {
            len = new int[]{n};
        } else {
            long[] l = Npy.read(lengths).toLongArray();
            len = new int[l.length];
            for (int i = 0; i < l.length; i++) {
                if (l[i] < 0 || l[i] > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException(lengths + ": length " + i + " is " + l[i]);
                }
                len[i] = (int) l[i];
            }
        }
        try {
            return ofFlat(a.toDoubleArray(), n, d, len);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(x + ": " + e.getMessage(), e);
        }
    }

    static Sequences ofFlat(double[] flat, int n, int d, int[] lengths) {
        if (lengths.length == 0) {
            throw new IllegalArgumentException("lengths is empty");
        }
        long sum = 0;
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] < 2) {
                throw new IllegalArgumentException("sequence " + i + " has " + lengths[i]
                        + " frame(s); every sequence needs at least 2");
            }
            sum += lengths[i];
        }
        if (sum != n) {
            throw new IllegalArgumentException("lengths sum to " + sum + " but there are " + n + " frames");
        }
        for (int i = 0; i < flat.length; i++) {
            if (!Double.isFinite(flat[i])) {
                int t = i / d;
                int seq = 0;
                for (int acc = lengths[0]; acc <= t; acc += lengths[++seq]) {
                    // find the sequence holding frame t
                }
                throw new IllegalArgumentException("non-finite value " + flat[i] + " at frame " + t + " (sequence "
                        + seq + "), feature " + (i % d));
            }
        }
        return new Sequences(flat, n, d, lengths);
    }

    /** Total number of frames {@code N} (hmmlearn's {@code len(X)}, used in the BIC). */
    public int frames() {
        return frames;
    }

    /** Number of features {@code d}. */
    public int features() {
        return features;
    }

    /** Number of sequences. */
    public int count() {
        return lengths.length;
    }

    /** Length of each sequence. */
    public int[] lengths() {
        return lengths.clone();
    }

    /** Length of sequence {@code s}. */
    public int length(int s) {
        return lengths[s];
    }

    /** Index of the first frame of sequence {@code s} in the concatenation. */
    public int offset(int s) {
        return offsets[s];
    }

    /** Value of feature {@code j} at global frame {@code t}. */
    public double get(int t, int j) {
        return data[t * features + j];
    }

    /** The frames of sequence {@code s} as {@code [T][d]} (a copy). */
    public double[][] sequence(int s) {
        double[][] out = new double[lengths[s]][features];
        for (int t = 0; t < lengths[s]; t++) {
            System.arraycopy(data, (offsets[s] + t) * features, out[t], 0, features);
        }
        return out;
    }

    /** All frames as {@code [N][d]} (a copy). */
    public double[][] toMatrix() {
        double[][] out = new double[frames][features];
        for (int t = 0; t < frames; t++) {
            System.arraycopy(data, t * features, out[t], 0, features);
        }
        return out;
    }

    /** The subset of sequences with the given indices, in that order. */
    public Sequences subset(int... idx) {
        List<double[][]> runs = new ArrayList<>();
        for (int i : idx) {
            runs.add(sequence(i));
        }
        return ofRuns(runs);
    }

    /** The backing row-major array (not copied; package-private for the kernels). */
    double[] raw() {
        return data;
    }
}
