package org.peerkit.tensor;

/**
 * exp(x) in float for x ≤ 0 (softmax after the row maximum is subtracted), by Cody–Waite range
 * reduction and Cephes' degree-6 polynomial for {@code expf} (within 2 ulp). Why not the Vector
 * API's {@code EXP}: C2 compiles it to SVML while the interpreter and C1 call {@code Math.exp}, so the
 * same row would give other bits before and after JIT compilation, and a resumed run would leave the
 * uninterrupted loss curve. This formula uses only adds, multiplies and exponent bits, which round
 * the same in every mode, in {@link VectorDot}'s lanes and here, so the vector and scalar paths agree
 * to the bit.
 */
final class ExpF {

    static final float LOG2E = 1.44269504088896341f;
    /** 1.5·2²³: adding it rounds a float of magnitude below 2²² to the nearest integer. */
    static final float ROUND = 12582912f;
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    /** Below this exp underflows float; inputs are clamped to it (softmax weights of ~1e-38). */
    static final float MIN_X = -87.0f;
    static final float P0 = 1.9875691500e-4f;
    static final float P1 = 1.3981999507e-3f;
    static final float P2 = 8.3334519073e-3f;
    static final float P3 = 4.1665795894e-2f;
    static final float P4 = 1.6666665459e-1f;
    static final float P5 = 5.0000001201e-1f;

    private ExpF() {
    }

    /** exp(x) for x ≤ 0. */
    static float exp(float x) {
        x = Math.max(x, MIN_X);
        float shifted = x * LOG2E + ROUND;
        int n = Float.floatToRawIntBits(shifted) - Float.floatToRawIntBits(ROUND);
        float k = shifted - ROUND;
        float r = x - k * LN2_HI - k * LN2_LO;
        float p = (((((P0 * r + P1) * r + P2) * r + P3) * r + P4) * r + P5) * (r * r) + r + 1f;
        return p * Float.intBitsToFloat((n + 127) << 23);
    }
}
