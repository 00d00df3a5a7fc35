package org.peerkit.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.nn.Rng;

/** The exhaustive scan equals a naive triple loop and the product-key kernels (which it checks). */
class ExhaustiveRetrievalTest {

    @ParameterizedTest
    @CsvSource({"3,2,5,4,3", "4,1,200,6,8", "2,3,130,8,16"}) // s=200, 130: several key blocks, the last partial
    void equalsNaiveScanAndProductKeys(int tokens, int heads, int s, int q, int k) {
        Rng rng = new Rng(7L * s + k);
        INDArray qTxHQ = rng.normal(DataType.DOUBLE, 1.0, tokens, (long) heads * q);
        INDArray k1 = rng.normal(DataType.DOUBLE, 1.0, s, q / 2);
        INDArray k2 = rng.normal(DataType.DOUBLE, 1.0, s, q / 2);
        Retrieval ex = Retrieval.allocate(Nd4j.zeros(DataType.DOUBLE, tokens, heads * k));
        ExhaustiveRetrieval.retrieve(qTxHQ, k1, k2, heads, k, ex);
        Retrieval pk = Retrieval.allocate(Nd4j.zeros(DataType.DOUBLE, tokens, heads * k));
        new CpuKernels().retrieve(qTxHQ, k1, k2, heads, k, pk);
        assertArrayEquals(pk.expertTHK(), ex.expertTHK());
        assertArrayEquals(pk.rowTHK(), ex.rowTHK());
        assertArrayEquals(pk.colTHK(), ex.colTHK());
        for (int t = 0; t < tokens; t++) {
            for (int h = 0; h < heads; h++) {
                double[] topV = new double[k];
                int[] topI = new int[k];
                NaiveProductKeys.topK(qTxHQ, k1, k2, t, h, topV, topI);
                for (int slot = 0; slot < k; slot++) {
                    int at = (t * heads + h) * k + slot;
                    assertEquals(topI[slot], ex.expertTHK()[at], "token " + t + " head " + h + " slot " + slot);
                    assertEquals(topV[slot], ex.scoresTxHK().getDouble(t, h * k + slot), 1e-9);
                }
            }
        }
    }

    @Test
    void rejectsKAboveN() {
        INDArray q = Nd4j.zeros(DataType.DOUBLE, 1, 4);
        INDArray keys = Nd4j.zeros(DataType.DOUBLE, 2, 2);
        Retrieval r = Retrieval.allocate(Nd4j.zeros(DataType.DOUBLE, 1, 5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExhaustiveRetrieval.retrieve(q, keys, keys, 1, 5, r));
        assertTrue(e.getMessage().contains("k=5"), e.getMessage());
    }
}
