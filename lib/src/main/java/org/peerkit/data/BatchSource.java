package org.peerkit.data;

/**
 * A deterministic, random-access source of training windows: the window batch number {@code index}
 * depends only on the source's construction (corpus, seed) and {@code index}. That makes resuming a
 * run exact: the trainer stores the step, not an iterator state.
 *
 * <p>Shapes: B = {@link #batchSize()}, T = {@link #seqLen()}. A window holds T+1 tokens so that
 * inputs are {@code [0, T)} and next-token targets are {@code [1, T+1)}.
 *
 * <p>The implementation is {@link Batches}, made by
 * {@link PreparedData#batches(Split, int, int, long)}; for evaluation it also cuts a split into
 * sequential, non-overlapping windows ({@link Batches#evalWindows()}, {@link Batches#evalBatches()},
 * {@link Batches#evalBatch(long, int[])}, which returns how many rows it filled).
 */
public interface BatchSource {

    int batchSize();

    int seqLen();

    /** Number of distinct token ids; every token written is in {@code [0, vocabSize())}. */
    int vocabSize();

    /**
     * Fills {@code tokensBT1} (length B·(T+1), row-major {@code [B, T+1]}) with batch number
     * {@code index}.
     *
     * @throws IllegalArgumentException if the array length is not B·(T+1) or index is negative
     */
    void batch(long index, int[] tokensBT1);

    /** The argument check every {@link #batch} starts with: a non-negative index and a B·(T+1) array. */
    default void requireBatch(long index, int[] tokensBT1) {
        if (index < 0) {
            throw new IllegalArgumentException("batch index=" + index + " must be non-negative");
        }
        requireLength(tokensBT1);
    }

    /** {@code tokensBT1} holds B windows of T+1 tokens, or an error naming both lengths. */
    default void requireLength(int[] tokensBT1) {
        int want = batchSize() * (seqLen() + 1);
        if (tokensBT1.length != want) {
            throw new IllegalArgumentException("tokensBT1.length=" + tokensBT1.length + " must be B*(T+1) = "
                    + batchSize() + "*" + (seqLen() + 1) + " = " + want);
        }
    }
}
