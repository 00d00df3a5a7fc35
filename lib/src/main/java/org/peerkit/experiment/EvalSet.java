package org.peerkit.experiment;

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
}
