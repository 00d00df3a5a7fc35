package org.peerkit.experiment;

import java.util.Arrays;
import org.peerkit.model.DecoderLm;

/** Mean next-token loss of a model over an {@link EvalSet}, weighting each window equally. */
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
            sum += lm.forwardLoss(w, r) * r;  // the loss is a mean over r·T tokens
            rows += r;
        }
        return sum / rows;
    }
}
