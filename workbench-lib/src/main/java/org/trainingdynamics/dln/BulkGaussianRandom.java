package org.trainingdynamics.dln;

import java.util.Random;
import java.util.stream.IntStream;

/**
 * A {@link Random} that produces exactly the sequences of {@code new Random(seed)} (same linear congruential generator,
 * same polar method in {@link #nextGaussian}), plus {@link #fillGaussian}, which fills an array with the next Gaussians
 * of that sequence faster: the uniforms and the rejection loop of the polar method (Knuth, TAOCP vol. 2, §3.4.1,
 * Algorithm C, as in {@code java.util.Random}) run sequentially, and the logarithms and square roots, the costly part,
 * run in parallel. The result is bit-identical to calling {@code nextGaussian()} once per element. It keeps the DMFT
 * noise (dmft.md §3 step 3) reproducible for a seed while it is drawn on all cores.
 */
final class BulkGaussianRandom extends Random {
    private static final long MULTIPLIER = 0x5DEECE66DL;
    private static final long ADDEND = 0xBL;
    private static final long MASK = (1L << 48) - 1;
    private static final double DOUBLE_UNIT = 0x1.0p-53;

    // no field initialisers: Random's constructor calls setSeed before they would run
    private long state;
    private double nextNextGaussian;
    private boolean haveNextNextGaussian;

    /** The generator of {@code new Random(seed)}. */
    BulkGaussianRandom(long seed) {
        super(seed);
    }

    @Override
    public synchronized void setSeed(long seed) {
        state = (seed ^ MULTIPLIER) & MASK;
        haveNextNextGaussian = false;
    }

    @Override
    protected int next(int bits) {
        state = (state * MULTIPLIER + ADDEND) & MASK;
        return (int) (state >>> (48 - bits));
    }

    @Override
    public double nextDouble() {
        return (((long) next(26) << 27) + next(27)) * DOUBLE_UNIT;
    }

    @Override
    public synchronized double nextGaussian() {
        if (haveNextNextGaussian) {
            haveNextNextGaussian = false;
            return nextNextGaussian;
        }
        double[] p = new double[3];
        acceptedPair(p);
        double v1 = p[0];
        double v2 = p[1];
        double s = p[2];
        double multiplier = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
        nextNextGaussian = v2 * multiplier;
        haveNextNextGaussian = true;
        return v1 * multiplier;
    }

    /** The polar method's rejection loop: the first (v1, v2) inside the unit disc and s = v1² + v2², into {@code p}. */
    private void acceptedPair(double[] p) {
        double v1;
        double v2;
        double s;
        do {
            v1 = 2 * nextDouble() - 1;
            v2 = 2 * nextDouble() - 1;
            s = v1 * v1 + v2 * v2;
        } while (s >= 1 || s == 0);
        p[0] = v1;
        p[1] = v2;
        p[2] = s;
    }

    /** Fills {@code out} with the next {@code out.length} values of {@link #nextGaussian} (bit-identical). */
    synchronized void fillGaussian(double[] out) {
        int n = out.length;
        int from = 0;
        if (n > 0 && haveNextNextGaussian) {
            out[from++] = nextGaussian();
        }
        int pairs = (n - from + 1) / 2;
        // sequential: the accepted (v1, v2) of each pair, and s = v1² + v2² in out's odd slot of the pair
        double[] v1s = new double[pairs];
        double[] p = new double[3];
        for (int q = 0; q < pairs; q++) {
            acceptedPair(p);
            double v1 = p[0];
            double v2 = p[1];
            double s = p[2];
            v1s[q] = v1;
            int i = from + 2 * q;
            if (i + 1 < n) {
                out[i + 1] = v2;
                out[i] = s;
            } else {
                // odd count: the pair's second value stays cached, as nextGaussian would leave it
                double multiplier = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
                out[i] = v1 * multiplier;
                nextNextGaussian = v2 * multiplier;
                haveNextNextGaussian = true;
                v1s[q] = Double.NaN;
            }
        }
        int full = (n - from) / 2;
        int f = from;
        IntStream.range(0, (full + 4095) / 4096).parallel().forEach(c -> {
            int q1 = Math.min(full, (c + 1) * 4096);
            for (int q = c * 4096; q < q1; q++) {
                int i = f + 2 * q;
                double s = out[i];
                double multiplier = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
                out[i] = v1s[q] * multiplier;
                out[i + 1] = out[i + 1] * multiplier;
            }
        });
    }
}
