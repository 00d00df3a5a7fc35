package org.peerkit.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.junit.jupiter.api.Test;

/**
 * The float fast path of {@link CrossEntropy} (one fused pass per row, tensor.CrossEntropyRow)
 * against the exact double path on the same logits: a vocabulary that is not a multiple of the
 * vector width (the scalar tail), large logit spreads, and several rows.
 */
class CrossEntropyFloatPathTest {

    @Test
    void floatRowsMatchTheDoublePath() {
        int t = 37;
        int v = 4099;
        INDArray logitsF = new Rng(7).normal(DataType.FLOAT, 4.0, t, v);
        INDArray logitsD = logitsF.castTo(DataType.DOUBLE);
        int[] targets = new int[t];
        for (int i = 0; i < t; i++) {
            targets[i] = (i * 977) % v;
        }
        CrossEntropy f = new CrossEntropy();
        CrossEntropy d = new CrossEntropy();
        double lossF = f.forward(logitsF, targets);
        double lossD = d.forward(logitsD, targets);
        assertEquals(lossD, lossF, 1e-5 * lossD);
        INDArray gF = f.backward(2.0).castTo(DataType.DOUBLE);
        INDArray gD = d.backward(2.0);
        double maxErr = gF.sub(gD).amaxNumber().doubleValue();
        assertEquals(0.0, maxErr, 2e-7, "largest gradient difference (float rounding of sums over V)");
    }
}
