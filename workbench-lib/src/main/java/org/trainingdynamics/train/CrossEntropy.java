package org.trainingdynamics.train;

/**
 * Softmax cross-entropy on logits: loss = mean_i [log Σ_j e^{z_ij} − z_{i,y_i}] and
 * ∂loss/∂z_ij = (softmax(z_i)_j − 1[j = y_i]) / n, with the max-shift for stability. The exponentials are float32
 * ({@link FloatExp}, within 2 ulps, vectorised; 3–4× faster than {@code Math.exp} in double), the sums, the
 * logarithm and the label's gradient entry p_y − 1 (which cancels when the row is fitted) are double, so loss and
 * gradient have float-level relative error.
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
        float[] z = new float[c];
        float[] e = new float[c];
        float[] k = new float[c];
        for (int i = 0; i < rows; i++) {
            int o = i * c;
            int label = y[y0 + i];
            // one row at a time in offset-free arrays, so that C2 vectorises the loops (see FloatExp)
            System.arraycopy(out, o, z, 0, c);
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, z[j]);
            }
            int arg = 0;
            while (arg < c - 1 && z[arg] != max) {
                arg++;
            }
            FloatExp.shifted(z, max, c, e, k);
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int j4 = c & ~3;
            for (int j = 0; j < j4; j += 4) {
                s0 += e[j];
                s1 += e[j + 1];
                s2 += e[j + 2];
                s3 += e[j + 3];
            }
            for (int j = j4; j < c; j++) {
                s0 += e[j];
            }
            double s = (s0 + s1) + (s2 + s3);
            total += Math.log(s) - (z[label] - max);
            correct += arg == label ? 1 : 0;
            if (dz != null) {
                // (p_j − 1[j = y]) / n: p_j / n as e_j times one float reciprocal, the label's entry in double
                // (p_y − 1 is small when the row is fitted, so it is formed before rounding to float)
                double eLabel = e[label];
                float scale = (float) (1 / (s * n));
                for (int j = 0; j < c; j++) {
                    e[j] *= scale;
                }
                e[label] = (float) ((eLabel / s - 1) / n);
                System.arraycopy(e, 0, dz, o, c);
            }
        }
        return new Sums(total, correct);
    }
}
