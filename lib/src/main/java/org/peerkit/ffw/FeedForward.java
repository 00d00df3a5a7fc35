package org.peerkit.ffw;

import org.peerkit.nn.Module;

/**
 * The feed-forward slot of a transformer block: a token-wise map [N,D] → [N,D]. Dense FFW fills it
 * here; coarse MoE, PKM and PEER fill it later (the paper replaces the FFW of the middle block,
 * paper §3.1) without the model changing.
 *
 * <p>Besides the {@link Module} contract, a kind reports what the isoFLOP accounting needs: the
 * parameters a token actually uses and the forward FLOPs per token of its GEMMs.
 */
public interface FeedForward extends Module {

    /** A short name for tables and configs: "dense", "moe", "pkm", "peer". */
    String kind();

    /** Parameters one token uses in a forward (all of them for dense; top-k experts for PEER). */
    long activeParams();

    /** Analytic forward FLOPs per token (2 per multiply-add), same convention as {@code Gemm}. */
    long forwardFlopsPerToken();

    /**
     * An auxiliary loss added to the training objective (e.g. MoE load balancing), already
     * weighted; 0 for kinds without one. Its gradient is the layer's own business in backward.
     */
    default double auxLoss() {
        return 0.0;
    }
}
