package org.trainingdynamics.koopman;

import java.util.Random;

/** Synthetic trajectories with planted linear dynamics z_{t+1} = P B P⁺ z_t embedded in N dimensions. */
final class Planted {
    private Planted() {
    }

    /**
     * Block-diagonal B from eigenvalues given as (re, im) with im ≥ 0 (im > 0 adds the conjugate pair), embedded
     * by a random N × r matrix P; the latent state starts at a random point; optional latent process noise.
     * Returns {@code [N][T]}.
     */
    static double[][] run(int n, double[][] eig, int t, long seed, double processNoise) {
        Random rnd = new Random(seed);
        int r = 0;
        for (double[] e : eig) {
            r += e[1] > 0 ? 2 : 1;
        }
        double[][] b = new double[r][r];
        int k = 0;
        for (double[] e : eig) {
            if (e[1] > 0) {
                b[k][k] = e[0];
                b[k][k + 1] = -e[1];
                b[k + 1][k] = e[1];
                b[k + 1][k + 1] = e[0];
                k += 2;
            } else {
                b[k][k] = e[0];
                k++;
            }
        }
        Random pr = new Random(12345);
        double[][] p = new double[n][r];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < r; j++) {
                p[i][j] = pr.nextGaussian();
            }
        }
        double[] x = new double[r];
        for (int j = 0; j < r; j++) {
            x[j] = 1 + rnd.nextGaussian();
        }
        double[][] z = new double[n][t];
        for (int s = 0; s < t; s++) {
            for (int i = 0; i < n; i++) {
                double v = 0;
                for (int j = 0; j < r; j++) {
                    v += p[i][j] * x[j];
                }
                z[i][s] = v;
            }
            double[] nx = new double[r];
            for (int a = 0; a < r; a++) {
                for (int c = 0; c < r; c++) {
                    nx[a] += b[a][c] * x[c];
                }
                nx[a] += processNoise * rnd.nextGaussian();
            }
            x = nx;
        }
        return z;
    }

    static KoopmanSpectrum spectrum(double[][] eig) {
        java.util.List<double[]> l = new java.util.ArrayList<>();
        for (double[] e : eig) {
            l.add(new double[]{e[0], e[1]});
            if (e[1] > 0) {
                l.add(new double[]{e[0], -e[1]});
            }
        }
        return KoopmanSpectrum.fromPairs(l.toArray(new double[0][]));
    }
}
