package org.peerkit.tensor;

/**
 * The float fast path of GELU's tanh approximation, on arrays the caller copied a block into:
 * y = ½·x·(1 + tanh(c·(x + a·x³))) and its derivative. tanh(u) = sign(u)·(1 − e)/(1 + e) with
 * e = exp(−2|u|) ≤ 1 from {@link ExpF}, so nothing overflows and every mode (interpreter, C1, C2)
 * rounds the same. {@code nn.Gelu} keeps its double passes as the exact reference.
 */
public final class GeluF {

    private static final float A = 0.044715f;
    private static final float C = (float) Math.sqrt(2.0 / Math.PI);

    private GeluF() {
    }

    /** th[i] = tanh(c·(x + a·x³)), y[i] = ½·x·(1 + th[i]) for i < n. */
    public static void forward(float[] x, float[] th, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[i];
            float u = C * (v + A * v * v * v);
            float e = ExpF.exp(-2f * Math.abs(u));
            float t = Math.copySign((1f - e) / (1f + e), u);
            th[i] = t;
            y[i] = 0.5f * v * (1f + t);
        }
    }

    /** dx[i] = dy[i]·(½(1+t) + ½·x·(1−t²)·c·(1 + 3a·x²)), t the forward's tanh; dx may be dy. */
    public static void backward(float[] x, float[] th, float[] dy, float[] dx, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[i];
            float t = th[i];
            float grad = 0.5f * (1f + t) + 0.5f * v * (1f - t * t) * C * (1f + 3f * A * v * v);
            dx[i] = dy[i] * grad;
        }
    }
}
