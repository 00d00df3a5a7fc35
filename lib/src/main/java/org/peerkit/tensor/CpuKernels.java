package org.peerkit.tensor;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Kernels} in plain Java over the arrays' native memory, parallel over tokens (or experts)
 * on the common fork-join pool. Each call goes to the float fast path ({@link FloatKernels}) when
 * all its arrays are float32 and the kernel has one, else to the exact reference
 * ({@link ExactKernels}). Letters as in {@link Kernels}.
 *
 * <p>Why by hand: the paper notes an efficient PEER needs the expert lookup fused with the
 * arithmetic (§2); ND4J has no such op, and gather + batched matmul would build the T·M·D tensor
 * of gathered rows. Here each token reads its M expert rows in place from u and v, and the
 * expert-table gradients are accumulated per expert after bucketing the (token, slot) pairs by
 * expert, so every touched row is written by one thread, in a fixed order (results do not depend
 * on scheduling).
 *
 * <p>The sub-key scores (T·H·S·Q multiply-adds, the only dense part) go through ND4J GEMMs in
 * token blocks so their [block·H, S] score blocks stay small; the top-k that follows is Java
 * ({@link ProductKeyRow}).
 *
 * <p>Not thread-safe: one instance per layer (it keeps scratch buffers between calls).
 */
public final class CpuKernels implements Kernels {

    /**
     * Sub-scores per GEMM block and half: 2²⁰ floats (4 MB), i.e. 128 tokens at H = 8 and
     * S = 1,024, or 1,024 tokens at S = 128. Small enough to stay in the last-level cache between
     * the GEMM (which first zeroes its output, OpenBLAS's beta pass) and the top-k that reads it;
     * large enough that a small S does not pay a GEMM call and a parallel section per few tokens
     * (README, Benchmarks).
     */
    private static final int GEMM_BLOCK_SCORES = 1 << 20;
    /**
     * The float forward goes expert-major (each touched expert's u and v rows read once, not once
     * per pair) when pairs outnumber experts this many times: N = 128² at T = 4096, H·K = 128
     * (32 pairs per expert), not 256² (8).
     */
    static final int EXPERT_MAJOR_PAIRS = 16;
    /**
     * Most token partitions of {@link #retrieveBackward} (one per 16 tokens below that), each with
     * private sub-key gradients summed in partition order. A constant, not the core count: the
     * float sums must not change with the threads a run gets (a sweep member trained alone or
     * beside others, {@code peerkit sweep --jobs}); 16 keeps 16 cores busy, and the sequential
     * partition sum (16 · S · Q/2 adds) small next to the T·H·K·Q pass.
     */
    static final int RETRIEVE_PARTS = 16;
    /**
     * Private [T, D] accumulators of the expert-major mixing passes, summed in partition order. A
     * constant for the same reason as {@link #RETRIEVE_PARTS}; 8 keeps 8 cores busy on the expert
     * pass, and the partition sum (8·T·D adds, itself row-parallel) stays about 2% of the pass's
     * T·M·D work at M = 128.
     */
    static final int MIX_PARTS = 8;

    private INDArray q1Scratch;
    private INDArray q2Scratch;
    private INDArray s1Scratch;
    private INDArray s2Scratch;
    private float[][] rowParts = new float[0][];

    @Override
    public void retrieve(INDArray qTxHQ, INDArray keys1, INDArray keys2, int heads, int k, Retrieval out) {
        int tokens = (int) qTxHQ.size(0);
        int half = (int) qTxHQ.size(1) / heads / 2;
        int s = (int) keys1.size(0);
        Vec qf = Vec.of(qTxHQ);
        Vec scores = Vec.of(out.scoresTxHK());
        int blockTokens = Math.max(1, GEMM_BLOCK_SCORES / (heads * s));
        for (int t0 = 0; t0 < tokens; t0 += blockTokens) {
            int rows = Math.min(blockTokens, tokens - t0) * heads;
            ensureScratch(qTxHQ.dataType(), rows, half, s);
            splitHalves(qf, t0 * heads, rows, half, Vec.of(q1Scratch), Vec.of(q2Scratch));
            Nd4j.gemm(q1Scratch, keys1, s1Scratch, false, true, 1.0, 0.0);
            Nd4j.gemm(q2Scratch, keys2, s2Scratch, false, true, 1.0, 0.0);
            Vec f1 = Vec.of(s1Scratch);
            Vec f2 = Vec.of(s2Scratch);
            int base = t0 * heads;
            Parallel.rows(rows, s * 2, (from, to) -> {
                ProductKeyRow pk = new ProductKeyRow(s, k);
                for (int row = from; row < to; row++) {
                    pk.select(f1, f2, row, out, scores, (base + row) * k);
                }
            });
        }
    }

