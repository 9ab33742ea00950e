package org.trainingdynamics.spectral;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.trainingdynamics.trajectory.InMemoryTrajectory;
import org.trainingdynamics.trajectory.Trajectory;

/**
 * A minimal, self-contained grokking run for the CPU-scale replication of research note §6: modular addition
 * (a + b mod p), input {@code emb(a) + emb(b)} (gather), ReLU hidden layer, linear output, no biases,
 * full-batch cross-entropy, AdamW (β = (0.9, 0.98), decoupled weight decay) with hand-derived gradients in
 * plain Java. Tensors: {@code embed.weight} (p × d), {@code fc1.weight} (h × d), {@code out.weight} (p × h).
 * Test scaffolding only; the project's trainers live in {@code org.trainingdynamics.train}.
 */
final class GrokkingMlp {
    final int p;
    final int d;
    final int h;
    final int[] ta;
    final int[] tb;
    final int[] va;
    final int[] vb;
    private final double[][] params;
    private final double[][] m;
    private final double[][] v;
    private int step;

    static final String[] NAMES = {"embed.weight", "fc1.weight", "out.weight"};

    GrokkingMlp(int p, int d, int h, double trainFraction, long seed) {
        this.p = p;
        this.d = d;
        this.h = h;
        Random r = new Random(seed);
        double[] e = new double[p * d];
        double[] w1 = new double[h * d];
        double[] w2 = new double[p * h];
        for (int i = 0; i < e.length; i++) {
            e[i] = r.nextGaussian(); // PyTorch Embedding init N(0, 1)
        }
        for (int i = 0; i < w1.length; i++) {
            w1[i] = (2 * r.nextDouble() - 1) / Math.sqrt(d); // PyTorch Linear init U(±1/√fan_in)
        }
        for (int i = 0; i < w2.length; i++) {
            w2[i] = (2 * r.nextDouble() - 1) / Math.sqrt(h);
        }
        params = new double[][]{e, w1, w2};
        m = new double[3][];
        v = new double[3][];
        for (int k = 0; k < 3; k++) {
            m[k] = new double[params[k].length];
            v[k] = new double[params[k].length];
        }
        int n = p * p;
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int nt = (int) Math.round(trainFraction * n);
        ta = new int[nt];
        tb = new int[nt];
        va = new int[n - nt];
        vb = new int[n - nt];
        for (int i = 0; i < n; i++) {
            if (i < nt) {
                ta[i] = perm[i] / p;
                tb[i] = perm[i] % p;
            } else {
                va[i - nt] = perm[i] / p;
                vb[i - nt] = perm[i] % p;
            }
        }
    }

    /** Current parameters (copies), by tensor name. */
    Map<String, double[]> parameters() {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (int k = 0; k < 3; k++) {
            out.put(NAMES[k], params[k].clone());
        }
        return out;
    }

    /** One full-batch AdamW step; returns {train loss, train error} before the step. */
    double[] step(double lr, double wd) {
        double[][] g = {new double[params[0].length], new double[params[1].length], new double[params[2].length]};
        double[] r = pass(params, ta, tb, g);
        step++;
        double b1 = 0.9;
        double b2 = 0.98;
        double c1 = 1 - Math.pow(b1, step);
        double c2 = 1 - Math.pow(b2, step);
        for (int k = 0; k < 3; k++) {
            double[] pp = params[k];
            double[] gg = g[k];
            double[] mm = m[k];
            double[] vv = v[k];
            for (int i = 0; i < pp.length; i++) {
                mm[i] = b1 * mm[i] + (1 - b1) * gg[i];
                vv[i] = b2 * vv[i] + (1 - b2) * gg[i] * gg[i];
                pp[i] -= lr * (mm[i] / c1 / (Math.sqrt(vv[i] / c2) + 1e-8) + wd * pp[i]);
            }
        }
        return r;
    }

    /** {train_loss, train_error, val_loss, val_error} of a model with the given parameters. */
    Map<String, Double> evaluate(Map<String, double[]> weights) {
        double[][] w = {weights.get(NAMES[0]), weights.get(NAMES[1]), weights.get(NAMES[2])};
        double[] tr = pass(w, ta, tb, null);
        double[] vl = pass(w, va, vb, null);
        return Map.of("train_loss", tr[0], "train_error", tr[1], "val_loss", vl[0], "val_error", vl[1]);
    }

