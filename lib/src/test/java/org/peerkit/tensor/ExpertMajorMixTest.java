package org.peerkit.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The expert-major float forward (small N, many pairs per expert) equals the token-major one. */
class ExpertMajorMixTest {

    @ParameterizedTest
    @CsvSource({"64,4,16,8", "300,16,8,5", "33,2,16,17"})
    void expertMajorForwardEqualsTokenMajor(int tokens, int experts, int m, int d) {
        assertTrue(tokens * m >= CpuKernels.EXPERT_MAJOR_PAIRS * experts, "the case must take the expert-major path");
        Random rnd = new Random(tokens * 7L + experts);
        INDArray x = gaussian(rnd, tokens, d);
        INDArray u = gaussian(rnd, experts, d);
        INDArray v = gaussian(rnd, experts, d);
        INDArray gates = gaussian(rnd, tokens, m);
        int[] expertTM = new int[tokens * m];
        for (int i = 0; i < expertTM.length; i++) {
            expertTM[i] = rnd.nextInt(experts);
        }
        INDArray preA = Nd4j.zeros(DataType.FLOAT, tokens, m);
        INDArray yA = Nd4j.zeros(DataType.FLOAT, tokens, d);
        new CpuKernels().mixForward(x, expertTM, gates, u, v, Activation.GELU, preA, yA);
        INDArray preB = Nd4j.zeros(DataType.FLOAT, tokens, m);
        INDArray yB = Nd4j.zeros(DataType.FLOAT, tokens, d);
        ExpertMix mix = ExpertMix.of(x, expertTM, gates, u, v, Activation.GELU, preB);
        FloatKernels.mixForward(mix, (Vec.F32) Vec.of(yB));
        assertArrayEquals(preB.data().asFloat(), preA.data().asFloat(), 1e-5f);
        assertArrayEquals(yB.data().asFloat(), yA.data().asFloat(), 1e-4f);
    }

    private static INDArray gaussian(Random rnd, int rows, int cols) {
        float[] f = new float[rows * cols];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) rnd.nextGaussian();
        }
        return Nd4j.createFromArray(f).reshape(rows, cols);
    }
}
