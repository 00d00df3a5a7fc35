package org.peerkit.flops;

import org.peerkit.model.LmConfig;

/**
 * One rung of an isoFLOP ladder: a model and what a FLOP budget buys it.
 *
 * @param backbone the dense model the FFW kind is put into (middle block)
 * @param ffw the FFW kind and settings
 * @param count analytic parameters and FLOPs of the whole model
 * @param budget training FLOPs
 * @param tokens training tokens the budget buys (budget ÷ training FLOPs per token)
 * @param steps optimiser steps of {@code tokensPerStep} tokens
 */
public record ModelPlan(LmConfig backbone, FfwSpec ffw, FlopCount count, double budget, long tokens, long steps) {

    /** Bytes of fp32 weights. */
    public long weightBytes() {
        return 4 * count.totalParams();
    }

    /** Bytes of AdamW state: two fp32 moments per parameter. */
    public long optimizerBytes() {
        return 8 * count.totalParams();
    }

    /** The non-embedding training FLOPs these tokens cost ({@link FlopCount#nonEmbeddingTrainingFlopsPerToken}). */
    public double nonEmbeddingFlops() {
        return (double) tokens * count.nonEmbeddingTrainingFlopsPerToken();
    }

    public double tokensPerParam() {
        return (double) tokens / count.totalParams();
    }
}
