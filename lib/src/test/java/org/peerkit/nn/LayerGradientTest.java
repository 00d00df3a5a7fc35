package org.peerkit.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.ffw.DenseFfw;
import org.peerkit.tensor.Activation;

/**
 * Every layer's backward against central finite differences in double precision, through the
 * scalar loss L = Σ y ⊙ R with a fixed random R (so dL/dy = R).
 */
class LayerGradientTest {

    private static final DataType D = DataType.DOUBLE;

    /** Checks dx and every parameter gradient of {@code m} at input x. */
    static void check(String what, Module m, INDArray x) {
        Rng rng = new Rng(99);
        INDArray r = rng.normal(D, 1.0, m.forward(x).shape());
        DoubleSupplier loss = () -> m.forward(x).mul(r).sumNumber().doubleValue();
        m.zeroGrads();
        m.forward(x);
        INDArray dx = m.backward(r).dup();
        GradCheck.assertClose(what + " dx", dx, GradCheck.numeric(x, loss));
        for (Param p : m.params()) {
            INDArray analytic = p.grad().dup();
            GradCheck.assertClose(what + " " + p.name(), analytic, GradCheck.numeric(p.value(), loss));
        }
    }

    private static INDArray input(long... shape) {
        return new Rng(7).normal(D, 1.0, shape);
    }

    @Test
    void linearWithAndWithoutBias() {
        check("linear+bias", new Linear("l", 5, 4, true, 0.5, D, new Rng(1)), input(6, 5));
        check("linear", new Linear("l", 5, 3, false, 0.5, D, new Rng(2)), input(6, 5));
    }

    @Test
    void norms() {
        RmsNorm rms = new RmsNorm("rms", 6, 1e-5, D);
        rms.params().get(0).value().assign(new Rng(3).normal(D, 1.0, 6)); // non-trivial gain
        check("rmsnorm", rms, input(5, 6));
        LayerNorm ln = new LayerNorm("ln", 6, 1e-5, D);
        ln.params().get(0).value().assign(new Rng(4).normal(D, 1.0, 6));
        ln.params().get(1).value().assign(new Rng(5).normal(D, 1.0, 6));
        check("layernorm", ln, input(5, 6));
    }

    @Test
    void activations() {
        check("gelu", new Gelu("gelu"), input(4, 7));
        // keep inputs away from ReLU's kink at 0, where finite differences are not the derivative
        INDArray x = input(4, 7);
        x.addi(Transforms_sign(x).muli(0.1));
        check("relu", new Relu("relu"), x);
    }

    private static INDArray Transforms_sign(INDArray x) {
        return org.nd4j.linalg.ops.transforms.Transforms.sign(x, true);
    }

    @Test
    void denseFfw() {
        check("dense-ffw", new DenseFfw("ffw", 6, 10, Activation.GELU, true, 0.4, 0.3, D, new Rng(6)),
                input(5, 6));
    }

    @Test
    void attentionLearnedAndRotary() {
        check("attention", new CausalSelfAttention("attn", 8, 2, true, 0.4, 0.4, null, D, new Rng(8)),
                input(2, 5, 8));
        check("attention-rope", new CausalSelfAttention("attn", 8, 2, false, 0.4, 0.4, new Rotary(4, 10000), D,
                new Rng(9)), input(2, 5, 8));
    }

    @Test
    void embeddingScatterAddsRepeatedIds() {
        Embedding e = new Embedding("emb", "vocabulary", 5, 3, 1.0, D, new Rng(10));
        int[] ids = {1, 3, 1, 0};
        INDArray r = new Rng(11).normal(D, 1.0, 4, 3);
        DoubleSupplier loss = () -> e.forward(ids).mul(r).sumNumber().doubleValue();
        e.forward(ids);
        e.backward(r);
        GradCheck.assertClose("embedding", e.table().grad().dup(), GradCheck.numeric(e.table().value(), loss));
    }

    @Test
    void crossEntropyGradientAndValue() {
        CrossEntropy ce = new CrossEntropy();
        INDArray logits = input(4, 6);
        int[] targets = {0, 5, 2, 2};
        DoubleSupplier loss = () -> ce.forward(logits, targets);
        ce.forward(logits, targets);
        INDArray g = ce.backward(1.0).dup();
        GradCheck.assertClose("cross-entropy", g, GradCheck.numeric(logits, loss));
        // value against a direct computation
        double expected = 0;
        for (int i = 0; i < 4; i++) {
            double s = 0;
            for (int v = 0; v < 6; v++) {
                s += Math.exp(logits.getDouble(i, v));
            }
            expected += Math.log(s) - logits.getDouble(i, targets[i]);
        }
        assertEquals(expected / 4, ce.forward(logits, targets), 1e-12);
    }

    @Test
    void crossEntropyIsStableForHugeLogits() {
        CrossEntropy ce = new CrossEntropy();
        INDArray logits = Nd4j.create(new float[][] {{1000f, 0f, -1000f}, {-5000f, 5000f, 0f}});
        double loss = ce.forward(logits, new int[] {2, 0});
        assertEquals((2000.0 + 10000.0) / 2, loss, 1e-3);
        assertTrue(Double.isFinite(ce.backward(1.0).sumNumber().doubleValue()));
    }

    @Test
    void backwardWithoutForwardIsAnError() {
        Supplier<Linear> lin = () -> new Linear("blocks.0.ffw.up", 3, 2, false, 0.1, D, new Rng(1));
        Linear l = lin.get();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> l.backward(input(2, 2)));
        assertTrue(e.getMessage().contains("blocks.0.ffw.up") && e.getMessage().contains("without a matching forward"),
                e.getMessage());
        l.forward(input(2, 3));
        l.backward(input(2, 2));
        assertThrows(IllegalStateException.class, () -> l.backward(input(2, 2)));
    }

    @Test
    void badShapesAndIdsAreNamed() {
        Linear l = new Linear("proj", 3, 2, false, 0.1, D, new Rng(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.forward(input(2, 4)));
        assertTrue(e.getMessage().contains("[N, 3]") && e.getMessage().contains("[2, 4]"), e.getMessage());
        Embedding emb = new Embedding("embed", "vocabulary", 10, 3, 1.0, D, new Rng(1));
        e = assertThrows(IllegalArgumentException.class, () -> emb.forward(new int[] {1, 12}));
        assertTrue(e.getMessage().contains("id 12 at position 1 is outside the vocabulary [0, 10)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new CausalSelfAttention("attn", 10, 3, false, 0.1, 0.1, null, D, new Rng(1)));
        assertTrue(e.getMessage().contains("dModel=10 is not divisible by heads=3"), e.getMessage());
    }
}
