package org.peerkit.experiment;

import org.peerkit.data.BatchSource;
import org.peerkit.data.TokenRange;

/**
 * Fixed, sequential evaluation windows of one held-out set: batch i is always the same, so an
 * evaluation at a step is reproducible (and a resumed run re-evaluates to the same value).
 * Shapes: B = {@link #batchSize()}, T = {@link #seqLen()}.
 */
public interface EvalSet {

    /** The split's id, e.g. "valid", "moby-dick". */
    String name();

    int batchSize();

    int seqLen();

    long batches();

    /**
     * Fills the first rows of {@code windowsBT1} (length B·(T+1)) with batch {@code index} and
     * returns how many rows it filled (B except possibly for the last batch).
     */
    int fill(long index, int[] windowsBT1);

    /** The first {@code maxBatches} (at most) of the sequential evaluation batches of {@code range}. */
    static EvalSet windows(String name, TokenRange range, long maxBatches) {
        return new Batched(name, range.batchSize(), range.seqLen(), Math.min(range.evalBatches(), maxBatches),
                range::evalBatch);
    }

    /** The first {@code count} batches of a random-access source (a synthetic one), B windows each. */
    static EvalSet firstBatches(String name, BatchSource src, long count) {
        return new Batched(name, src.batchSize(), src.seqLen(), count, (index, w) -> {
            src.batch(index, w);
            return src.batchSize();
        });
    }

    /** Fills the windows of batch {@code index}; returns how many rows it filled. */
    interface Filler {
        int fill(long index, int[] windowsBT1);
    }

    /** An evaluation set of {@code batches} batches that {@code filler} fills. */
    record Batched(String name, int batchSize, int seqLen, long batches, Filler filler) implements EvalSet {
        @Override
        public int fill(long index, int[] windowsBT1) {
            return filler.fill(index, windowsBT1);
        }
    }
}
