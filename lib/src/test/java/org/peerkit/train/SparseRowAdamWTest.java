package org.peerkit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.peerkit.nn.Param;
import org.peerkit.nn.Rng;

/** Row-sparse AdamW: dense trajectory on rows touched every step; untouched rows left alone. */
class SparseRowAdamWTest {

    @Test
    void touchedEveryStepEqualsDenseAndUntouchedRowsStay() {
        AdamWConfig cfg = new AdamWConfig(0.9, 0.95, 1e-8, 0.1, true);
        Rng rng = new Rng(4);
        INDArray init = rng.normal(DataType.DOUBLE, 1, 6, 3);
        Param dense = new Param("u", Param.Kind.EMBEDDING, init.dup());
        Param sparse = new Param("u", Param.Kind.EMBEDDING, init.dup());
        AdamW denseOpt = new AdamW(List.of(dense), cfg);
        SparseRowAdamW sparseOpt = new SparseRowAdamW(List.of(sparse), cfg);
        int[] rows = {1, 4};
        for (int step = 0; step < 5; step++) {
            INDArray g = rng.normal(DataType.DOUBLE, 1, 6, 3);
            for (int r = 0; r < 6; r++) {
                if (r != 1 && r != 4) {
                    g.getRow(r).assign(0);
                }
            }
            dense.grad().assign(g);
            sparse.grad().assign(g);
            denseOpt.step(1e-2);
            sparseOpt.step(1e-2, rows);
        }
        for (int r : rows) {
            assertArrayEquals(dense.value().getRow(r).toDoubleVector(), sparse.value().getRow(r).toDoubleVector(), 1e-15);
        }
        assertArrayEquals(init.getRow(0).toDoubleVector(), sparse.value().getRow(0).toDoubleVector(), 0.0);
        assertEquals(5, sparseOpt.stepCount());
    }
}
