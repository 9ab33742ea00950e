package org.trainingdynamics.train.data;

import org.trainingdynamics.train.Rng;

/**
 * Modular addition data (Power et al. 2022; Nanda et al. 2023): every pair (a, b) ∈ Z_p² with label
 * (a + b) mod p, split at random into a training fraction and the rest for testing. Pairs are enumerated
 * as index i = a·p + b and the split is a seeded permutation of those indices.
 */
public final class ModularArithmetic {
    private ModularArithmetic() {
    }

    /**
     * A train/test split of modular addition.
     *
     * @param p             the modulus (≥ 2)
     * @param trainFraction fraction of the p² pairs used for training, in (0, 1)
     * @param equalsToken   append the token p ("=") to each input, as the transformer does
     * @param rng           split stream
     */
    public static Split addition(int p, double trainFraction, boolean equalsToken, Rng rng) {
        if (p < 2) {
            throw new IllegalArgumentException("modulus p must be >= 2, got " + p);
        }
        if (!(trainFraction > 0 && trainFraction < 1)) {
            throw new IllegalArgumentException("trainFraction must be in (0, 1), got " + trainFraction);
        }
        int n = p * p;
        int nTrain = (int) Math.round(trainFraction * n);
        if (nTrain < 1 || nTrain >= n) {
            throw new IllegalArgumentException("trainFraction " + trainFraction + " leaves an empty train or test set for p = " + p);
        }
        int[] perm = rng.permutation(n);
        return new Split(make(p, perm, 0, nTrain, equalsToken, "mod-add train"),
                make(p, perm, nTrain, n, equalsToken, "mod-add test"));
    }

    private static Dataset make(int p, int[] perm, int from, int to, boolean eq, String name) {
        int m = to - from;
        int[][] tokens = new int[m][];
        int[] labels = new int[m];
        for (int i = 0; i < m; i++) {
            int idx = perm[from + i];
            int a = idx / p;
            int b = idx % p;
            tokens[i] = eq ? new int[]{a, b, p} : new int[]{a, b};
            labels[i] = (a + b) % p;
        }
        return new Dataset(name + " (p=" + p + ")", null, tokens, labels, null, p);
    }

    /**
     * A train/test split.
     *
     * @param train training set
     * @param test  held-out set
     */
    public record Split(Dataset train, Dataset test) {
    }
}
