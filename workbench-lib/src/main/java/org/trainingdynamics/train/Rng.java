package org.trainingdynamics.train;

import java.util.SplittableRandom;

/**
 * The only source of randomness of the trainers: a {@link SplittableRandom} seeded from the run's seed, so a
 * run is a pure function of its configuration and seed and never depends on ND4J's global random state.
 * Independent streams (initialisation, data order, data generation) are derived with {@link #fork(String)},
 * so adding draws to one stream never shifts another.
 */
public final class Rng {
    private final long seed;
    private final SplittableRandom random;

    /** A generator for {@code seed}. */
    public Rng(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    /** The seed this generator was created from. */
    public long seed() {
        return seed;
    }

    /** An independent generator for the named purpose, a pure function of this generator's seed and the name. */
    public Rng fork(String purpose) {
        long h = seed * 0x9E3779B97F4A7C15L;
        for (int i = 0; i < purpose.length(); i++) {
            h = (h ^ purpose.charAt(i)) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
        }
        return new Rng(h);
    }

    /** Uniform on [0, 1). */
    public double uniform() {
        return random.nextDouble();
    }

    /** Uniform on [lo, hi). */
    public double uniform(double lo, double hi) {
        return lo + (hi - lo) * random.nextDouble();
    }

    /** Standard normal (JDK 17's {@code RandomGenerator.nextGaussian}, a fixed algorithm). */
    public double normal() {
        return random.nextGaussian();
    }

    /** Uniform integer in [0, n). */
    public int nextInt(int n) {
        return random.nextInt(n);
    }

    /** Fair coin. */
    public boolean coin() {
        return random.nextBoolean();
    }

    /** {@code n} values uniform on [lo, hi) as floats. */
    public float[] uniformFloats(int n, double lo, double hi) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) uniform(lo, hi);
        }
        return out;
    }

    /** {@code n} values N(0, std²) as floats. */
    public float[] normalFloats(int n, double std) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (std * normal());
        }
        return out;
    }

    /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
