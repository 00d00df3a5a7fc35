package org.peerkit.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.junit.jupiter.api.Test;

/**
 * The float fast paths of the layers (issue 19) against their exact double paths on the same
 * inputs: {@link CrossEntropy} (one fused pass per row, tensor.CrossEntropyRow) on a vocabulary that
 * is not a multiple of the vector width and with large logit spreads, and {@link Gelu}
 * (tensor.GeluF) on a length that is not a multiple of its block, across the tanh's saturation.
 */
class FloatFastPathTest {

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

    @Test
    void geluFloatBlocksMatchTheDoublePath() {
        INDArray xF = new Rng(3).normal(DataType.FLOAT, 3.0, 5001);
        INDArray dyF = new Rng(4).normal(DataType.FLOAT, 1.0, 5001);
        Gelu f = new Gelu("f");
        Gelu d = new Gelu("d");
        INDArray yF = f.forward(xF).castTo(DataType.DOUBLE);
        INDArray yD = d.forward(xF.castTo(DataType.DOUBLE));
        assertEquals(0.0, yF.sub(yD).amaxNumber().doubleValue(), 2e-6, "largest forward difference");
        INDArray dxF = f.backward(dyF).castTo(DataType.DOUBLE);
        INDArray dxD = d.backward(dyF.castTo(DataType.DOUBLE));
        assertEquals(0.0, dxF.sub(dxD).amaxNumber().doubleValue(), 5e-6, "largest backward difference (|dy| up to ~4)");
    }
}