    /** Copies rows of q = [q1 | q2] into the two half matrices the sub-score GEMMs read. */
    private static void splitHalves(Vec q, int firstRow, int rows, int half, Vec q1, Vec q2) {
        Parallel.rows(rows, 2 * half, (from, to) -> {
            for (int r = from; r < to; r++) {
                int src = (firstRow + r) * 2 * half;
                q1.copyFrom(q, src, r * half, half);
                q2.copyFrom(q, src + half, r * half, half);
            }
        });
    }

    private void ensureScratch(DataType dtype, int rows, int half, int s) {
        if (q1Scratch == null || q1Scratch.dataType() != dtype || q1Scratch.size(0) != rows
                || q1Scratch.size(1) != half || s1Scratch.size(1) != s) {
            q1Scratch = Nd4j.create(dtype, rows, half);
            q2Scratch = Nd4j.create(dtype, rows, half);
            s1Scratch = Nd4j.create(dtype, rows, s);
            s2Scratch = Nd4j.create(dtype, rows, s);
        }
    }

    @Override
    public void retrieveBackward(INDArray dScoresTxHK, INDArray qTxHQ, INDArray keys1, INDArray keys2,
            int heads, Retrieval r, INDArray dqTxHQ, INDArray dKeys1, INDArray dKeys2) {
        int tokens = (int) qTxHQ.size(0);
        int q = (int) qTxHQ.size(1) / heads;
        int keyCells = (int) keys1.length();
        Vec ds = Vec.of(dScoresTxHK);
        Vec qf = Vec.of(qTxHQ);
        Vec k1 = Vec.of(keys1);
        Vec k2 = Vec.of(keys2);
        Vec dq = Vec.of(dqTxHQ);
        Vec dk1 = Vec.of(dKeys1);
        Vec dk2 = Vec.of(dKeys2);
        // fixed partitions with private sub-key gradients, summed in partition order: deterministic
        int parts = Math.max(1, Math.min(RETRIEVE_PARTS, tokens / 16));
        if (Vec.allFloat(ds, qf, k1, k2, dq, dk1, dk2)) {
            float[][] g1 = new float[parts][keyCells];
            float[][] g2 = new float[parts][keyCells];
            FloatKernels.retrieveBackward((Vec.F32) ds, (Vec.F32) qf, (Vec.F32) k1, (Vec.F32) k2, (Vec.F32) dq,
                    r.rowTHK(), r.colTHK(), tokens, heads, r.size() / (tokens * heads), q, g1, g2);
            addPartitions(g1, dk1);
            addPartitions(g2, dk2);
            return;
        }
        double[][] g1 = new double[parts][keyCells];
        double[][] g2 = new double[parts][keyCells];
        ExactKernels.retrieveBackward(ds, qf, k1, k2, dq, r, tokens, heads, q, g1, g2);
        addPartitions(g1, dk1);
        addPartitions(g2, dk2);
    }

    private static void addPartitions(float[][] parts, Vec into) {
        for (int i = 0; i < parts[0].length; i++) {
            double sum = 0;
            for (float[] p : parts) {
                sum += p[i];
            }
            into.add(i, sum);
        }
    }

    private static void addPartitions(double[][] parts, Vec into) {
        for (int i = 0; i < parts[0].length; i++) {
            double sum = 0;
            for (double[] p : parts) {
                sum += p[i];
            }
            into.add(i, sum);
        }
    }

    @Override
    public void softmaxGroups(INDArray scores, int k, INDArray gates) {
        ExactKernels.softmaxGroups(Vec.of(scores), Vec.of(gates), (int) (scores.length() / k), k);
    }

    @Override
    public void softmaxGroupsBackward(INDArray gates, INDArray dGates, int k, INDArray dScores) {
        ExactKernels.softmaxGroupsBackward(Vec.of(gates), Vec.of(dGates), Vec.of(dScores),
                (int) (gates.length() / k), k);
    }

