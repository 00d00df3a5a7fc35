package org.peerkit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.nn.Param;

/** AdamW against hand-computed steps, the schedule's values, and clipping. */
class OptimTest {

    private static Param param(String name, Param.Kind kind, double... values) {
        return new Param(name, kind, Nd4j.createFromArray(values));
    }

    /** Reference AdamW on one scalar (PyTorch semantics), t = 1, 2, … */
    private static double[] reference(double p, double[] grads, double lr, double b1, double b2, double eps,
            double wd) {
        double m = 0;
        double v = 0;
        double[] out = new double[grads.length];
        for (int t = 1; t <= grads.length; t++) {
            double g = grads[t - 1];
            m = b1 * m + (1 - b1) * g;
            v = b2 * v + (1 - b2) * g * g;
            p = p * (1 - lr * wd);
            p -= lr * (m / (1 - Math.pow(b1, t))) / (Math.sqrt(v / (1 - Math.pow(b2, t))) + eps);
            out[t - 1] = p;
        }
        return out;
    }

    @Test
    void adamWMatchesAHandComputedStepAndSkipsDecayOnNormsAndBiases() {
        Param w = param("w", Param.Kind.WEIGHT, 0.5, -1.0);
        Param g = param("g", Param.Kind.NORM, 1.0);
        Param b = param("b", Param.Kind.BIAS, 0.25);
        Param e = param("e", Param.Kind.EMBEDDING, 2.0);
        AdamWConfig cfg = new AdamWConfig(0.9, 0.95, 1e-8, 0.1, false);
        AdamW opt = new AdamW(List.of(w, g, b, e), cfg);
        double[] gw = {0.3, -0.2};
        double[] gn = {0.05, 0.4};
        double lr = 0.01;
        for (int t = 0; t < 2; t++) {
            w.grad().assign(Nd4j.createFromArray(gw[t], 2 * gw[t]));
            g.grad().assign(gn[t]);
            b.grad().assign(gn[t]);
            e.grad().assign(gn[t]);
            opt.step(lr);
        }
        double[] refW0 = reference(0.5, gw, lr, 0.9, 0.95, 1e-8, 0.1);
        double[] refW1 = reference(-1.0, new double[] {0.6, -0.4}, lr, 0.9, 0.95, 1e-8, 0.1);
        assertEquals(refW0[1], w.value().getDouble(0), 1e-15);
        assertEquals(refW1[1], w.value().getDouble(1), 1e-15);
        assertEquals(reference(1.0, gn, lr, 0.9, 0.95, 1e-8, 0.0)[1], g.value().getDouble(0), 1e-15);
        assertEquals(reference(0.25, gn, lr, 0.9, 0.95, 1e-8, 0.0)[1], b.value().getDouble(0), 1e-15);
        assertEquals(reference(2.0, gn, lr, 0.9, 0.95, 1e-8, 0.0)[1], e.value().getDouble(0), 1e-15);
        // first step by hand: m̂ = g, v̂ = g², so the update is lr·g/(|g|+ε) ≈ lr·sign(g)
        assertEquals(0.5 * (1 - 0.001) - 0.01 * 0.3 / (0.3 + 1e-8), refW0[0], 1e-15);
        assertEquals(2, opt.stepCount());
    }

    @Test
    void embeddingsDecayWhenConfigured() {
        Param e = param("e", Param.Kind.EMBEDDING, 2.0);
        AdamW opt = new AdamW(List.of(e), new AdamWConfig(0.9, 0.95, 1e-8, 0.1, true));
        e.grad().assign(0.05);
        opt.step(0.01);
        assertEquals(reference(2.0, new double[] {0.05}, 0.01, 0.9, 0.95, 1e-8, 0.1)[0], e.value().getDouble(0),
                1e-15);
    }

    @Test
    void scheduleWarmsUpLinearlyThenFollowsACosine() {
        LrSchedule s = new LrSchedule(1e-3, 10, 110, 0.1);
        assertEquals(1e-4, s.lr(0), 1e-18);
        assertEquals(5e-4, s.lr(4), 1e-18);
        assertEquals(1e-3, s.lr(9), 1e-18);
        assertEquals(1e-3, s.lr(10), 1e-18);
        assertEquals(1e-4 + 0.5 * 9e-4, s.lr(60), 1e-15);  // half-way: cos(π/2) = 0
        assertEquals(1e-4, s.lr(110), 1e-18);
        assertEquals(1e-4, s.lr(500), 1e-18);
        assertEquals(1e-4 + 0.5 * 9e-4 * (1 + Math.cos(Math.PI * 0.25)), s.lr(35), 1e-15);
        var e = assertThrows(IllegalArgumentException.class, () -> new LrSchedule(1e-3, 200, 100, 0.1));
        assertTrue(e.getMessage().contains("warmupSteps=200, totalSteps=100"), e.getMessage());
    }

