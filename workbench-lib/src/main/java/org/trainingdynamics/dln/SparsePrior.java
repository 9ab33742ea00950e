package org.trainingdynamics.dln;

import java.util.Arrays;
import java.util.Random;

/**
 * Teacher prior P* of dmft.md §1: β*_i = 0 with probability 1 − ρ, otherwise drawn from a non-zero law, either
 * a finite set of atoms with weights (Bernoulli(ρ)×Rademacher, or the ±1/±2/±4 groups of the incremental-learning
 * experiment of dmft.md §4) or a standard Gaussian (Bernoulli(ρ)×N(0,1)).
 *
 * <p>{@link #sampleFixedCount} draws exactly round(ρ·m) non-zeros with atom counts fixed by largest remainder, then
 * shuffles: the "fixed-count teacher" / stratified sampling that dmft.md §3 step 3 and §5 recommend against the
 * large seed-to-seed fluctuations of sparse teachers.
 *
 * @param rho     fraction of non-zero entries, in (0, 1]
 * @param atoms   non-zero values (empty for the Gaussian law)
 * @param weights relative weights of the atoms (same length, positive; normalised on construction)
 */
public record SparsePrior(double rho, double[] atoms, double[] weights) {

    /** Validates and normalises. */
    public SparsePrior {
        if (!(rho > 0 && rho <= 1)) {
            throw new IllegalArgumentException("prior: rho must be in (0, 1], got " + rho);
        }
        atoms = atoms.clone();
        weights = weights.clone();
        if (atoms.length != weights.length) {
            throw new IllegalArgumentException("prior: " + atoms.length + " atoms but " + weights.length + " weights");
        }
        double s = 0;
        for (int i = 0; i < atoms.length; i++) {
            if (!Double.isFinite(atoms[i]) || atoms[i] == 0) {
                throw new IllegalArgumentException("prior: atom " + i + " must be finite and non-zero, got " + atoms[i]);
            }
            if (!(weights[i] > 0) || !Double.isFinite(weights[i])) {
                throw new IllegalArgumentException("prior: weight " + i + " must be positive, got " + weights[i]);
            }
            s += weights[i];
        }
        for (int i = 0; i < weights.length; i++) {
            weights[i] /= s;
        }
    }

    /** Bernoulli(ρ)×Rademacher: non-zeros are ±1 with equal probability (the notes' default, Eβ*² = ρ). */
    public static SparsePrior bernoulliRademacher(double rho) {
        return new SparsePrior(rho, new double[] {1, -1}, new double[] {1, 1});
    }

    /** Bernoulli(ρ)×N(0,1). */
    public static SparsePrior bernoulliGaussian(double rho) {
        return new SparsePrior(rho, new double[0], new double[0]);
    }

    /** Non-zeros uniformly over ±v for each v in {@code magnitudes} (e.g. {1, 2, 4} for incremental learning). */
    public static SparsePrior symmetricAtoms(double rho, double... magnitudes) {
        double[] a = new double[2 * magnitudes.length];
        double[] w = new double[a.length];
        for (int i = 0; i < magnitudes.length; i++) {
            a[2 * i] = Math.abs(magnitudes[i]);
            a[2 * i + 1] = -Math.abs(magnitudes[i]);
            w[2 * i] = 1;
            w[2 * i + 1] = 1;
        }
        return new SparsePrior(rho, a, w);
    }

    /**
     * Parses a prior specification with non-zero fraction {@code rho}: {@code rademacher} (±1), {@code gaussian}
     * (N(0,1)) or {@code atoms:m1,m2,…} (uniform over ±m_j); unknown forms raise {@link IllegalArgumentException}.
     */
    public static SparsePrior parse(String spec, double rho) {
        String p = spec.trim().toLowerCase(java.util.Locale.ROOT);
        if (p.equals("rademacher")) {
            return bernoulliRademacher(rho);
        }
        if (p.equals("gaussian")) {
            return bernoulliGaussian(rho);
        }
        if (p.startsWith("atoms:")) {
            String[] parts = p.substring(6).split(",");
            double[] mags = new double[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    mags[i] = Double.parseDouble(parts[i].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("prior: '" + parts[i] + "' is not a number");
                }
            }
            return symmetricAtoms(rho, mags);
        }
        throw new IllegalArgumentException("prior: unknown prior '" + spec + "' (rademacher, gaussian, atoms:1,2,4)");
    }

    /** Whether non-zeros are Gaussian rather than atoms. */
    public boolean gaussian() {
        return atoms.length == 0;
    }

    /** E[β*²]. */
    public double secondMoment() {
        if (gaussian()) {
            return rho;
        }
        double m = 0;
        for (int i = 0; i < atoms.length; i++) {
            m += weights[i] * atoms[i] * atoms[i];
        }
        return rho * m;
    }

    /** Exactly round(ρ·m) non-zeros (atom counts by largest remainder), positions shuffled with {@code rng}. */
    public double[] sampleFixedCount(int m, Random rng) {
        if (m <= 0) {
            throw new IllegalArgumentException("prior: sample size must be positive, got " + m);
        }
        double[] out = new double[m];
        int nz = (int) Math.round(rho * m);
        if (gaussian()) {
            for (int i = 0; i < nz; i++) {
                out[i] = rng.nextGaussian();
            }
        } else {
            int[] counts = new int[atoms.length];
            double[] rem = new double[atoms.length];
            int used = 0;
            for (int j = 0; j < atoms.length; j++) {
                double exact = weights[j] * nz;
                counts[j] = (int) Math.floor(exact);
                rem[j] = exact - counts[j];
                used += counts[j];
            }
            while (used < nz) {
                int best = 0;
                for (int j = 1; j < atoms.length; j++) {
                    if (rem[j] > rem[best]) {
                        best = j;
                    }
                }
                counts[best]++;
                rem[best] = -1;
                used++;
            }
            int p = 0;
            for (int j = 0; j < atoms.length; j++) {
                for (int c = 0; c < counts[j]; c++) {
                    out[p++] = atoms[j];
                }
            }
        }
        for (int i = m - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            double t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparsePrior p && p.rho == rho && Arrays.equals(p.atoms, atoms)
                && Arrays.equals(p.weights, weights);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(rho) * 31 + Arrays.hashCode(atoms) * 17 + Arrays.hashCode(weights);
    }

    @Override
    public String toString() {
        return gaussian() ? "Bernoulli(" + rho + ")xN(0,1)"
                : "Bernoulli(" + rho + ")x" + Arrays.toString(atoms);
    }
}
