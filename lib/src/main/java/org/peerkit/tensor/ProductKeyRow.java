package org.peerkit.tensor;

/**
 * Product-key top-k for one (token, head) row from its two halves' sub-key scores (paper §2,
 * Eqs. 4–5): the top k′ = min(k, √N) of each half, the candidate sums s1[a] + s2[b], and the top
 * k of those. Holds the scratch one worker thread needs, so a task allocates once and then
 * selects row after row.
 *
 * <p>Float32 sub-scores take a float path (bulk row copy, {@link TopK#select(float[], int, int,
 * float[], int[], long[])}); float64 ones (gradient checks) the double path. Both form the
 * candidate sums in double, so both choose the same experts.
 */
final class ProductKeyRow {

    private final int s;
    private final int kh;
    private final int k;
    private final float[] subF;
    private final double[] subD;
    private final float[] topF;
    private final long[] keys;
    private final double[] v1;
    private final double[] v2;
    private final int[] i1;
    private final int[] i2;
    private final double[] cand;
    private final int[] candAt;
    private final double[] topV;
    private final int[] topI;
    private final float[] outF;

    /** For √N = {@code s} sub-keys per half and k experts per head. */
    ProductKeyRow(int s, int k) {
        this.s = s;
        this.kh = Math.min(k, s);
        this.k = k;
        subF = new float[s];
        subD = new double[s];
        topF = new float[kh];
        keys = new long[kh];
        v1 = new double[kh];
        v2 = new double[kh];
        i1 = new int[kh];
        i2 = new int[kh];
        cand = new double[kh * kh];
        candAt = new int[kh * kh];
        topV = new double[k];
        topI = new int[k];
        outF = new float[k];
    }

    /**
     * Selects row {@code row} of the [rows, S] sub-score blocks {@code s1}, {@code s2} and writes
     * its k slots at flat position {@code r0} of {@code out} (scores, row, column, expert).
     */
    void select(Vec s1, Vec s2, int row, Retrieval out, Vec scores, int r0) {
        half(s1, row * s, v1, i1);
        half(s2, row * s, v2, i2);
        int nc = candidates();
        TopK.select(cand, 0, nc, k, topV, topI);
        for (int slot = 0; slot < k; slot++) {
            int ab = candAt[topI[slot]];
            int rowKey = i1[ab / kh];
            int colKey = i2[ab % kh];
            out.rowTHK()[r0 + slot] = rowKey;
            out.colTHK()[r0 + slot] = colKey;
            out.expertTHK()[r0 + slot] = rowKey * s + colKey;
        }
        if (scores instanceof Vec.F32 f) {
            for (int slot = 0; slot < k; slot++) {
                outF[slot] = (float) topV[slot];
            }
            f.putRowF(r0, outF);
        } else {
            for (int slot = 0; slot < k; slot++) {
                scores.set(r0 + slot, topV[slot]);
            }
        }
    }

    /** Top k′ of one half-row at {@code at}, values widened to double into {@code v}. */
    private void half(Vec sub, int at, double[] v, int[] idx) {
        if (sub instanceof Vec.F32 f) {
            f.rowF(at, subF);
            TopK.select(subF, s, kh, topF, idx, keys);
            for (int a = 0; a < kh; a++) {
                v[a] = topF[a];
            }
        } else {
            sub.row(at, subD, subF);
            TopK.select(subD, 0, s, kh, v, idx);
        }
    }

    /**
     * The k′² candidate sums v1[a] + v2[b], pruned exactly: with both halves sorted, (a, b) is
     * beaten by every (a′ ≤ a, b′ ≤ b), so it can only be in the top k when (a+1)(b+1) ≤ k. Falls
     * back to all pairs if pruning left fewer than k. Candidate ids are a·k′ + b, as in the paper.
     */
    private int candidates() {
        int n = 0;
        for (int a = 0; a < kh; a++) {
            for (int b = 0; b < kh && (a + 1) * (b + 1) <= k; b++) {
                cand[n] = v1[a] + v2[b];
                candAt[n++] = a * kh + b;
            }
        }
        if (n >= k) {
            return n;
        }
        n = 0;
        for (int a = 0; a < kh; a++) {
            for (int b = 0; b < kh; b++) {
                cand[n] = v1[a] + v2[b];
                candAt[n++] = a * kh + b;
            }
        }
        return n;
    }
}
