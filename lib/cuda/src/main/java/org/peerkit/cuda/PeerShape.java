package org.peerkit.cuda;

/**
 * The sizes of a PEER layer (paper §2): d_model D, N = S² experts, h heads, k experts per head,
 * d_key Q, and the expert activation (0 GELU, 1 ReLU, the order of lib's Activation).
 */
public record PeerShape(int dModel, int numExperts, int heads, int k, int dKey, int activation) {

    public PeerShape {
        int s = (int) Math.round(Math.sqrt(numExperts));
        require(s * s == numExperts, "numExperts=" + numExperts + " is not a perfect square (product keys need N = S²)");
        require(dModel % 4 == 0, "dModel=" + dModel + " must be a multiple of 4 (expert rows are read as float4)");
        require(dKey >= 2 && dKey % 2 == 0, "dKey=" + dKey + " must be even (the query is split in halves)");
        require(k >= 1 && k <= 32, "k=" + k + " must be in 1..32 (one warp holds a head's top k)");
        require(Math.min(k, s) * Math.min(k, s) >= k, "k=" + k + " exceeds the min(k, √N)² candidates");
        require(heads >= 1, "heads=" + heads + " must be ≥ 1");
        require(activation == 0 || activation == 1, "activation=" + activation + " must be 0 (GELU) or 1 (ReLU)");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** √N, sub-keys per half. */
    public int subKeys() {
        return (int) Math.round(Math.sqrt(numExperts));
    }

    /** k' = min(k, √N), the per-half top-k. */
    public int halfK() {
        return Math.min(k, subKeys());
    }

    /** M = h·k expert slots per token. */
    public int slots() {
        return heads * k;
    }

    /** h·d_key, the query width. */
    public int queryWidth() {
        return heads * dKey;
    }

    /** The warp top-k variant compiled for this k (retrieval.cu: 4, 8, 16, 32). */
    int kernelK() {
        int need = Math.max(k, halfK());
        int v = 4;
        while (v < need) {
            v *= 2;
        }
        return v;
    }

    /** Forward FLOPs per token (multiply-add = 2): query GEMM, sub-key scores, expert dots and sums. */
    public double forwardFlopsPerToken() {
        return 2.0 * dModel * queryWidth() + 2.0 * heads * dKey * subKeys() + 4.0 * slots() * dModel;
    }
}