    @Override
    public void mixForward(INDArray xTxD, int[] expertTM, INDArray gatesTxM, INDArray uNxD, INDArray vNxD,
            Activation act, INDArray preActTxM, INDArray yTxD) {
        ExpertMix mix = ExpertMix.of(xTxD, expertTM, gatesTxM, uNxD, vNxD, act, preActTxM);
        Vec y = Vec.of(yTxD);
        if (!mix.allFloat(y)) {
            ExactKernels.mixForward(mix, y);
        } else if (mix.crowded(EXPERT_MAJOR_PAIRS)) {
            FloatKernels.mixForwardByExpert(mix, rowParts(mix.tokens() * mix.d()), (Vec.F32) y);
        } else {
            FloatKernels.mixForward(mix, (Vec.F32) y);
        }
    }

    @Override
    public int[] mixBackward(INDArray dyTxD, INDArray xTxD, int[] expertTM, INDArray gatesTxM, INDArray uNxD,
            INDArray vNxD, Activation act, INDArray preActTxM, INDArray dxTxD, INDArray dGatesTxM,
            INDArray duNxD, INDArray dvNxD) {
        ExpertMix mix = ExpertMix.of(xTxD, expertTM, gatesTxM, uNxD, vNxD, act, preActTxM);
        Vec dy = Vec.of(dyTxD);
        Vec dx = Vec.of(dxTxD);
        Vec dg = Vec.of(dGatesTxM);
        Vec du = Vec.of(duNxD);
        Vec dv = Vec.of(dvNxD);
        if (!mix.allFloat(dy, dx, dg, du, dv)) {
            return ExactKernels.mixBackward(mix, dy, dx, dg, du, dv);
        }
        return FloatKernels.mixBackward(mix, (Vec.F32) dy, (Vec.F32) dg, (Vec.F32) du, (Vec.F32) dv,
                rowParts(mix.tokens() * mix.d()), (Vec.F32) dx);
    }

    /**
     * {@link #MIX_PARTS} private [T, D] accumulators (dx, or y in the expert-major forward), kept
     * between calls (4 MB each at T = 4096, D = 256).
     */
    private float[][] rowParts(int size) {
        int parts = MIX_PARTS;
        if (rowParts.length != parts || rowParts[0].length != size) {
            rowParts = new float[parts][size];
        }
        return rowParts;
    }

    @Override
    public void bagForward(int[] expertTM, INDArray gatesTxM, INDArray vNxD, INDArray yTxD) {
        Vec g = Vec.of(gatesTxM);
        Vec v = Vec.of(vNxD);
        Vec y = Vec.of(yTxD);
        if (Vec.allFloat(g, v, y)) {
            FloatBag.forward(expertTM, (Vec.F32) g, (Vec.F32) v, (Vec.F32) y, (int) yTxD.size(1), (int) gatesTxM.size(1));
            return;
        }
        ExactKernels.bagForward(expertTM, Vec.of(gatesTxM), Vec.of(vNxD), Vec.of(yTxD), (int) yTxD.size(1),
                (int) gatesTxM.size(1));
    }

    @Override
    public int[] bagBackward(INDArray dyTxD, int[] expertTM, INDArray gatesTxM, INDArray vNxD, INDArray dGatesTxM,
            INDArray dvNxD) {
        Vec dy = Vec.of(dyTxD);
        Vec g = Vec.of(gatesTxM);
        Vec v = Vec.of(vNxD);
        Vec dg = Vec.of(dGatesTxM);
        Vec dv = Vec.of(dvNxD);
        if (Vec.allFloat(dy, g, v, dg, dv)) {
            return FloatBag.backward((Vec.F32) dy, expertTM, (Vec.F32) g, (Vec.F32) v, (Vec.F32) dg, (Vec.F32) dv,
                    (int) dyTxD.size(1), (int) gatesTxM.size(1), (int) vNxD.size(0));
        }
        return ExactKernels.bagBackward(Vec.of(dyTxD), expertTM, Vec.of(gatesTxM), Vec.of(vNxD), Vec.of(dGatesTxM),
                Vec.of(dvNxD), (int) dyTxD.size(1), (int) gatesTxM.size(1), (int) vNxD.size(0));
    }
}
