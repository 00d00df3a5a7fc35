package org.peerkit.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Product-key top-k (pruned k′² candidates) equals an exhaustive top-k over all N = S² keys. */
class ProductKeysTopKTest {

    @ParameterizedTest
    @CsvSource({"1,1,1,2,1", "5,3,2,4,2", "37,2,8,6,16", "64,1,16,8,16", "16,4,32,16,32", "20,2,7,10,9", "9,3,3,4,9"})
    void equalsExhaustiveScan(int tokens, int heads, int s, int q, int k) {
        Random rnd = new Random(31L * tokens + s * 7L + k);
        INDArray qTxHQ = gaussian(rnd, tokens, heads * q);
        INDArray k1 = gaussian(rnd, s, q / 2);
        INDArray k2 = gaussian(rnd, s, q / 2);
        Retrieval r = Retrieval.allocate(Nd4j.zeros(DataType.DOUBLE, tokens, heads * k));
        new CpuKernels().retrieve(qTxHQ, k1, k2, heads, k, r);
        for (int t = 0; t < tokens; t++) {
            for (int h = 0; h < heads; h++) {
                double[] topV = new double[k];
                int[] topI = new int[k];
                NaiveProductKeys.topK(qTxHQ, k1, k2, t, h, topV, topI);
                int[] got = new int[k];
                double[] gotV = new double[k];
                for (int slot = 0; slot < k; slot++) {
                    int ri = (t * heads + h) * k + slot;
                    got[slot] = r.expertTHK()[ri];
                    gotV[slot] = r.scoresTxHK().getDouble(t, h * k + slot);
                    assertEquals(r.rowTHK()[ri] * s + r.colTHK()[ri], got[slot]);
                }
                assertArrayEquals(topI, got, "token " + t + " head " + h);
                assertArrayEquals(topV, gotV, 1e-12);
            }
        }
    }

    private static INDArray gaussian(Random rnd, int rows, int cols) {
        double[] d = new double[rows * cols];
        for (int i = 0; i < d.length; i++) {
            d[i] = rnd.nextGaussian();
        }
        return Nd4j.createFromArray(d).reshape(rows, cols);
    }
}
