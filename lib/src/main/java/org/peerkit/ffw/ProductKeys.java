package org.peerkit.ffw;

/**
 * The product-key shape shared by PEER ({@link PeerConfig}) and PKM ({@link PkmConfig}) and by the
 * run specs ({@code FfwSpec.Peer}, {@code FfwSpec.Pkm}): validated here, once, for all of them.
 *
 * <p>Retrieval takes each half's top min(k, √N) sub-keys, so the √N·√N candidates always hold k
 * (paper Eq. 5); k is therefore bounded by N, not by √N (the {@code peer_wide} golden case has
 * k = 16 over N = 8²).
 *
 * @param numExperts     N experts (PKM: memory slots), a perfect square: product keys pair √N sub-keys
 *                       with √N sub-keys (paper Eq. 4)
 * @param heads          h independent queries sharing experts and keys (paper Eq. 7)
 * @param k              experts per head; also the per-half top-k (paper Eq. 5)
 * @param dKey           query width per head, even (split into two halves)
 * @param queryBatchNorm BatchNorm on the query network output (paper §3.3)
 */
public record ProductKeys(int numExperts, int heads, int k, int dKey, boolean queryBatchNorm) {

    public ProductKeys {
        require(numExperts >= 1, "numExperts=" + numExperts + " must be ≥ 1");
        int side = side(numExperts);
        require(side * side == numExperts, "numExperts=" + numExperts
                + " is not a perfect square (product keys need N = n²; e.g. " + side * side + " or "
                + (side + 1) * (side + 1) + ")");
        require(heads >= 1, "heads=" + heads + " must be ≥ 1");
        require(k >= 1, "k=" + k + " must be ≥ 1");
        require(k <= numExperts, "k=" + k + " exceeds numExperts=" + numExperts + " (need 1 ≤ k ≤ N)");
        require(dKey >= 2 && dKey % 2 == 0, "dKey=" + dKey + " must be even and ≥ 2 (the query is split in halves)");
    }

    /** √N, the number of sub-keys per half. */
    public int subKeys() {
        return side(numExperts);
    }

    /** H·K, the experts one token retrieves over all heads. */
    public int slots() {
        return heads * k;
    }

    public ProductKeys withNumExperts(int n) {
        return new ProductKeys(n, heads, k, dKey, queryBatchNorm);
    }

    public ProductKeys withHeads(int h) {
        return new ProductKeys(numExperts, h, k, dKey, queryBatchNorm);
    }

    public ProductKeys withK(int topK) {
        return new ProductKeys(numExperts, heads, topK, dKey, queryBatchNorm);
    }

    public ProductKeys withDKey(int q) {
        return new ProductKeys(numExperts, heads, k, q, queryBatchNorm);
    }

    public ProductKeys withQueryBatchNorm(boolean bn) {
        return new ProductKeys(numExperts, heads, k, dKey, bn);
    }

    private static int side(int n) {
        return (int) Math.round(Math.sqrt(n));
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("product keys: " + message);
        }
    }
}
