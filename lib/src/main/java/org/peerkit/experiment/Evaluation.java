package org.peerkit.experiment;

import java.util.Arrays;
import org.peerkit.ffw.FeedForward;
import org.peerkit.model.DecoderLm;

/**
 * Mean next-token loss of a model over an {@link EvalSet}, weighting each window equally. Auxiliary
 * losses (MoE load balancing) are training terms, not part of the language-model loss, so they are
 * taken out again.
 */
public final class Evaluation {

    private Evaluation() {
    }

    public static double meanLoss(DecoderLm lm, EvalSet set) {
        if (set.batches() < 1) {
            throw new IllegalArgumentException("evaluation set '" + set.name() + "' has no batches: its split is"
                    + " shorter than one window of " + (set.seqLen() + 1) + " tokens");
        }
        int width = set.seqLen() + 1;
        int[] buf = new int[set.batchSize() * width];
        double sum = 0;
        long rows = 0;
        for (long i = 0; i < set.batches(); i++) {
            int r = set.fill(i, buf);
            int[] w = r == set.batchSize() ? buf : Arrays.copyOf(buf, r * width);
            double loss = lm.forwardLoss(w, r);
            for (FeedForward f : lm.feedForwards()) {
                loss -= f.auxLoss();
            }
            sum += loss * r;  // the loss is a mean over r·T tokens
            rows += r;
        }
        return sum / rows;
    }
}
