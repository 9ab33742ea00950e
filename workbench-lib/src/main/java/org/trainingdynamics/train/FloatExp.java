package org.trainingdynamics.train;

/**
 * Float32 exponential of non-positive arguments, written so that HotSpot C2 vectorises it: e^x = 2^k · e^r with
 * k = round(x / ln 2) (by the 1.5·2²³ rounding constant, float arithmetic only), r = x − k·ln 2 in two parts
 * (Cody &amp; Waite 1980) and e^r by the degree-7 polynomial of Cephes {@code expf} (Moshier 1989, |r| ≤ ln 2 / 2).
 * The polynomial runs in one loop of float operations (vectorised), the scale 2^k in a second loop that looks it
 * up in a table, since the float↔int bit conversions that build 2^k directly keep C2 from vectorising a loop.
 *
 * <p>Accuracy: within 2 float ulps of e^x wherever e^x is a normal float (x ≥ ln 2⁻¹²⁶ ≈ −87.34, measured in
 * {@code FloatExpTest}); e^0 = 1 exactly; arguments below about −87.68 give 0 (the exact value is subnormal,
 * &lt; 2⁻¹²⁶ ≈ 1.2·10⁻³⁸), and in between the result is within 2⁻¹²⁶ of it; −∞ gives 0, NaN gives NaN.
 * The arithmetic is plain IEEE float (no fused multiply-add), so results are the same in the interpreter, in
 * vectorised and in scalar compiled code: training stays bit-for-bit deterministic.
 */
final class FloatExp {
    private static final float LOG2E = 1.44269504088896341f;
    /** 1.5·2²³: adding it rounds a float of magnitude &lt; 2²² to an integer (round to nearest even). */
    private static final float ROUND = 12582912f;
    /** ln 2 = LN2_HI + LN2_LO; LN2_HI has 9 significant bits, so k·LN2_HI is exact for |k| &lt; 2¹⁵. */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** Arguments are clamped here first (keeps k within the table; e^−100 is far below the smallest float). */
    private static final float LOWEST = -100f;
    /** 2^−i for i = 0…145; 0 below 2^−126, so that results which would be subnormal flush to 0. */
    private static final float[] POW2 = new float[146];

    static {
        for (int i = 0; i < POW2.length; i++) {
            POW2[i] = i <= 126 ? (float) Math.scalb(1.0, -i) : 0f;
        }
    }

    private FloatExp() {
    }

    /**
     * Writes e^{z[j] − shift} into {@code e[j]} for j &lt; {@code c}; every z[j] − shift must be ≤ 0 or NaN (as in a
     * softmax shifted by its maximum). {@code k} is a work array of at least {@code c} floats.
     */
    static void shifted(float[] z, float shift, int c, float[] e, float[] k) {
        for (int j = 0; j < c; j++) {
            float x = Math.max(z[j] - shift, LOWEST);
            float kf = (x * LOG2E + ROUND) - ROUND;
            float r = x - kf * LN2_HI - kf * LN2_LO;
            float q = 1.9875691500e-4f;
            q = q * r + 1.3981999507e-3f;
            q = q * r + 8.3334519073e-3f;
            q = q * r + 4.1665795894e-2f;
            q = q * r + 1.6666665459e-1f;
            q = q * r + 5.0000001201e-1f;
            e[j] = q * r * r + r + 1f;
            k[j] = -kf;
        }
        for (int j = 0; j < c; j++) {
            e[j] *= POW2[(int) k[j]];
        }
    }
}
