package org.trainingdynamics.train;

/**
 * Softmax cross-entropy on logits, in double precision: loss = mean_i [log Σ_j e^{z_ij} − z_{i,y_i}] and
 * ∂loss/∂z_ij = (softmax(z_i)_j − 1[j = y_i]) / n, with the max-shift for stability.
 *
 * <p>A float32 variant (a vectorised Cephes {@code expf}, ~5× faster on the 97-class benchmark step) was
 * measured and not adopted: it changes the bundled grokking trajectories, and notebook 07's checks do not all
 * hold on the regenerated runs (docs/BENCHMARKS.md, Trainers).
 */
final class CrossEntropy {
    private CrossEntropy() {
    }

    /**
     * Summed loss and number of correct argmax predictions over a block of rows.
     *
     * @param loss    Σ_i loss_i (double)
     * @param correct number of rows whose first largest logit is the label
     */
    record Sums(double loss, int correct) {
    }

    /** Mean loss and accuracy of logits {@code out} [n, c] (row-major); writes the gradient into {@code dz} if non-null. */
    static Model.BatchStats lossAndGrad(float[] out, int[] y, int n, int c, float[] dz) {
        Sums s = sums(out, y, 0, n, c, dz, n);
        if (!Double.isFinite(s.loss())) {
            throw new IllegalStateException("training diverged: the cross-entropy loss is " + s.loss()
                    + " (lower the learning rate)");
        }
        return new Model.BatchStats(s.loss() / n, (double) s.correct() / n, n);
    }

    /**
     * Loss sums of logits {@code out} [rows, c] (row-major) with labels {@code y[y0 + i]}; when {@code dz} is
     * non-null writes (softmax − one-hot)/{@code n} into its first rows·c entries ({@code n}: the size of the
     * batch whose mean loss is differentiated, of which these rows may be a chunk).
     */
    static Sums sums(float[] out, int[] y, int y0, int rows, int c, float[] dz, int n) {
        double total = 0;
        int correct = 0;
        double[] ex = new double[c];
        for (int i = 0; i < rows; i++) {
            int o = i * c;
            int label = y[y0 + i];
            float max = Float.NEGATIVE_INFINITY;
            int arg = 0;
            for (int j = 0; j < c; j++) {
                if (out[o + j] > max) {
                    max = out[o + j];
                    arg = j;
                }
            }
            double s = 0;
            for (int j = 0; j < c; j++) {
                double e = Math.exp(out[o + j] - max);
                ex[j] = e;
                s += e;
            }
            total += Math.log(s) - (out[o + label] - max);
            correct += arg == label ? 1 : 0;
            if (dz != null) {
                // (p_j − 1[j = y]) / n in separate loops, so that the JIT vectorises the divisions
                for (int j = 0; j < c; j++) {
                    ex[j] = ex[j] / s;
                }
                ex[label] -= 1;
                for (int j = 0; j < c; j++) {
                    ex[j] = ex[j] / n;
                }
                for (int j = 0; j < c; j++) {
                    dz[o + j] = (float) ex[j];
                }
            }
        }
        return new Sums(total, correct);
    }
}
