package org.trainingdynamics.hmm;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.trainingdynamics.trajectory.InMemoryTrajectory;
import org.trainingdynamics.trajectory.Trajectory;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

/**
 * A minimal hand-coded sparse-parity trainer for the HMM tests (the project's real trainers live in package
 * {@code train}): the official settings of Hu et al. 2023 (§1.1 of the research note) — n = 40 bits, label the
 * product of the first k = 3 (±1), 1000 training / 100 test samples, MLP 40 -> H -> 1 with ReLU, Xavier-uniform
 * weights and zero biases, hinge loss, SGD lr 0.1, weight decay 0.01 (PyTorch style, biases included), batch 32,
 * reshuffled every epoch; a checkpoint (weights + test accuracy) every {@code every} epochs.
 */
final class SparseParityTrainer {
    final int n = 40;
    final int k = 3;
    final int hidden;
    final int epochs;
    final int every;
    final int trainSize = 1000;
    final int testSize = 100;
    final double lr = 0.1;
    final double wd = 0.01;
    final int batch = 32;

    SparseParityTrainer(int hidden, int epochs, int every) {
        this.hidden = hidden;
        this.epochs = epochs;
        this.every = every;
    }

    Trajectory train(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] xtr = new double[trainSize][n];
        double[] ytr = new double[trainSize];
        double[][] xte = new double[testSize][n];
        double[] yte = new double[testSize];
        sample(rng, xtr, ytr);
        sample(rng, xte, yte);
        int h = hidden;
        double[] w1 = new double[n * h]; // stored transposed, [n][h], for vectorisable loops
        double[] b1 = new double[h];
        double[] w2 = new double[h];
        double[] b2 = new double[1];
        double a1 = Math.sqrt(6.0 / (n + h));
        for (int i = 0; i < w1.length; i++) {
            w1[i] = (2 * rng.nextDouble() - 1) * a1;
        }
        double a2 = Math.sqrt(6.0 / (h + 1));
        for (int i = 0; i < h; i++) {
            w2[i] = (2 * rng.nextDouble() - 1) * a2;
        }
        InMemoryTrajectory.Builder tb = InMemoryTrajectory.builder()
                .tensor("layer1.weight", h, n).tensor("layer1.bias", h)
                .tensor("layer2.weight", 1, h).tensor("layer2.bias", 1)
                .meta("seed", seed).meta("task", "sparse-parity n=40 k=3").meta("hidden", h);
        DoubleColumn acc = DoubleColumn.create("test_acc");
        LongColumn steps = LongColumn.create("step");
        int[] order = new int[trainSize];
        for (int i = 0; i < trainSize; i++) {
            order[i] = i;
        }
        double[] pre = new double[h];
        double[] dh = new double[h];
        double[] gw1 = new double[h * n];
        double[] gb1 = new double[h];
        double[] gw2 = new double[h];
        long step = 0;
        for (int ep = 1; ep <= epochs; ep++) {
            for (int i = trainSize - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int start = 0; start < trainSize; start += batch) {
                int end = Math.min(trainSize, start + batch);
                int bs = end - start;
                java.util.Arrays.fill(gw1, 0);
                java.util.Arrays.fill(gb1, 0);
                java.util.Arrays.fill(gw2, 0);
                double gb2 = 0;
                for (int q = start; q < end; q++) {
                    double[] x = xtr[order[q]];
                    System.arraycopy(b1, 0, pre, 0, h);
                    for (int i = 0; i < n; i++) {
                        int row = i * h;
                        if (x[i] > 0) {
                            for (int u = 0; u < h; u++) {
                                pre[u] += w1[row + u];
                            }
                        } else {
                            for (int u = 0; u < h; u++) {
                                pre[u] -= w1[row + u];
                            }
                        }
                    }
                    double f = b2[0];
                    for (int u = 0; u < h; u++) {
                        f += w2[u] * Math.max(pre[u], 0);
                    }
                    double y = ytr[order[q]];
                    if (y * f >= 1) {
                        continue; // hinge: zero gradient
                    }
                    double df = -y / bs;
                    gb2 += df;
                    for (int u = 0; u < h; u++) {
                        double on = pre[u] > 0 ? 1 : 0;
                        gw2[u] += df * pre[u] * on;
                        dh[u] = df * w2[u] * on;
                        gb1[u] += dh[u];
                    }
                    for (int i = 0; i < n; i++) {
                        int row = i * h;
                        double xi = x[i];
                        for (int u = 0; u < h; u++) {
                            gw1[row + u] += dh[u] * xi;
                        }
                    }
                }
                double decay = 1 - lr * wd;
                for (int i = 0; i < w1.length; i++) {
                    w1[i] = w1[i] * decay - lr * gw1[i];
                }
                for (int u = 0; u < h; u++) {
                    b1[u] = b1[u] * decay - lr * gb1[u];
                    w2[u] = w2[u] * decay - lr * gw2[u];
                }
                b2[0] = b2[0] * decay - lr * gb2;
                step++;
            }
            if (ep % every == 0) {
                Map<String, double[]> m = new HashMap<>();
                m.put("layer1.weight", transpose(w1, n, h));
                m.put("layer1.bias", b1.clone());
                m.put("layer2.weight", w2.clone());
                m.put("layer2.bias", b2.clone());
                tb.checkpoint(step, ep, m);
                acc.append(accuracy(xte, yte, w1, b1, w2, b2[0]));
                steps.append(step);
            }
        }
        return tb.metrics(Table.create("metrics", steps, acc)).build();
    }

    private double accuracy(double[][] x, double[] y, double[] w1, double[] b1, double[] w2, double b2) {
        int ok = 0;
        for (int q = 0; q < x.length; q++) {
            double f = b2;
            for (int u = 0; u < hidden; u++) {
                double s = b1[u];
                for (int i = 0; i < n; i++) {
                    s += w1[i * hidden + u] * x[q][i];
                }
                if (s > 0) {
                    f += w2[u] * s;
                }
            }
            if ((f >= 0 ? 1 : -1) == y[q]) {
                ok++;
            }
        }
        return (double) ok / x.length;
    }

    /** [rows][cols] row-major to [cols][rows]. */
    static double[] transpose(double[] a, int rows, int cols) {
        double[] t = new double[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }

    private void sample(SplittableRandom rng, double[][] x, double[] y) {
        for (int q = 0; q < x.length; q++) {
            double p = 1;
            for (int i = 0; i < n; i++) {
                x[q][i] = rng.nextBoolean() ? 1 : -1;
                if (i < k) {
                    p *= x[q][i];
                }
            }
            y[q] = p;
        }
    }

    /** Quick look at convergence for a width/epoch choice: java ... SparseParityTrainer H EPOCHS SEEDS. */
    public static void main(String[] args) {
        int h = Integer.parseInt(args[0]);
        int ep = Integer.parseInt(args[1]);
        int seeds = Integer.parseInt(args[2]);
        SparseParityTrainer tr = new SparseParityTrainer(h, ep, 10);
        java.util.stream.IntStream.range(0, seeds).parallel().forEach(s -> {
            long t0 = System.nanoTime();
            Trajectory t = tr.train(s);
            double[] a = t.metrics().doubleColumn("test_acc").asDoubleArray();
            System.out.printf("seed %d: %.1fs conv=%d acc=%s%n", s, (System.nanoTime() - t0) / 1e9,
                    DetourAnalysis.convergenceTime(a, 0.9), java.util.Arrays.toString(a));
        });
    }
}
