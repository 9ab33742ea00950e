package org.trainingdynamics.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link FloatExp} against {@code Math.exp} in double (rounded to float) over the arguments a softmax sees. */
class FloatExpTest {

    /** |f − e^x| in units of the float ulp at e^x, e^x from {@code Math.exp} in double. */
    private static double ulps(float f, float x) {
        double exact = Math.exp(x);
        return Math.abs(f - exact) / Math.ulp((float) exact);
    }

    private static float[] exp(float[] x) {
        float[] e = new float[x.length];
        FloatExp.shifted(x, 0f, x.length, e, new float[x.length]);
        return e;
    }

    @Test
    void withinTwoUlpsWhereverTheResultIsANormalFloat() {
        float lowest = (float) Math.log(Float.MIN_NORMAL); // ≈ −87.336; e^x ≥ 2^−126 above it
        // every 97th float between lowest and 0 (about 11 million arguments, all exponents and mantissa patterns),
        // processed in softmax-sized rows so the vectorised loop bodies and their scalar tails are both exercised
        int bitsLow = Float.floatToRawIntBits(-0f);
        int bitsHigh = Float.floatToRawIntBits(Math.nextUp(lowest));
        float[] x = new float[97];
        double worst = 0;
        float worstAt = 0;
        int count = 0;
        for (int b = bitsLow; b <= bitsHigh; b += 97 * 97) {
            for (int j = 0; j < 97; j++) {
                x[j] = Float.intBitsToFloat(Math.min(b + 97 * j, bitsHigh));
            }
            float[] e = exp(x);
            for (int j = 0; j < 97; j++) {
                double u = ulps(e[j], x[j]);
                if (!(u <= worst)) {
                    worst = u;
                    worstAt = x[j];
                }
            }
            count += 97;
        }
        assertThat(count).isGreaterThan(10_000_000);
        assertThat(worst).as("worst error %s ulp at x = %s", worst, worstAt).isLessThanOrEqualTo(2.0);
        // and densely around the points where the reduction switches k (x = (k + 1/2)·ln 2) and near 0
        Rng r = new Rng(11);
        for (int k = 0; k <= 126; k++) {
            float mid = (float) (-(k + 0.5) * Math.log(2));
            for (int j = 0; j < 97; j++) {
                x[j] = Float.intBitsToFloat(Float.floatToRawIntBits(mid) + j - 48);
            }
            check(x);
        }
        for (int j = 0; j < 97; j++) {
            x[j] = -(float) Math.abs(r.normal()) * 1e-3f;
        }
        check(x);
    }

    private static void check(float[] x) {
        float[] e = exp(x);
        for (int j = 0; j < x.length; j++) {
            if (x[j] >= Math.log(Float.MIN_NORMAL)) {
                assertThat(ulps(e[j], x[j])).as("ulps at x = %s", x[j]).isLessThanOrEqualTo(2.0);
            }
        }
    }

    @Test
    void exactAtZeroFlushesBelowTheNormalRangeAndPropagatesNaN() {
        float[] x = {0f, -0f, -88f, -88.5f, -100f, -1e6f, -Float.MAX_VALUE, Float.NEGATIVE_INFINITY, Float.NaN,
            -87.5f, -87.6f, -87.34f, -1f};
        float[] e = exp(x);
        assertThat(e[0]).isEqualTo(1f);
        assertThat(e[1]).isEqualTo(1f);
        for (int j = 2; j <= 7; j++) {
            assertThat(e[j]).as("e^%s", x[j]).isEqualTo(0f);
        }
        assertThat(e[8]).isNaN();
        // between the flush and the normal range the result is within 2^−126 of the exact (subnormal) value
        for (int j = 9; j <= 11; j++) {
            assertThat(Math.abs(e[j] - Math.exp(x[j]))).as("e^%s", x[j]).isLessThanOrEqualTo(Float.MIN_NORMAL);
        }
        assertThat(ulps(e[12], -1f)).isLessThanOrEqualTo(2.0);
        // a shift: e^{z − shift}
        float[] z = {3f, 1.5f, -40f};
        float[] es = new float[3];
        FloatExp.shifted(z, 3f, 3, es, new float[3]);
        assertThat(es[0]).isEqualTo(1f);
        assertThat(ulps(es[1], -1.5f)).isLessThanOrEqualTo(2.0);
        assertThat(ulps(es[2], -43f)).isLessThanOrEqualTo(2.0);
    }
}
