package org.peerkit.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.peerkit.ffw.PeerConfig;
import org.peerkit.ffw.PeerLayer;
import org.peerkit.ffw.PkmConfig;
import org.peerkit.ffw.PkmLayer;
import org.peerkit.ffw.ProductKeys;
import org.peerkit.model.DecoderLm;
import org.peerkit.model.FfwFactory;
import org.peerkit.model.LmConfig;
import org.peerkit.model.Positions;
import org.peerkit.model.Precision;
import org.peerkit.nn.NormKind;
import org.peerkit.nn.Param;
import org.peerkit.tensor.Activation;
import org.peerkit.tensor.Backend;
import org.peerkit.tensor.BackendKind;
import org.peerkit.train.AdamWConfig;
import org.peerkit.train.TrainConfig;

/**
 * The device LM's parameter plan is lib's model: LmShape.params() names, shapes, kinds and
 * row-sparse flags equal DecoderLm.params() for dense and PEER models, RMSNorm and LayerNorm, tied
 * and untied heads, with and without biases and query BatchNorm; so golden files and device arrays
 * meet by name and AdamW decays what lib decays.
 */
class LmShapeTest {

    @BeforeAll
    static void cpu() {
        Backend.start(BackendKind.CPU);
    }

    private static LmConfig config(NormKind norm, boolean tied, boolean bias) {
        return new LmConfig(50, 8, 16, 3, 2, 24, Positions.LEARNED, norm, Activation.GELU, tied, bias, 1e-5, 0.02,
                10000, Precision.FLOAT);
    }

    private static void assertSameParams(DecoderLm lm, LmShape shape) {
        List<Param> want = lm.params();
        List<LmParam> got = shape.params();
        assertEquals(want.size(), got.size(), got.stream().map(LmParam::name).toList().toString());
        AdamWConfig adam = AdamWConfig.defaults();
        for (int i = 0; i < want.size(); i++) {
            Param p = want.get(i);
            LmParam q = got.get(i);
            assertEquals(p.name(), q.name());
            assertArrayEquals(p.shape(), q.shape(), p.name());
            assertEquals(p.kind().name(), q.kind().name(), p.name());
            assertEquals(p.rowTracked(), q.rowSparse(), p.name());
            boolean libDecays = p.kind() == Param.Kind.WEIGHT
                    || (adam.decayEmbeddings() && p.kind() == Param.Kind.EMBEDDING);
            assertEquals(libDecays, q.decays(), p.name());
        }
    }

    @Test
    void denseModelsMatchLib() {
        for (NormKind norm : NormKind.values()) {
            for (boolean tied : new boolean[] {true, false}) {
                for (boolean bias : new boolean[] {true, false}) {
                    LmConfig c = config(norm, tied, bias);
                    LmShape s = new LmShape(50, 8, 16, 3, 2, 24, norm == NormKind.LAYER ? "LAYER" : "RMS", 1e-5f, tied,
                            bias, true, 2, 8, -1, null, false);
                    assertSameParams(new DecoderLm(c, 3), s);
                }
            }
        }
    }

    @Test
    void rotaryModelsHaveNoPositionTable() {
        LmConfig c = config(NormKind.RMS, true, false).withOptions(Positions.ROTARY, NormKind.RMS, Activation.GELU,
                true, false);
        assertSameParams(new DecoderLm(c, 6), new LmShape(50, 8, 16, 3, 2, 24, "RMS", 1e-5f, true, false, false, 2, 8,
                -1, null, false));
    }

    @Test
    void peerInTheMiddleBlockMatchesLib() {
        for (boolean bn : new boolean[] {false, true}) {
            PeerConfig p = new PeerConfig(16, new ProductKeys(6 * 6, 2, 3, 8, bn), Activation.GELU);
            LmConfig c = config(NormKind.RMS, true, false);
            DecoderLm lm = new DecoderLm(c, FfwFactory.middle((n, b, lc, rng) -> new PeerLayer(n, p,
                    lc.precision().dataType(), rng)), 4);
            LmShape s = new LmShape(50, 8, 16, 3, 2, 24, "RMS", 1e-5f, true, false, true, 2, 8, c.middleBlock(),
                    new PeerShape(16, 36, 2, 3, 8, 0), bn);
            assertSameParams(lm, s);
        }
    }

    @Test
    void pkmInTheMiddleBlockMatchesLib() {
        for (boolean bn : new boolean[] {false, true}) {
            for (boolean shared : new boolean[] {false, true}) {
                PkmConfig p = new PkmConfig(16, new ProductKeys(6 * 6, 2, 3, 8, bn), shared);
                LmConfig c = config(NormKind.RMS, true, false);
                DecoderLm lm = new DecoderLm(c, FfwFactory.middle((n, b, lc, rng) -> new PkmLayer(n, p,
                        lc.precision().dataType(), rng)), 5);
                LmShape s = new LmShape(50, 8, 16, 3, 2, 24, "RMS", 1e-5f, true, false, true, 2, 8, c.middleBlock(),
                        new PeerShape(16, 36, 2, 3, 8, 0), bn, true, shared);
                assertSameParams(lm, s);
            }
        }
    }

    @Test
    void optimiserDefaultsAreTheTrainers() {
        DeviceAdamW.Settings d = DeviceAdamW.Settings.defaults();
        AdamWConfig a = AdamWConfig.defaults();
        assertEquals((float) a.beta1(), d.beta1());
        assertEquals((float) a.beta2(), d.beta2());
        assertEquals((float) a.eps(), d.eps());
        assertEquals((float) a.weightDecay(), d.weightDecay());
        assertEquals((float) TrainConfig.defaults().clipNorm(), d.clipNorm());
    }

    @Test
    void badShapesAreRefusedWithTheFix() {
        var e = assertThrows(IllegalArgumentException.class, () -> new LmShape(50, 8, 15, 3, 3, 24, "RMS", 1e-5f, true,
                false, false, 2, 8, -1, null, false));
        assertTrue(e.getMessage().contains("even head width (dModel/heads=5)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LmShape(50, 8, 16, 3, 2, 24, "RMS", 1e-5f, true,
                false, true, 2, 9, -1, null, false));
        assertTrue(e.getMessage().contains("seq=9"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LmShape(50, 8, 16, 3, 2, 24, "RMS", 1e-5f, true,
                false, true, 2, 8, 1, null, false));
        assertTrue(e.getMessage().contains("peerBlock=1"), e.getMessage());
    }
}
