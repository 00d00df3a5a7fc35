package org.peerkit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.peerkit.tensor.Activation;
import org.peerkit.nn.CausalSelfAttention;
import org.peerkit.nn.GradCheck;
import org.peerkit.nn.NormKind;
import org.peerkit.nn.Param;
import org.peerkit.nn.Rng;
import org.peerkit.nn.Rotary;

class DecoderLmTest {

    /** A very small double-precision config: every parameter entry gets a finite difference. */
    static LmConfig micro() {
        return new LmConfig(11, 6, 8, 2, 2, 12, Positions.LEARNED, NormKind.RMS, Activation.GELU, true, false,
                1e-5, 0.3, 10000, Precision.DOUBLE);
    }

    static void checkWholeModel(LmConfig cfg) {
        DecoderLm lm = new DecoderLm(cfg, 5);
        int[] w = RandomWindows.of(2, 5, cfg.vocabSize(), 3);
        DoubleSupplier loss = () -> lm.forwardLoss(w, 2);
        lm.zeroGrads();
        lm.forwardLoss(w, 2);
        lm.backward(1.0);
        for (Param p : lm.params()) {  // up to 32 evenly spaced entries per parameter keep it fast
            int[] at = GradCheck.sample(p.size(), 32);
            GradCheck.assertClose(cfg.positions() + "/" + cfg.norm() + " " + p.name(), p.grad().dup(),
                    GradCheck.numeric(p.value(), loss, at), at);
        }
    }

    @Test
    void gradientCheckLearnedRmsTied() {
        checkWholeModel(micro());
    }

    @Test
    void gradientCheckRotaryLayerNormUntiedReluBias() {
        checkWholeModel(micro().withOptions(Positions.ROTARY, NormKind.LAYER, Activation.RELU, false, true));
    }

    @Test
    void noGradientReachesAnEarlierPositionFromALaterOne() {
        int b = 2;
        int t = 6;
        int d = 8;
        Block block = new Block(0, micro().withOptions(Positions.ROTARY, NormKind.RMS, Activation.GELU, true, false),
                FfwFactory.dense(), new Rng(1));
        CausalSelfAttention attn = new CausalSelfAttention("attn", d, 2, true, 0.5, 0.5, new Rotary(4, 10000),
                DataType.DOUBLE, new Rng(2));
        for (var m : new org.peerkit.nn.Module[] {block, attn}) {
            for (int pos = 0; pos < t; pos++) {
                INDArray x = new Rng(3).normal(DataType.DOUBLE, 1.0, b, t, d);
                m.forward(x);
                INDArray dy = new Rng(4).normal(DataType.DOUBLE, 1.0, b, t, d);
                // the loss reads only position pos: nothing may flow to positions after it
                dy.get(NDArrayIndex.all(), NDArrayIndex.interval(0, t), NDArrayIndex.all()).muli(0);
                dy.get(NDArrayIndex.all(), NDArrayIndex.point(pos), NDArrayIndex.all())
                        .assign(new Rng(5).normal(DataType.DOUBLE, 1.0, b, d));
                INDArray dx = m.backward(dy);
                for (int later = pos + 1; later < t; later++) {
                    INDArray g = dx.get(NDArrayIndex.all(), NDArrayIndex.point(later), NDArrayIndex.all());
                    assertEquals(0.0, g.amaxNumber().doubleValue(), 0.0, "gradient reached position " + later
                            + " from position " + pos);
                }
                assertTrue(dx.get(NDArrayIndex.all(), NDArrayIndex.point(pos), NDArrayIndex.all())
                        .amaxNumber().doubleValue() > 0, "position " + pos + " gets no gradient at all");
            }
        }
    }

    @Test
    void logitsAtPositionTIgnoreLaterTokens() {
        LmConfig cfg = micro().withOptions(Positions.ROTARY, NormKind.RMS, Activation.GELU, true, false);
        DecoderLm lm = new DecoderLm(cfg, 1);
        int[] a = {1, 2, 3, 4, 5, 6};
        int[] b = {1, 2, 3, 9, 0, 7};
        INDArray la = lm.logits(a, 1).dup();
        INDArray lb = lm.logits(b, 1).dup();
        for (int pos = 0; pos < 3; pos++) {
            assertArrayEquals(la.getRow(pos).toDoubleVector(), lb.getRow(pos).toDoubleVector(), 0.0);
        }
        assertFalse(la.getRow(3).equalsWithEps(lb.getRow(3), 1e-9));
    }

    @Test
    void sameSeedSameModelOtherSeedOtherModel() {
        LmConfig cfg = LmConfig.tiny(50);
        DecoderLm a = new DecoderLm(cfg, 42);
        DecoderLm b = new DecoderLm(cfg, 42);
        DecoderLm c = new DecoderLm(cfg, 43);
        int[] w = RandomWindows.of(2, 8, 50, 1);
        assertEquals(a.forwardLoss(w, 2), b.forwardLoss(w, 2), 0.0);
        assertNotEquals(a.forwardLoss(w, 2), c.forwardLoss(w, 2));
        // near-uniform predictions at init: loss ≈ ln V
        assertEquals(Math.log(50), a.forwardLoss(w, 2), 0.1);
    }

    @Test
    void middleBlockFactoryPlacesTheSpecialFfw() {
        LmConfig cfg = LmConfig.tiny(32).withShape(32, 5, 2, 64);
        FfwFactory wide = (name, block, c, rng) -> new org.peerkit.ffw.DenseFfw(name, c.dModel(), 3 * c.dFf(),
                c.activation(), false, c.initStd(), c.residualStd(), c.precision().dataType(), rng);
        DecoderLm lm = new DecoderLm(cfg, FfwFactory.middle(wide), 1);
        for (int i = 0; i < 5; i++) {
            long expected = (i == 2 ? 3 : 1) * 2L * 32 * 64;
            assertEquals(expected, lm.feedForwards().get(i).paramCount(), "block " + i);
        }
    }

    @Test
    void badInputsAreNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> LmConfig.tiny(32).withShape(100, 2, 3, 64));
        assertTrue(e.getMessage().contains("dModel=100 is not divisible by nHeads=3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LmConfig.tiny(0));
        assertTrue(e.getMessage().contains("vocabSize=0 must be positive"), e.getMessage());
        DecoderLm lm = new DecoderLm(LmConfig.tiny(32), 1);
        e = assertThrows(IllegalArgumentException.class, () -> lm.forwardLoss(new int[] {1, 2, 40, 3}, 1));
        assertTrue(e.getMessage().contains("id 40 at position 2 is outside the vocabulary [0, 32)"), e.getMessage());
        int[] tooLong = new int[65 + 1];
        e = assertThrows(IllegalArgumentException.class, () -> lm.forwardLoss(tooLong, 1));
        assertTrue(e.getMessage().contains("sequence length 65 exceeds the model's context length 64"),
                e.getMessage());
        var s = assertThrows(IllegalStateException.class, () -> new DecoderLm(LmConfig.tiny(32), 2).backward(1.0));
        assertTrue(s.getMessage().contains("DecoderLm: backward called without a matching forward"), s.getMessage());
    }
}
