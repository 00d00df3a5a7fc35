package org.peerkit.experiment;

import org.peerkit.flops.FfwSpec;
import org.peerkit.ffw.MoeConfig;
import org.peerkit.ffw.MoeFfw;
import org.peerkit.ffw.PeerConfig;
import org.peerkit.ffw.PeerLayer;
import org.peerkit.ffw.PkmConfig;
import org.peerkit.ffw.PkmLayer;
import org.peerkit.model.DecoderLm;
import org.peerkit.model.FfwFactory;

/**
 * Builds the model of a spec: the backbone of {@code spec.model()} with the spec's FFW kind in the
 * blocks its {@link Placement} names, dense elsewhere.
 */
public final class RunModels {

    private RunModels() {
    }

    public static DecoderLm build(RunSpec spec) {
        return new DecoderLm(spec.model(), factory(spec), spec.seed());
    }

    /** The per-block FFW factory; a kind whose layer is not in this build is an error naming it. */
    public static FfwFactory factory(RunSpec spec) {
        FfwFactory kind = kindFactory(spec.ffw());
        return spec.placement() == Placement.ALL ? kind : FfwFactory.middle(kind);
    }

    static FfwFactory kindFactory(FfwSpec ffw) {
        if (ffw instanceof FfwSpec.Dense) {
            return FfwFactory.dense();
        }
        if (ffw instanceof FfwSpec.Peer p) {
            return (name, block, cfg, rng) -> new PeerLayer(name, new PeerConfig(cfg.dModel(), p.keys(), cfg.activation()),
                    cfg.precision().dataType(), rng);
        }
        if (ffw instanceof FfwSpec.Pkm p) {
            // per-head sub-keys, as the XLM PKM the paper's baseline follows (FfwSpec.Pkm#count)
            return (name, block, cfg, rng) -> new PkmLayer(name, new PkmConfig(cfg.dModel(), p.keys(), false),
                    cfg.precision().dataType(), rng);
        }
        if (ffw instanceof FfwSpec.Moe m) {
            // the paper's MoE baseline (§3.1): expert-choice routing, each expert the size of the dense
            // MLP; expert choice has no auxiliary losses and no per-token k (topK is unused)
            return (name, block, cfg, rng) -> new MoeFfw(name, new MoeConfig(cfg.dModel(), m.experts(), cfg.dFf(),
                    MoeConfig.RouterKind.EXPERT_CHOICE, 1, m.capacityFactor(), 0, 0, cfg.activation()),
                    cfg.precision().dataType(), rng);
        }
        throw new IllegalArgumentException("ffw.kind=" + ffw.kind().id() + " has no layer in this build");
    }

    /** Puts the model into training (batch statistics in query BN) or evaluation mode ({@link DecoderLm#setTraining}). */
    static void setTraining(DecoderLm lm, boolean training) {
        lm.setTraining(training);
    }
}