    /** Mean cross-entropy and error over examples (a, b); accumulates gradients into g when non-null. */
    private double[] pass(double[][] w, int[] a, int[] b, double[][] g) {
        double[] e = w[0];
        double[] w1 = w[1];
        double[] w2 = w[2];
        int n = a.length;
        double loss = 0;
        int wrong = 0;
        double[] x = new double[d];
        double[] hid = new double[h];
        double[] lo = new double[p];
        double[] dh = new double[h];
        double[] dx = new double[d];
        for (int s = 0; s < n; s++) {
            int ea = a[s] * d;
            int eb = b[s] * d;
            for (int j = 0; j < d; j++) {
                x[j] = e[ea + j] + e[eb + j];
            }
            for (int i = 0; i < h; i++) {
                double acc = 0;
                int o = i * d;
                for (int j = 0; j < d; j++) {
                    acc += w1[o + j] * x[j];
                }
                hid[i] = acc > 0 ? acc : 0;
            }
            double mx = Double.NEGATIVE_INFINITY;
            int am = 0;
            for (int c = 0; c < p; c++) {
                double acc = 0;
                int o = c * h;
                for (int i = 0; i < h; i++) {
                    acc += w2[o + i] * hid[i];
                }
                lo[c] = acc;
                if (acc > mx) {
                    mx = acc;
                    am = c;
                }
            }
            int y = (a[s] + b[s]) % p;
            if (am != y) {
                wrong++;
            }
            double z = 0;
            for (int c = 0; c < p; c++) {
                lo[c] = Math.exp(lo[c] - mx);
                z += lo[c];
            }
            loss -= Math.log(lo[y] / z);
            if (g == null) {
                continue;
            }
            Arrays.fill(dh, 0);
            for (int c = 0; c < p; c++) {
                double gc = (lo[c] / z - (c == y ? 1 : 0)) / n;
                int o = c * h;
                for (int i = 0; i < h; i++) {
                    g[2][o + i] += gc * hid[i];
                    dh[i] += gc * w2[o + i];
                }
            }
            Arrays.fill(dx, 0);
            for (int i = 0; i < h; i++) {
                if (hid[i] <= 0) {
                    continue;
                }
                double gi = dh[i];
                int o = i * d;
                for (int j = 0; j < d; j++) {
                    g[1][o + j] += gi * x[j];
                    dx[j] += gi * w1[o + j];
                }
            }
            for (int j = 0; j < d; j++) {
                g[0][ea + j] += dx[j];
                g[0][eb + j] += dx[j];
            }
        }
        return new double[]{loss / n, (double) wrong / n};
    }

    /** Trains {@code steps} steps, recording a checkpoint every {@code every} steps (step 0 included). */
    static Run train(int p, int d, int h, double frac, double lr, double wd, int steps, int every, long seed) {
        GrokkingMlp net = new GrokkingMlp(p, d, h, frac, seed);
        InMemoryTrajectory.Builder b = InMemoryTrajectory.builder().tensor(NAMES[0], p, d).tensor(NAMES[1], h, d)
                .tensor(NAMES[2], p, h);
        int count = steps / every + 1;
        double[] trainErr = new double[count];
        double[] valErr = new double[count];
        for (int s = 0; s <= steps; s++) {
            if (s % every == 0) {
                Map<String, double[]> w = net.parameters();
                Map<String, Double> ev = net.evaluate(w);
                trainErr[s / every] = ev.get("train_error");
                valErr[s / every] = ev.get("val_error");
                b.checkpoint(s, s, w);
            }
            if (s < steps) {
                net.step(lr, wd);
            }
        }
        return new Run(net, b.meta("lr", lr).meta("weight_decay", wd).meta("p", p).build(), trainErr, valErr);
    }

    /** A trained run: the model (for evaluation), its trajectory and per-checkpoint errors. */
    record Run(GrokkingMlp net, Trajectory trajectory, double[] trainError, double[] valError) {
    }
}
