package org.trainingdynamics.train;

/**
 * Softmax cross-entropy on logits, in double precision: loss = mean_i [log Σ_j e^{z_ij} − z_{i,y_i}] and
 * ∂loss/∂z_ij = (softmax(z_i)_j − 1[j = y_i]) / n, with the max-shift for stability.
 */
final class CrossEntropy {
    private CrossEntropy() {
    }

    /** Mean loss and accuracy of logits {@code out} [n, c] (row-major); writes the gradient into {@code dz} if non-null. */
    static Model.BatchStats lossAndGrad(float[] out, int[] y, int n, int c, float[] dz) {
        double total = 0;
        int correct = 0;
        double[] ex = new double[c];
        for (int i = 0; i < n; i++) {
            int o = i * c;
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
            total += Math.log(s) - (out[o + y[i]] - max);
            correct += arg == y[i] ? 1 : 0;
            if (dz != null) {
                for (int j = 0; j < c; j++) {
                    double p = ex[j] / s;
                    dz[o + j] = (float) ((p - (j == y[i] ? 1 : 0)) / n);
                }
            }
        }
        if (!Double.isFinite(total)) {
            throw new IllegalStateException("training diverged: the cross-entropy loss is " + total
                    + " (lower the learning rate)");
        }
        return new Model.BatchStats(total / n, (double) correct / n, n);
    }
}
