package org.peerkit.ffw;

import org.peerkit.tensor.Activation;

/**
 * Shape of a PEER layer (paper §2; defaults from §3.1: N = 1024², h = 8, k = 16; d_key = 128 and
 * GELU as the PyTorch reference, lib/README.md; the paper names
 * neither).
 *
 * @param dModel     width of x and of every expert's u and v
 * @param keys       N, h, k, d_key and query BN, validated by {@link ProductKeys}
 * @param activation σ of the single-neuron experts (Eq. 6)
 */
public record PeerConfig(int dModel, ProductKeys keys, Activation activation) implements ProductKeyConfig<PeerConfig> {

    public PeerConfig {
        if (dModel < 1) {
            throw new IllegalArgumentException("PeerConfig: dModel=" + dModel + " must be ≥ 1");
        }
        if (keys == null || activation == null) {
            throw new IllegalArgumentException("PeerConfig: keys and activation must be set (activation GELU or RELU)");
        }
    }

    /**
     * Paper defaults at the reference's width: d_model 256, N = 1024², h = 8, k = 16, d_key 128,
     * GELU, BN on. Other shapes: {@code defaults().withHeads(4).withK(8).withNumExperts(32 * 32)}
     * (each step validates, so set k before shrinking N).
     */
    public static PeerConfig defaults() {
        return new PeerConfig(256, new ProductKeys(1024 * 1024, 8, 16, 128, true), Activation.GELU);
    }

    @Override
    public PeerConfig with(int d, ProductKeys shape) {
        return new PeerConfig(d, shape, activation);
    }

    public PeerConfig withActivation(Activation a) {
        return new PeerConfig(dModel, keys, a);
    }
}
