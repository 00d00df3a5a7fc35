package org.peerkit.flops;

/**
 * Parameters and forward FLOPs of one named part of the model (e.g. "blocks.2.ffw").
 *
 * @param name the part's parameter-name prefix
 * @param params parameters stored
 * @param activeParams parameters one token uses (less than params for expert layers)
 * @param forwardFlopsPerToken forward GEMM FLOPs per token (2 per multiply-add)
 */
public record LayerCount(String name, long params, long activeParams, long forwardFlopsPerToken) {
}
