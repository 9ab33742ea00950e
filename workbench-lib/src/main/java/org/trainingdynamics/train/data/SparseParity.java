package org.trainingdynamics.train.data;

import org.nd4j.linalg.factory.Nd4j;
import org.trainingdynamics.train.Rng;

/**
 * (n, k)-sparse parity (Barak et al. 2022, arXiv 2207.08799; Hu et al. 2023's official settings): inputs
 * x ∈ {−1, +1}ⁿ uniform, label y = x₁·x₂·…·x_k ∈ {−1, +1} (the product of the first k bits), as real
 * targets for a hinge loss. Train and test examples are independent draws from one stream.
 */
public final class SparseParity {
    private SparseParity() {
    }

    /**
     * A train/test split.
     *
     * @param n      input bits
     * @param k      parity bits (the first k), 1 ≤ k ≤ n
     * @param nTrain training examples
     * @param nTest  test examples
     * @param rng    data stream
     */
    public static ModularArithmetic.Split generate(int n, int k, int nTrain, int nTest, Rng rng) {
        if (n < 1 || k < 1 || k > n) {
            throw new IllegalArgumentException("need 1 <= k <= n, got n=" + n + ", k=" + k);
        }
        if (nTrain < 1 || nTest < 1) {
            throw new IllegalArgumentException("need at least one train and one test example, got " + nTrain + "/" + nTest);
        }
        return new ModularArithmetic.Split(make(n, k, nTrain, rng, "sparse-parity train"),
                make(n, k, nTest, rng, "sparse-parity test"));
    }

    private static Dataset make(int n, int k, int m, Rng rng, String name) {
        float[] x = new float[m * n];
        float[] y = new float[m];
        for (int i = 0; i < m; i++) {
            float prod = 1;
            for (int j = 0; j < n; j++) {
                float v = rng.coin() ? 1f : -1f;
                x[i * n + j] = v;
                if (j < k) {
                    prod *= v;
                }
            }
            y[i] = prod;
        }
        return new Dataset(name + " (n=" + n + ", k=" + k + ")", Nd4j.create(x, new long[]{m, n}, 'c'), null, null, y, 0);
    }
}
