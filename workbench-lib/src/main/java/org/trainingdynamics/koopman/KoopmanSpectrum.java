package org.trainingdynamics.koopman;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

/**
 * A set of (discrete-time) Koopman eigenvalues λ_j ∈ ℂ, the object Redman et al. compare between training
 * dynamics (§3, "Koopman spectra"). Order carries no meaning (compare with {@link SpectralDistance}); the
 * factory methods sort by modulus, descending, for display.
 *
 * @param re real parts
 * @param im imaginary parts
 */
public record KoopmanSpectrum(double[] re, double[] im) {

    public KoopmanSpectrum {
        if (re.length != im.length) {
            throw new IllegalArgumentException("real and imaginary parts differ in length: " + re.length + " vs " + im.length);
        }
        if (re.length == 0) {
            throw new IllegalArgumentException("empty spectrum");
        }
        for (int i = 0; i < re.length; i++) {
            if (!Double.isFinite(re[i]) || !Double.isFinite(im[i])) {
                throw new IllegalArgumentException("eigenvalue " + i + " is not finite: " + re[i] + " + " + im[i] + "i");
            }
        }
        re = re.clone();
        im = im.clone();
    }

    /** A spectrum from parallel arrays, sorted by modulus descending (then by imaginary part descending). */
    public static KoopmanSpectrum sorted(double[] re, double[] im) {
        Integer[] idx = order(re, im);
        double[] r = new double[re.length];
        double[] i = new double[re.length];
        for (int k = 0; k < idx.length; k++) {
            r[k] = re[idx[k]];
            i[k] = im[idx[k]];
        }
        return new KoopmanSpectrum(r, i);
    }

    /** Sort order used for display: modulus descending, then imaginary part descending. */
    static Integer[] order(double[] re, double[] im) {
        Integer[] idx = new Integer[re.length];
        for (int k = 0; k < idx.length; k++) {
            idx[k] = k;
        }
        Arrays.sort(idx, Comparator.<Integer>comparingDouble(k -> -Math.hypot(re[k], im[k]))
                .thenComparingDouble(k -> -im[k]));
        return idx;
    }

    /** A spectrum from an {@code [k, 2]} float64 array (real, imaginary), the CLI's {@code eigenvalues.npy}. */
    public static KoopmanSpectrum fromPairs(double[][] kBy2) {
        double[] r = new double[kBy2.length];
        double[] i = new double[kBy2.length];
        for (int k = 0; k < kBy2.length; k++) {
            if (kBy2[k].length != 2) {
                throw new IllegalArgumentException("eigenvalue row " + k + " has " + kBy2[k].length + " entries, expected 2 (re, im)");
            }
            r[k] = kBy2[k][0];
            i[k] = kBy2[k][1];
        }
        return sorted(r, i);
    }

