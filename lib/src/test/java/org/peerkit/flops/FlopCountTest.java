package org.peerkit.flops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.peerkit.model.DecoderLm;
import org.peerkit.model.LmConfig;
import org.peerkit.model.Positions;
import org.peerkit.model.RandomWindows;
import org.peerkit.tensor.Activation;
import org.peerkit.nn.Gemm;
import org.peerkit.nn.NormKind;

/** The analytic counts against the model's own parameters and against the GEMMs it really runs. */
class FlopCountTest {

    static LmConfig variant(int i) {
        LmConfig base = LmConfig.tiny(96).withShape(32, 3, 4, 80);
        return switch (i) {
            case 0 -> base;
            case 1 -> base.withOptions(Positions.ROTARY, NormKind.LAYER, Activation.RELU, false, true);
            default -> base.withOptions(Positions.LEARNED, NormKind.RMS, Activation.GELU, false, false);
        };
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void analyticCountsMatchTheModelAndTheInstrumentedGemms(int which) {
        LmConfig cfg = variant(which);
        DecoderLm lm = new DecoderLm(cfg, 1);
        int b = 3;
        int t = 10;
        FlopCount built = FlopCount.of(lm, t);
        FlopCount analytic = FlopCount.dense(cfg, t);
        assertEquals(lm.paramCount(), built.totalParams());
        assertEquals(built.layers(), analytic.layers());
        // the convention's closed form: 2·(non-embedding matmul params incl. head) + 4·T·D per layer
        long d = cfg.dModel();
        long matmulParams = cfg.nLayers() * (4 * d * d + 2 * d * cfg.dFf()) + d * cfg.vocabSize();
        assertEquals(2 * matmulParams + cfg.nLayers() * 4L * t * d, analytic.forwardFlopsPerToken());
        // the non-embedding count (tied or untied) leaves out exactly the 2·D·V of the output head
        assertEquals(2 * d * cfg.vocabSize(), analytic.embeddingFlopsPerToken());
        assertEquals(2 * (matmulParams - d * cfg.vocabSize()) + cfg.nLayers() * 4L * t * d,
                analytic.nonEmbeddingForwardFlopsPerToken());
        assertEquals(3 * analytic.nonEmbeddingForwardFlopsPerToken(), analytic.nonEmbeddingTrainingFlopsPerToken());

        long perStep = 4096L * analytic.trainingFlopsPerToken();
        assertEquals(10, analytic.stepsFor(10.5 * perStep, 4096));
        assertEquals(10 * 4096, analytic.tokensFor(10.0 * perStep));

        int[] w = RandomWindows.of(b, t, cfg.vocabSize(), 2);
        Gemm.resetCount();
        lm.forwardLoss(w, b);
        assertEquals((long) b * t * analytic.forwardFlopsPerToken(), Gemm.count(), "forward GEMM FLOPs");
        lm.backward(1.0);
        assertEquals((long) b * t * analytic.trainingFlopsPerToken(), Gemm.count(), "forward+backward GEMM FLOPs");
    }
}
