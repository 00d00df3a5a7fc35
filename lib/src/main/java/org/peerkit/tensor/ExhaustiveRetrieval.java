package org.peerkit.tensor;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The baseline product keys avoid (paper §2, Eq. 3): score the query against every one of the
 * N = S² full keys k_ij = [c_i; c′_j] and keep the top k, O(N·d_key) per query. Used to check
 * {@link Kernels#retrieve} and to time what the k² candidate trick saves; never used in training.
 *
 * <p>The full keys are built block by block (a few sub-key rows i at a time, every column j), so
 * the work is a real dense scan of N keys of width d_key through an ND4J GEMM, while memory stays
 * bounded at one block; a running top-k per (token, head) is merged after each block. Output
 * layout and tie order (lower expert index first) as {@link Kernels#retrieve}.
 */
public final class ExhaustiveRetrieval {

    /** Keys per GEMM block: large enough to run near sgemm speed, small enough to stay in cache-ish memory. */
    private static final int BLOCK_KEYS = 1 << 14;

    private ExhaustiveRetrieval() {}

    /**
     * Top-k over all N = S² product keys for each token and head; same arguments and output as
     * {@link Kernels#retrieve}.
     */
    public static void retrieve(INDArray qTxHQ, INDArray keys1, INDArray keys2, int heads, int k, Retrieval out) {
        int tokens = (int) qTxHQ.size(0);
        int q = (int) qTxHQ.size(1) / heads;
        int half = q / 2;
        int s = (int) keys1.size(0);
        long n = (long) s * s;
        if (k > n) {
            throw new IllegalArgumentException("exhaustive retrieval: k=" + k + " exceeds N=" + n);
        }
        if (out.scoresTxHK().size(0) != tokens || out.scoresTxHK().size(1) != (long) heads * k) {
            throw new IllegalArgumentException("exhaustive retrieval: scores buffer is "
                    + Arrays.toString(out.scoresTxHK().shape()) + ", need [" + tokens + ", " + heads * k + "]");
        }
        int rows = tokens * heads;
        INDArray queries = qTxHQ.reshape('c', rows, q); // [T·H, Q]: head-major layout makes this a view
        int blockRows = Math.max(1, Math.min(s, BLOCK_KEYS / s)); // sub-key rows i per block
        double[][] topV = new double[rows][k];
        int[][] topI = new int[rows][k];
        int[] filled = new int[rows];
        try (INDArray block = Nd4j.create(qTxHQ.dataType(), (long) blockRows * s, q);
             INDArray scores = Nd4j.create(qTxHQ.dataType(), rows, (long) blockRows * s)) {
            for (int i0 = 0; i0 < s; i0 += blockRows) {
                int br = Math.min(blockRows, s - i0);
                INDArray b = br == blockRows ? block : block.get(NDArrayIndex.interval(0, (long) br * s),
                        NDArrayIndex.all());
                fillBlock(keys1, keys2, i0, br, s, half, Vec.of(block));
                INDArray sc = br == blockRows ? scores : Nd4j.create(qTxHQ.dataType(), rows, (long) br * s);
                Nd4j.gemm(queries, b, sc, false, true, 1.0, 0.0);
                Vec f = Vec.of(sc);
                int width = br * s;
                int base = i0 * s;
                IntStream.range(0, rows).parallel().forEach(r -> filled[r] = merge(f, r * width, width, base,
                        topV[r], topI[r], filled[r]));
                if (sc != scores) {
                    sc.close();
                }
            }
        }
        Vec outScores = Vec.of(out.scoresTxHK());
        for (int r = 0; r < rows; r++) {
            for (int slot = 0; slot < k; slot++) {
                int at = r * k + slot;
                int e = topI[r][slot];
                outScores.set(at, topV[r][slot]);
                out.expertTHK()[at] = e;
                out.rowTHK()[at] = e / s;
                out.colTHK()[at] = e % s;
            }
        }
    }

    /** block[(i − i0)·S + j] = [c_i ; c′_j] for i in [i0, i0+br). */
    private static void fillBlock(INDArray keys1, INDArray keys2, int i0, int br, int s, int half, Vec block) {
        Vec k1 = Vec.of(keys1);
        Vec k2 = Vec.of(keys2);
        IntStream.range(0, br * s).parallel().forEach(r -> {
            int i = i0 + r / s;
            int j = r % s;
            for (int d = 0; d < half; d++) {
                block.set(r * 2 * half + d, k1.get(i * half + d));
                block.set(r * 2 * half + half + d, k2.get(j * half + d));
            }
        });
    }

    /** Sorted insertion of scores[from, from+width) (expert ids base + offset) into a running top-k. */
    private static int merge(Vec scores, int from, int width, int base, double[] val, int[] idx, int filled) {
        int k = val.length;
        for (int c = 0; c < width; c++) {
            filled = TopK.offer(scores.get(from + c), base + c, k, val, idx, filled);
        }
        return filled;
    }
}
