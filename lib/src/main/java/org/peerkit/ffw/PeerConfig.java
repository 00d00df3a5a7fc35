package org.peerkit.ffw;

import org.peerkit.tensor.Activation;

/**
 * Shape of a PEER layer (paper §2; defaults from §3.1: N = 1024², h = 8, k = 16; d_key = 128 and
 * GELU as the PyTorch reference, lib/README.md; the paper names
 * neither).
 *
 * @param dModel     width of x and of every expert's u and v
 * @param numExperts N, a perfect square (product keys pair √N sub-keys with √N sub-keys, Eq. 4)
 * @param heads      h independent queries sharing experts and keys (Eq. 7)
 * @param k          experts per head; also the per-half top-k (Eq. 5)
 * @param dKey       query width per head, even (split into two halves)
 * @param activation σ of the single-neuron experts (Eq. 6)
 * @param queryBatchNorm BatchNorm on the query network output (§3.3)
 */
public record PeerConfig(int dModel, int numExperts, int heads, int k, int dKey, Activation activation,
        boolean queryBatchNorm) {

    public PeerConfig {
        require(dModel >= 1, "dModel=" + dModel + " must be ≥ 1");
        require(numExperts >= 1, "numExperts=" + numExperts + " must be ≥ 1");
        int side = side(numExperts);
        require(side * side == numExperts, "numExperts=" + numExperts
                + " is not a perfect square (product keys need N = n²; e.g. " + side * side + " or "
                + (side + 1) * (side + 1) + ")");
        require(heads >= 1, "heads=" + heads + " must be ≥ 1");
        require(k >= 1, "k=" + k + " must be ≥ 1");
        require(k <= numExperts, "k=" + k + " exceeds numExperts=" + numExperts + " (need 1 ≤ k ≤ N)");
        require(dKey >= 2 && dKey % 2 == 0, "dKey=" + dKey + " must be even and ≥ 2 (the query is split in halves)");
        require(activation != null, "activation must be set (GELU or RELU)");
    }

    /**
     * Paper defaults at the reference's width: d_model 256, N = 1024², h = 8, k = 16, d_key 128,
     * GELU, BN on. Other shapes: {@code defaults().withHeads(4).withK(8).withNumExperts(32 * 32)}
     * (each step validates, so set k before shrinking N).
     */
    public static PeerConfig defaults() {
        return new PeerConfig(256, 1024 * 1024, 8, 16, 128, Activation.GELU, true);
    }

    /** A copy with N experts (a perfect square). */
    public PeerConfig withNumExperts(int n) {
        return new PeerConfig(dModel, n, heads, k, dKey, activation, queryBatchNorm);
    }

    public PeerConfig withDModel(int d) {
        return new PeerConfig(d, numExperts, heads, k, dKey, activation, queryBatchNorm);
    }

    public PeerConfig withHeads(int h) {
        return new PeerConfig(dModel, numExperts, h, k, dKey, activation, queryBatchNorm);
    }

    /** A copy with {@code topK} experts per head. */
    public PeerConfig withK(int topK) {
        return new PeerConfig(dModel, numExperts, heads, topK, dKey, activation, queryBatchNorm);
    }

    public PeerConfig withDKey(int q) {
        return new PeerConfig(dModel, numExperts, heads, k, q, activation, queryBatchNorm);
    }

    public PeerConfig withActivation(Activation a) {
        return new PeerConfig(dModel, numExperts, heads, k, dKey, a, queryBatchNorm);
    }

    public PeerConfig withQueryBatchNorm(boolean bn) {
        return new PeerConfig(dModel, numExperts, heads, k, dKey, activation, bn);
    }

    /** √N, the number of sub-keys per half. */
    public int subKeys() {
        return side(numExperts);
    }

    private static int side(int n) {
        return (int) Math.round(Math.sqrt(n));
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("PeerConfig: " + message);
        }
    }
}
