package org.peerkit.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class GroupedGemmTest {

    /** Per-head products read from a fused [B·T, 3D] layout, against Nd4j.gemm on dup'ed slices. */
    @Test
    void stridedHeadBlocksMatchPlainGemmOnBothPaths() {
        for (DataType dt : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            for (boolean direct : new boolean[] {true, false}) {
                check(dt, direct);
            }
        }
    }

    private static void check(DataType dt, boolean direct) {
        int b = 2;
        int h = 3;
        int t = 5;
        int e = 4;
        int d = h * e;
        Nd4j.getRandom().setSeed(7);
        INDArray qkv = Nd4j.rand(dt, b * t, 3 * d).subi(0.5);
        INDArray s = Nd4j.zeros(dt, b * h, t, t);
        boolean before = GroupedGemm.direct;
        long flops = Gemm.count();
        try {
            GroupedGemm.direct = direct && before;
            // S_bh = Q_bh · K_bhᵀ
            GroupedGemm.mm(b, h, t, t, e, new GroupedGemm.Blocks(qkv, 0, 3 * d, (long) t * 3 * d, e), false,
                    new GroupedGemm.Blocks(qkv, d, 3 * d, (long) t * 3 * d, e), true,
                    new GroupedGemm.Blocks(s, 0, t, (long) h * t * t, (long) t * t));
        } finally {
            GroupedGemm.direct = before;
        }
        assertTrue(Gemm.count() - flops >= 2L * b * h * t * t * e);
        for (int bi = 0; bi < b; bi++) {
            for (int hi = 0; hi < h; hi++) {
                INDArray rows = qkv.get(NDArrayIndex.interval(bi * t, (bi + 1) * t), NDArrayIndex.all());
                INDArray q = rows.get(NDArrayIndex.all(), NDArrayIndex.interval(hi * e, (hi + 1) * e)).dup();
                INDArray k = rows.get(NDArrayIndex.all(), NDArrayIndex.interval(d + hi * e, d + (hi + 1) * e))
                        .dup();
                INDArray want = q.mmul(k.transpose());
                INDArray got = s.get(NDArrayIndex.point(bi * h + hi), NDArrayIndex.all(), NDArrayIndex.all());
                double tol = dt == DataType.DOUBLE ? 1e-12 : 1e-5;
                assertEquals(0.0, want.sub(got).amaxNumber().doubleValue(), tol, dt + " direct=" + direct);
            }
        }
    }

    @Test
    void blocksOutsideTheArrayAreRejected() {
        INDArray a = Nd4j.zeros(DataType.FLOAT, 4, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GroupedGemm.mm(2, 1, 4,
                4, 4, new GroupedGemm.Blocks(a, 0, 4, 16, 0), false, new GroupedGemm.Blocks(a, 0, 4, 0, 0), false,
                new GroupedGemm.Blocks(a, 0, 4, 0, 0)));
        assertTrue(e.getMessage().contains("do not fit"), e.getMessage());
    }
}