    @Test
    void clippingScalesToTheGlobalNormOnlyWhenAbove() {
        Param a = param("a", Param.Kind.WEIGHT, 0, 0);
        Param b = param("b", Param.Kind.WEIGHT, 0);
        a.grad().assign(Nd4j.createFromArray(3.0, 0.0));
        b.grad().assign(4.0);
        assertEquals(5.0, GradClip.clip(List.of(a, b), 1.0), 1e-12);
        assertEquals(0.6, a.grad().getDouble(0), 1e-12);
        assertEquals(0.8, b.grad().getDouble(0), 1e-12);
        assertEquals(1.0, GradClip.globalNorm(List.of(a, b)), 1e-12);
        assertEquals(1.0, GradClip.clip(List.of(a, b), 2.0), 1e-12);
        assertEquals(0.6, a.grad().getDouble(0), 1e-12);  // unchanged below the limit
    }

    @Test
    void badOptimiserSettingsAreNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> new AdamWConfig(1.0, 0.95, 1e-8, 0.1, false));
        assertTrue(e.getMessage().contains("beta1=1.0 must be in [0, 1)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new TrainConfig(10, 0, 1.0, LrSchedule.defaults(), AdamWConfig.defaults(), 1));
        assertTrue(e.getMessage().contains("accumSteps=0 must be positive"), e.getMessage());
    }

    /**
     * The float path of AdamW (blocks copied into arrays, issue 19) gives the bits of the element
     * formula computed in double and rounded to float where the state is stored: dense over 5,000
     * elements (one 4,096 block and a tail), and sparse on a few rows.
     */
    @Test
    void floatPathEqualsTheDoubleFormulaRoundedToFloat() {
        AdamWConfig cfg = new AdamWConfig(0.9, 0.95, 1e-8, 0.1, false);
        float[] w0 = new float[5000];
        float[] g0 = new float[5000];
        for (int i = 0; i < w0.length; i++) {
            w0[i] = (float) Math.sin(i * 0.37);
            g0[i] = (float) Math.cos(i * 0.11) * 1e-2f;
        }
        Param dense = new Param("w", Param.Kind.WEIGHT, Nd4j.createFromArray(w0.clone()).reshape(50, 100));
        Param sparse = new Param("s", Param.Kind.WEIGHT, Nd4j.createFromArray(w0.clone()).reshape(50, 100));
        int[] rows = {3, 17, 49};
        AdamW optDense = new AdamW(List.of(dense), cfg);
        float[] m = new float[w0.length];
        float[] v = new float[w0.length];
        float[] w = w0.clone();
        for (int step = 1; step <= 3; step++) {
            dense.grad().assign(Nd4j.createFromArray(g0).reshape(50, 100));
            optDense.step(1e-2);
            referenceFloatStep(w, g0, m, v, cfg, 1e-2, step);
        }
        assertArrayEquals(w, dense.value().data().asFloat(), "dense float path");
        sparse.grad().assign(Nd4j.createFromArray(g0).reshape(50, 100));
        SparseRowAdamW.updateRows(sparse, Nd4j.zeros(DataType.FLOAT, 50, 100), Nd4j.zeros(DataType.FLOAT, 50, 100),
                rows, 1e-2, 1 - 0.9, 1 - 0.95, cfg);
        float[] ws = w0.clone();
        referenceFloatStep(ws, g0, new float[w0.length], new float[w0.length], cfg, 1e-2, 1);
        float[] got = sparse.value().data().asFloat();
        for (int r = 0; r < 50; r++) {
            boolean touched = r == 3 || r == 17 || r == 49;
            for (int j = r * 100; j < r * 100 + 100; j++) {
                assertEquals(touched ? ws[j] : w0[j], got[j], 0.0, "sparse row " + r);
            }
        }
    }

    private static void referenceFloatStep(float[] w, float[] g, float[] m, float[] v, AdamWConfig c, double lr,
            int t) {
        double bc1 = 1 - Math.pow(c.beta1(), t);
        double bc2 = 1 - Math.pow(c.beta2(), t);
        for (int i = 0; i < w.length; i++) {
            double mi = c.beta1() * m[i] + (1 - c.beta1()) * g[i];
            double vi = c.beta2() * v[i] + (1 - c.beta2()) * (double) g[i] * g[i];
            m[i] = (float) mi;
            v[i] = (float) vi;
            double wi = w[i] * (1 - lr * c.weightDecay());
            w[i] = (float) (wi - lr * (mi / bc1) / (Math.sqrt(vi / bc2) + c.eps()));
        }
    }
}
