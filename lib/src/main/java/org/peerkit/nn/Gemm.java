package org.peerkit.nn;

import java.util.concurrent.atomic.LongAdder;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one place layers multiply matrices. Every call goes into a preallocated output with
 * transpose flags (no copies; lib/README.md, ND4J on the CPU) and adds its 2·M·N·K multiply-add FLOPs to a global
 * counter, so the analytic FLOP model in {@code org.peerkit.flops} can be checked against the GEMMs
 * the model really runs.
 *
 * <p>Column sums (bias and norm-gain gradients) also run as GEMMs against a ones vector because ND4J's
 * column reduction is slow (lib/README.md, ND4J on the CPU); they are not counted, matching the convention that
 * counts matmuls with weights and attention only.
 */
public final class Gemm {

    private static final LongAdder FLOPS = new LongAdder();

    private Gemm() {
    }

    /** c = alpha·op(a)·op(b) + beta·c for 2-D arrays. */
    public static void mm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB,
            double alpha, double beta) {
        long m = transA ? a.size(1) : a.size(0);
        long k = transA ? a.size(0) : a.size(1);
        long n = transB ? b.size(0) : b.size(1);
        Nd4j.gemm(a, b, c, transA, transB, alpha, beta);
        FLOPS.add(2L * m * n * k);
    }

    /** c = op(a)·op(b) (overwrites c). */
    public static void mm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB) {
        mm(a, b, c, transA, transB, 1.0, 0.0);
    }

    /** out[1,C] += column sums of x[R,C] (uncounted, see the class comment). */
    public static void addColumnSums(INDArray onesR, INDArray x, INDArray out1C) {
        Nd4j.gemm(onesR.reshape(1, x.size(0)), x, out1C, false, false, 1.0, 1.0);
    }

    /** Adds FLOPs of products run outside this class ({@link GroupedGemm}). */
    static void addFlops(long flops) {
        FLOPS.add(flops);
    }

    /** Multiply-add FLOPs counted since the last {@link #resetCount()} (all threads). */
    public static long count() {
        return FLOPS.sum();
    }

    public static void resetCount() {
        FLOPS.reset();
    }
}