    /**
     * Reads spectra from a {@code .npy} file: complex128 ({@code <c16}) {@code [k]} or {@code [runs, k]} (as the
     * paper's {@code Results/*.npy}), or float64 {@code [k, 2]} (re, im) as written by the {@code dmd} command.
     * Returns one spectrum per run.
     */
    public static List<KoopmanSpectrum> read(Path file) {
        byte[] all;
        try {
            all = java.nio.file.Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (all.length < 10 || all[0] != (byte) 0x93 || all[1] != 'N') {
            throw new IllegalArgumentException(file + ": not a .npy file");
        }
        int major = all[6];
        int hlen = major == 1 ? ((all[8] & 0xff) | (all[9] & 0xff) << 8)
                : ((all[8] & 0xff) | (all[9] & 0xff) << 8 | (all[10] & 0xff) << 16 | (all[11] & 0xff) << 24);
        int hstart = major == 1 ? 10 : 12;
        String header = new String(all, hstart, hlen, java.nio.charset.StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher d = java.util.regex.Pattern.compile("'descr':\\s*'([^']+)'").matcher(header);
        java.util.regex.Matcher sh = java.util.regex.Pattern.compile("'shape':\\s*\\(([^)]*)\\)").matcher(header);
        if (!d.find() || !sh.find() || header.contains("'fortran_order': True")) {
            throw new IllegalArgumentException(file + ": unsupported .npy header " + header.trim());
        }
        String descr = d.group(1);
        long[] shape = Arrays.stream(sh.group(1).split(",")).map(String::trim).filter(x -> !x.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(all, hstart + hlen, all.length - hstart - hlen)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        List<KoopmanSpectrum> out = new ArrayList<>();
        if (descr.equals("<c16") && (shape.length == 1 || shape.length == 2)) {
            int runs = shape.length == 1 ? 1 : (int) shape[0];
            int k = (int) shape[shape.length - 1];
            for (int r = 0; r < runs; r++) {
                double[] re = new double[k];
                double[] im = new double[k];
                for (int j = 0; j < k; j++) {
                    re[j] = buf.getDouble();
                    im[j] = buf.getDouble();
                }
                out.add(new KoopmanSpectrum(re, im));
            }
        } else if (descr.equals("<f8") && shape.length == 2 && shape[1] == 2) {
            double[] re = new double[(int) shape[0]];
            double[] im = new double[re.length];
            for (int j = 0; j < re.length; j++) {
                re[j] = buf.getDouble();
                im[j] = buf.getDouble();
            }
            out.add(new KoopmanSpectrum(re, im));
        } else {
            throw new IllegalArgumentException(file + ": expected complex128 [k] / [runs, k] or float64 [k, 2] "
                    + "eigenvalues, got " + descr + " " + Arrays.toString(shape));
        }
        return out;
    }

    /** Number of eigenvalues. */
    public int size() {
        return re.length;
    }

    /** |λ_j|. */
    public double[] modulus() {
        double[] m = new double[re.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = Math.hypot(re[i], im[i]);
        }
        return m;
    }

    /**
     * Continuous-time eigenvalues ω_j = log(λ_j)/Δt (principal logarithm: Re ω = growth rate per unit time,
     * Im ω ∈ (−π, π]/Δt = angular frequency). λ = 0 has no logarithm and is rejected.
     */
    public KoopmanSpectrum continuousTime(double dt) {
        if (!(dt > 0)) {
            throw new IllegalArgumentException("time step must be > 0, got " + dt);
        }
        double[] r = new double[re.length];
        double[] i = new double[re.length];
        for (int k = 0; k < r.length; k++) {
            double mod = Math.hypot(re[k], im[k]);
            if (mod == 0) {
                throw new IllegalArgumentException("eigenvalue " + k + " is 0; it has no continuous-time counterpart");
            }
            r[k] = Math.log(mod) / dt;
            i[k] = Math.atan2(im[k], re[k]) / dt;
        }
        return new KoopmanSpectrum(r, i);
    }

    /** {@code [k][2]} (re, im) rows, the layout of the CLI's {@code eigenvalues.npy}. */
    public double[][] toPairs() {
        double[][] out = new double[re.length][2];
        for (int k = 0; k < re.length; k++) {
            out[k][0] = re[k];
            out[k][1] = im[k];
        }
        return out;
    }

    /** A table with columns {@code re, im, modulus, angle}. */
    public Table toTable() {
        double[] ang = new double[re.length];
        for (int k = 0; k < ang.length; k++) {
            ang[k] = Math.atan2(im[k], re[k]);
        }
        return Table.create("koopman-spectrum", DoubleColumn.create("re", re), DoubleColumn.create("im", im),
                DoubleColumn.create("modulus", modulus()), DoubleColumn.create("angle", ang));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("KoopmanSpectrum[");
        for (int k = 0; k < re.length; k++) {
            sb.append(k == 0 ? "" : ", ").append(String.format("%.6g%+.6gi", re[k], im[k]));
        }
        return sb.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KoopmanSpectrum s && Arrays.equals(re, s.re) && Arrays.equals(im, s.im);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(re) + Arrays.hashCode(im);
    }
}
