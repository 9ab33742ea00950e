package org.trainingdynamics.train.data;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A labelled data set held in memory: either dense features [N, in] (an ND4J matrix) or integer tokens
 * [N][k] (inputs to an embedding), with either class labels (cross-entropy) or real targets [N][out]
 * (hinge, squared error).
 *
 * @param name       short description, for metadata and messages
 * @param features   dense inputs [N, in], or null when the inputs are tokens
 * @param tokens     token inputs [N][k], or null when the inputs are dense
 * @param classes    class label of each example, or null
 * @param targets    real targets [N][out] flattened row-major, or null
 * @param numClasses number of classes (0 when the labels are real targets)
 */
public record Dataset(String name, INDArray features, int[][] tokens, int[] classes, float[] targets, int numClasses) {

    public Dataset {
        int n = features != null ? (int) features.rows() : tokens != null ? tokens.length : -1;
        if ((features == null) == (tokens == null)) {
            throw new IllegalArgumentException(name + ": give exactly one of dense features or tokens");
        }
        if ((classes == null) == (targets == null)) {
            throw new IllegalArgumentException(name + ": give exactly one of class labels or real targets");
        }
        if (n == 0) {
            throw new IllegalArgumentException(name + ": data set is empty");
        }
        if (classes != null) {
            if (classes.length != n) {
                throw new IllegalArgumentException(name + ": " + n + " inputs but " + classes.length + " labels");
            }
            for (int c : classes) {
                if (c < 0 || c >= numClasses) {
                    throw new IllegalArgumentException(name + ": label " + c + " outside 0.." + (numClasses - 1));
                }
            }
        } else if (targets.length % n != 0) {
            throw new IllegalArgumentException(name + ": " + targets.length + " target values do not divide into "
                    + n + " examples");
        }
    }

    /** Number of examples. */
    public int size() {
        return features != null ? (int) features.rows() : tokens.length;
    }

    /** Number of real outputs per example (targets only). */
    public int targetWidth() {
        return targets == null ? 0 : targets.length / size();
    }

    /** The examples at {@code idx}, in that order. */
    public Dataset subset(int[] idx) {
        INDArray f = features == null ? null : Nd4j.pullRows(features, 1, idx);
        int[][] tk = null;
        if (tokens != null) {
            tk = new int[idx.length][];
            for (int i = 0; i < idx.length; i++) {
                tk[i] = tokens[idx[i]];
            }
        }
        int[] c = null;
        float[] t = null;
        if (classes != null) {
            c = new int[idx.length];
            for (int i = 0; i < idx.length; i++) {
                c[i] = classes[idx[i]];
            }
        } else {
            int w = targetWidth();
            t = new float[idx.length * w];
            for (int i = 0; i < idx.length; i++) {
                System.arraycopy(targets, idx[i] * w, t, i * w, w);
            }
        }
        return new Dataset(name, f, tk, c, t, numClasses);
    }

    /** The first {@code n} examples (or all if fewer). */
    public Dataset head(int n) {
        int m = Math.min(n, size());
        int[] idx = new int[m];
        Arrays.setAll(idx, i -> i);
        return subset(idx);
    }
}
