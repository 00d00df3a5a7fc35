package org.peerkit.model;

import java.util.function.IntPredicate;
import org.peerkit.ffw.DenseFfw;
import org.peerkit.ffw.FeedForward;
import org.peerkit.nn.Rng;

/**
 * Builds the feed-forward layer of each block, so a model's FFW kind can be chosen per block
 * (dense everywhere, or an expert layer in the middle block as in the paper) without the model
 * knowing the kinds.
 */
@FunctionalInterface
public interface FfwFactory {

    /**
     * @param name parameter-name prefix, e.g. "blocks.2.ffw"
     * @param block block index, 0-based
     */
    FeedForward create(String name, int block, LmConfig cfg, Rng rng);

    /** The transformer MLP of width {@code cfg.dFf()}. */
    static FfwFactory dense() {
        return (name, block, cfg, rng) -> new DenseFfw(name, cfg.dModel(), cfg.dFf(), cfg.activation(), cfg.bias(),
                cfg.initStd(), cfg.residualStd(), cfg.precision().dataType(), rng);
    }

    /** {@code special} in the blocks {@code where} accepts, {@code rest} elsewhere. */
    static FfwFactory perBlock(IntPredicate where, FfwFactory special, FfwFactory rest) {
        return (name, block, cfg, rng) -> (where.test(block) ? special : rest).create(name, block, cfg, rng);
    }

    /** {@code special} in the middle block ({@link LmConfig#middleBlock()}), dense elsewhere. */
    static FfwFactory middle(FfwFactory special) {
        return (name, block, cfg, rng) ->
                (block == cfg.middleBlock() ? special : dense()).create(name, block, cfg, rng);
    }
}
