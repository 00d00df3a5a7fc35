package org.peerkit.experiment;

import org.peerkit.flops.FfwKind;
import org.peerkit.flops.FfwSpec;
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
        String layer = switch (ffw.kind()) {
            case MOE -> "org.peerkit.ffw.MoeFfw";
            case PKM -> "org.peerkit.ffw.PkmLayer";
            default -> "org.peerkit.ffw.PeerLayer";
        };
        throw new IllegalArgumentException("ffw.kind=" + ffw.kind().id() + " needs " + layer + ", which is not in this"
                + " build yet (the expert layers, issue 6); use ffw.kind=dense for now, or plan it with IsoFlopPlanner");
    }
}
