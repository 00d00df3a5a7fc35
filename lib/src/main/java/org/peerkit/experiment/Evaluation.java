package org.peerkit.experiment;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.peerkit.ffw.FeedForward;
import org.peerkit.ffw.PeerLayer;
import org.peerkit.ffw.PkmLayer;
import org.peerkit.ffw.RoutingRecord;
import org.peerkit.ffw.RoutingStats;
import org.peerkit.model.DecoderLm;

/**
 * Mean next-token loss of a model over an {@link EvalSet}, weighting each window equally, with the
 * expert layers in evaluation mode (query BatchNorm on running statistics) and their routing
 * statistics over the set (paper Table 2: usage %, unevenness = KL to uniform, dead experts).
 * Auxiliary losses (MoE load balancing) are training terms, not part of the language-model loss,
 * so they are taken out again.
 */
public final class Evaluation {

    /**
     * @param loss mean next-token loss
     * @param routing per expert layer: {@code block<i>_usage_pct}, {@code block<i>_unevenness},
     *     {@code block<i>_dead}; empty for a dense model
     */
    public record Outcome(double loss, Map<String, Double> routing) {
    }

    private Evaluation() {
    }

    public static double meanLoss(DecoderLm lm, EvalSet set) {
        return evaluate(lm, set).loss();
    }

    public static Outcome evaluate(DecoderLm lm, EvalSet set) {
        if (set.batches() < 1) {
            throw new IllegalArgumentException("evaluation set '" + set.name() + "' has no batches: its split is"
                    + " shorter than one window of " + (set.seqLen() + 1) + " tokens");
        }
        List<FeedForward> ffws = lm.feedForwards();
        RoutingStats[] stats = new RoutingStats[ffws.size()];
        int width = set.seqLen() + 1;
        int[] buf = new int[set.batchSize() * width];
        double sum = 0;
        long rows = 0;
        boolean wasTraining = lm.isTraining();
        lm.eval();
        try {
            for (long i = 0; i < set.batches(); i++) {
                int r = set.fill(i, buf);
                int[] w = r == set.batchSize() ? buf : Arrays.copyOf(buf, r * width);
                double loss = lm.forwardLoss(w, r);
                for (int b = 0; b < ffws.size(); b++) {
                    loss -= ffws.get(b).auxLoss();
                    RoutingRecord rec = routing(ffws.get(b));
                    if (rec != null) {
                        stats[b] = stats[b] == null ? new RoutingStats(rec.numExperts()) : stats[b];
                        stats[b].add(rec);
                    }
                }
                sum += loss * r;  // the loss is a mean over r·T tokens
                rows += r;
            }
        } finally {
            lm.setTraining(wasTraining);
        }
        Map<String, Double> routing = new LinkedHashMap<>();
        for (int b = 0; b < stats.length; b++) {
            if (stats[b] != null) {
                routing.put("block" + b + "_usage_pct", stats[b].usagePercent());
                routing.put("block" + b + "_unevenness", stats[b].unevenness());
                routing.put("block" + b + "_dead", (double) stats[b].deadExperts());
            }
        }
        return new Outcome(sum / rows, routing);
    }

    private static RoutingRecord routing(FeedForward f) {
        if (f instanceof PeerLayer p) {
            return p.routing();
        }
        if (f instanceof PkmLayer p) {
            return p.routing();
        }
        return null;
    }
}
