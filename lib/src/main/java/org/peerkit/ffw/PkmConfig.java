package org.peerkit.ffw;

/**
 * Shape of a product-key memory layer (Lample et al. 2019; the PEER paper's PKM baseline, §3.1:
 * 1024² memories, h = 8 heads, top k = 32 per head, query BN).
 *
 * @param dModel     width of x and of every value vector
 * @param numValues  N memory slots, a perfect square (product keys)
 * @param heads      query heads; values are shared by all heads, outputs summed
 * @param k          slots per head (and per-half top-k)
 * @param dKey       query width per head, even
 * @param sharedKeys true: one sub-key pair for all heads (as PEER); false: each head its own
 *                   (XLM's {@code use_different_keys}, its default)
 * @param queryBatchNorm BatchNorm on the query output
 */
public record PkmConfig(int dModel, int numValues, int heads, int k, int dKey, boolean sharedKeys,
        boolean queryBatchNorm) {

    public PkmConfig {
        require(dModel >= 1, "dModel=" + dModel + " must be ≥ 1");
        require(numValues >= 1, "numValues=" + numValues + " must be ≥ 1");
        int side = (int) Math.round(Math.sqrt(numValues));
        require(side * side == numValues, "numValues=" + numValues
                + " is not a perfect square (product keys need N = n²)");
        require(heads >= 1, "heads=" + heads + " must be ≥ 1");
        require(k >= 1 && k <= numValues, "k=" + k + " must be in [1, numValues=" + numValues + "]");
        require(dKey >= 2 && dKey % 2 == 0, "dKey=" + dKey + " must be even and ≥ 2 (the query is split in halves)");
    }

    /** The paper's PKM baseline at the reference's width: N = 1024², h = 8, k = 32, d_key 128, BN on. */
    public static PkmConfig defaults() {
        return new PkmConfig(256, 1024 * 1024, 8, 32, 128, false, true);
    }

    public PkmConfig withDModel(int d) {
        return new PkmConfig(d, numValues, heads, k, dKey, sharedKeys, queryBatchNorm);
    }

    /** A copy with N memory slots (a perfect square). */
    public PkmConfig withNumValues(int n) {
        return new PkmConfig(dModel, n, heads, k, dKey, sharedKeys, queryBatchNorm);
    }

    public PkmConfig withHeads(int h) {
        return new PkmConfig(dModel, numValues, h, k, dKey, sharedKeys, queryBatchNorm);
    }

    /** A copy with {@code topK} slots per head. */
    public PkmConfig withK(int topK) {
        return new PkmConfig(dModel, numValues, heads, topK, dKey, sharedKeys, queryBatchNorm);
    }

    public PkmConfig withDKey(int q) {
        return new PkmConfig(dModel, numValues, heads, k, q, sharedKeys, queryBatchNorm);
    }

    public PkmConfig withSharedKeys(boolean shared) {
        return new PkmConfig(dModel, numValues, heads, k, dKey, shared, queryBatchNorm);
    }

    public PkmConfig withQueryBatchNorm(boolean bn) {
        return new PkmConfig(dModel, numValues, heads, k, dKey, sharedKeys, bn);
    }

    public int subKeys() {
        return (int) Math.round(Math.sqrt(numValues));
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("PkmConfig: " + message);
        }
    }
}
