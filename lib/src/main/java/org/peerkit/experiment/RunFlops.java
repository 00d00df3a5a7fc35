package org.peerkit.experiment;

import java.util.ArrayList;
import java.util.List;
import org.peerkit.flops.FlopCount;
import org.peerkit.flops.LayerCount;

/**
 * Analytic FLOP counts of a run spec without building its model: the dense count of the backbone
 * at the spec's sequence length with the spec's FFW kind in the blocks its {@link Placement}
 * names. A run's summary records the paper's count; this adds the non-embedding count of the same
 * tokens (see {@link FlopCount#nonEmbeddingTrainingFlopsPerToken}).
 */
public final class RunFlops {

    private RunFlops() {
    }

    /** The per-part counts of {@code spec}'s model. */
    public static FlopCount count(RunSpec spec) {
        FlopCount dense = FlopCount.dense(spec.model(), spec.seqLen());
        int middle = spec.model().middleBlock();
        List<LayerCount> layers = new ArrayList<>();
        for (LayerCount l : dense.layers()) {
            String[] parts = l.name().split("\\.");
            boolean ffw = parts.length == 3 && parts[2].equals("ffw");
            boolean placed = ffw && (spec.placement() == Placement.ALL || Integer.parseInt(parts[1]) == middle);
            layers.add(placed ? spec.ffw().count(l.name(), spec.model().dModel(), spec.model().dFf(),
                    spec.model().bias()) : l);
        }
        return new FlopCount(layers, dense.seqLen());
    }

    /** The non-embedding training FLOPs of a finished run: its tokens × the non-embedding count per token. */
    public static double nonEmbedding(RunResult r) {
        return (double) r.summary().tokens() * count(r.spec()).nonEmbeddingTrainingFlopsPerToken();
    }
}
