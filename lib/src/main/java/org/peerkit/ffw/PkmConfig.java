package org.peerkit.ffw;

/**
 * Shape of a product-key memory layer (Lample et al. 2019; the PEER paper's PKM baseline, §3.1:
 * 1024² memories, h = 8 heads, top k = 32 per head, query BN). N of {@link #keys} counts the
 * memory slots (value vectors), shared by all heads; the heads' outputs are summed.
 *
 * @param dModel     width of x and of every value vector
 * @param keys       N slots, h, k, d_key and query BN, validated by {@link ProductKeys}
 * @param sharedKeys true: one sub-key pair for all heads (as PEER); false: each head its own
 *                   (XLM's {@code use_different_keys}, its default)
 */
public record PkmConfig(int dModel, ProductKeys keys, boolean sharedKeys) implements ProductKeyConfig<PkmConfig> {

    public PkmConfig {
        if (dModel < 1) {
            throw new IllegalArgumentException("PkmConfig: dModel=" + dModel + " must be ≥ 1");
        }
        if (keys == null) {
            throw new IllegalArgumentException("PkmConfig: keys must be set (e.g. PkmConfig.defaults().keys())");
        }
    }

    /** The paper's PKM baseline at the reference's width: N = 1024², h = 8, k = 32, d_key 128, BN on. */
    public static PkmConfig defaults() {
        return new PkmConfig(256, new ProductKeys(1024 * 1024, 8, 32, 128, true), false);
    }

    @Override
    public PkmConfig with(int d, ProductKeys shape) {
        return new PkmConfig(d, shape, sharedKeys);
    }

    public PkmConfig withSharedKeys(boolean shared) {
        return new PkmConfig(dModel, keys, shared);
    }
}
