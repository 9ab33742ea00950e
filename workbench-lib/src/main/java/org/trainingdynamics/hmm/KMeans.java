package org.trainingdynamics.hmm;

import java.util.SplittableRandom;

/**
 * Seeded k-means for the HMM's initial means, as scikit-learn's {@code KMeans(n_init=10)} that hmmlearn calls:
 * greedy k-means++ seeding ({@code 2 + ln K} candidates per centre, Arthur & Vassilvitskii 2007), Lloyd
 * iterations until the centre shift falls below {@code 1e-4} times the mean feature variance (at most 300), and
 * the lowest-inertia result of {@code nInit} runs.
 */
final class KMeans {
    private KMeans() {
    }

    /** Cluster centres [K][d] of the rows of {@code x} (row-major n*d). */
    static double[][] fit(double[] x, int n, int d, int k, int nInit, SplittableRandom rng) {
        if (k > n) {
            throw new IllegalArgumentException(k + " states but only " + n + " frames");
        }
        double tol = 1e-4 * meanVariance(x, n, d);
        double[][] best = null;
        double bestInertia = Double.POSITIVE_INFINITY;
        for (int r = 0; r < nInit; r++) {
            double[][] c = seed(x, n, d, k, rng);
            double inertia = lloyd(x, n, d, c, tol);
            if (inertia < bestInertia) {
                bestInertia = inertia;
                best = c;
            }
        }
        return best;
    }

    private static double meanVariance(double[] x, int n, int d) {
        double total = 0;
        for (int j = 0; j < d; j++) {
            double m = 0;
            for (int i = 0; i < n; i++) {
                m += x[i * d + j];
            }
            m /= n;
            double v = 0;
            for (int i = 0; i < n; i++) {
                double z = x[i * d + j] - m;
                v += z * z;
            }
            total += v / n;
        }
        return total / d;
    }

    private static double dist2(double[] x, int i, double[] c, int d) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            double z = x[i * d + j] - c[j];
            s += z * z;
        }
        return s;
    }

    private static double[][] seed(double[] x, int n, int d, int k, SplittableRandom rng) {
        double[][] c = new double[k][d];
        int trials = 2 + (int) Math.log(k);
        int first = rng.nextInt(n);
        System.arraycopy(x, first * d, c[0], 0, d);
        double[] closest = new double[n];
        double pot = 0;
        for (int i = 0; i < n; i++) {
            closest[i] = dist2(x, i, c[0], d);
            pot += closest[i];
        }
        double[] cand = new double[n];
        double[] bestD = new double[n];
        for (int m = 1; m < k; m++) {
            int bestIdx = -1;
            double bestPot = Double.POSITIVE_INFINITY;
            for (int tr = 0; tr < trials; tr++) {
                int idx;
                if (pot <= 0) {
                    idx = rng.nextInt(n);
                } else {
                    double u = rng.nextDouble() * pot;
                    double acc = 0;
                    idx = n - 1;
                    for (int i = 0; i < n; i++) {
                        acc += closest[i];
                        if (acc > u) {
                            idx = i;
                            break;
                        }
                    }
                }
                double p = 0;
                for (int i = 0; i < n; i++) {
                    double dd = 0;
                    for (int j = 0; j < d; j++) {
                        double z = x[i * d + j] - x[idx * d + j];
                        dd += z * z;
                    }
                    cand[i] = Math.min(closest[i], dd);
                    p += cand[i];
                }
                if (p < bestPot) {
                    bestPot = p;
                    bestIdx = idx;
                    System.arraycopy(cand, 0, bestD, 0, n);
                }
            }
            System.arraycopy(x, bestIdx * d, c[m], 0, d);
            System.arraycopy(bestD, 0, closest, 0, n);
            pot = bestPot;
        }
        return c;
    }

    private static double lloyd(double[] x, int n, int d, double[][] c, double tol) {
        int k = c.length;
        int[] label = new int[n];
        double inertia = 0;
        for (int it = 0; it < 300; it++) {
            inertia = assign(x, n, d, c, label);
            double[][] sum = new double[k][d];
            int[] cnt = new int[k];
            for (int i = 0; i < n; i++) {
                cnt[label[i]]++;
                for (int j = 0; j < d; j++) {
                    sum[label[i]][j] += x[i * d + j];
                }
            }
            double shift = 0;
            for (int m = 0; m < k; m++) {
                if (cnt[m] == 0) {
                    continue; // an empty cluster keeps its centre
                }
                for (int j = 0; j < d; j++) {
                    double v = sum[m][j] / cnt[m];
                    shift += (v - c[m][j]) * (v - c[m][j]);
                    c[m][j] = v;
                }
            }
            if (shift <= tol) {
                break;
            }
        }
        return assign(x, n, d, c, label);
    }

    private static double assign(double[] x, int n, int d, double[][] c, int[] label) {
        double inertia = 0;
        for (int i = 0; i < n; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int m = 0; m < c.length; m++) {
                double v = dist2(x, i, c[m], d);
                if (v < best) {
                    best = v;
                    label[i] = m;
                }
            }
            inertia += best;
        }
        return inertia;
    }
}
