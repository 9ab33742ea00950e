package org.trainingdynamics.hmm;

import java.util.Arrays;

/**
 * Parameters of a Gaussian HMM with {@code K} states and {@code d} features: start probabilities
 * {@code startprob[K]}, transition matrix {@code transmat[K][K]} (rows: from), emission means {@code means[K][d]}
 * and covariances {@code covars[K][d][d]} always in full per-state form (hmmlearn's {@code covars_} property;
 * diagonal for diag/spherical, identical for tied). Arrays are copied in and out.
 */
public record HmmParameters(double[] startprob, double[][] transmat, double[][] means, double[][][] covars) {

    /** Validates shapes, finiteness and that probabilities sum to one (hmmlearn's {@code np.allclose}). */
    public HmmParameters {
        if (startprob == null || transmat == null || means == null || covars == null) {
            throw new IllegalArgumentException("startprob, transmat, means and covars are all required");
        }
        int k = startprob.length;
        if (k == 0) {
            throw new IllegalArgumentException("startprob is empty");
        }
        if (transmat.length != k || means.length != k || covars.length != k) {
            throw new IllegalArgumentException("inconsistent number of states: startprob " + k + ", transmat "
                    + transmat.length + ", means " + means.length + ", covars " + covars.length);
        }
        int d = means[0].length;
        if (d == 0) {
            throw new IllegalArgumentException("means have no features");
        }
        startprob = startprob.clone();
        checkDistribution("startprob", startprob);
        double[][] tm = new double[k][];
        double[][] mu = new double[k][];
        double[][][] cv = new double[k][d][];
        for (int i = 0; i < k; i++) {
            if (transmat[i].length != k) {
                throw new IllegalArgumentException("transmat row " + i + " has " + transmat[i].length + " entries, expected " + k);
            }
            tm[i] = transmat[i].clone();
            checkDistribution("transmat row " + i, tm[i]);
            if (means[i].length != d) {
                throw new IllegalArgumentException("means row " + i + " has " + means[i].length + " features, expected " + d);
            }
            mu[i] = means[i].clone();
            if (covars[i].length != d) {
                throw new IllegalArgumentException("covars[" + i + "] is " + covars[i].length + " rows, expected " + d + "x" + d);
            }
            for (int a = 0; a < d; a++) {
                if (covars[i][a].length != d) {
                    throw new IllegalArgumentException("covars[" + i + "] row " + a + " has " + covars[i][a].length
                            + " entries, expected " + d);
                }
                cv[i][a] = covars[i][a].clone();
                for (int b = 0; b < d; b++) {
                    if (!Double.isFinite(cv[i][a][b])) {
                        throw new IllegalArgumentException("covars[" + i + "][" + a + "][" + b + "] is " + cv[i][a][b]);
                    }
                }
                if (!Double.isFinite(mu[i][a])) {
                    throw new IllegalArgumentException("means[" + i + "][" + a + "] is " + mu[i][a]);
                }
            }
        }
        transmat = tm;
        means = mu;
        covars = cv;
    }

    private static void checkDistribution(String what, double[] p) {
        double s = 0;
        for (double v : p) {
            if (!(v >= 0) || !Double.isFinite(v)) {
                throw new IllegalArgumentException(what + " has entry " + v + "; probabilities must be finite and >= 0");
            }
            s += v;
        }
        if (Math.abs(s - 1) > 1e-8 + 1e-5) {
            throw new IllegalArgumentException(what + " sums to " + s + ", must sum to 1");
        }
    }

    /** Number of states {@code K}. */
    public int states() {
        return startprob.length;
    }

    /** Number of features {@code d}. */
    public int features() {
        return means[0].length;
    }

    @Override
    public double[] startprob() {
        return startprob.clone();
    }

    @Override
    public double[][] transmat() {
        return deepCopy(transmat);
    }

    @Override
    public double[][] means() {
        return deepCopy(means);
    }

    @Override
    public double[][][] covars() {
        double[][][] out = new double[covars.length][][];
        for (int i = 0; i < covars.length; i++) {
            out[i] = deepCopy(covars[i]);
        }
        return out;
    }

    /** The same parameters with states relabelled: new state {@code i} is old state {@code perm[i]}. */
    public HmmParameters permute(int[] perm) {
        int k = states();
        if (perm.length != k) {
            throw new IllegalArgumentException("permutation has " + perm.length + " entries, expected " + k);
        }
        boolean[] seen = new boolean[k];
        for (int p : perm) {
            if (p < 0 || p >= k || seen[p]) {
                throw new IllegalArgumentException("not a permutation of 0.." + (k - 1) + ": " + Arrays.toString(perm));
            }
            seen[p] = true;
        }
        double[] s = new double[k];
        double[][] t = new double[k][k];
        double[][] m = new double[k][];
        double[][][] c = new double[k][][];
        for (int i = 0; i < k; i++) {
            s[i] = startprob[perm[i]];
            for (int j = 0; j < k; j++) {
                t[i][j] = transmat[perm[i]][perm[j]];
            }
            m[i] = means[perm[i]];
            c[i] = covars[perm[i]];
        }
        return new HmmParameters(s, t, m, c);
    }

    static double[][] deepCopy(double[][] a) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }

    // package-private direct access for the kernels (no copies)
    double[] rawStart() {
        return startprob;
    }

    double[][] rawTrans() {
        return transmat;
    }

    double[][] rawMeans() {
        return means;
    }

    double[][][] rawCovars() {
        return covars;
    }
}
