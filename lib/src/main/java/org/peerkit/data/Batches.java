package org.peerkit.data;

/**
 * Windows of {@code T+1} tokens from one memory-mapped {@link TokenShard}, in batches of B rows
 * (row-major {@code [B, T+1]}; inputs are columns {@code [0, T)}, next-token targets {@code [1, T+1)}).
 *
 * <ul>
 *   <li>Training ({@link #batch}): row b of batch i starts at a position drawn from
 *       {@code seed}, {@code i} and {@code b} alone, uniformly in {@code [0, N-T-1]}, so batch i
 *       is the same on every call and every machine and a resumed run sees exactly the batches it
 *       would have seen (the trainer stores the step, not an iterator).</li>
 *   <li>Evaluation ({@link #evalBatch}): the split cut into {@link #evalWindows()} consecutive,
 *       non-overlapping windows (window w starts at token {@code w·T}; consecutive windows share
 *       one boundary token, so every token after the first is predicted exactly once), B per batch,
 *       the last batch possibly partial.</li>
 * </ul>
 *
 * Letters: B = batch size, T = sequence length, N = tokens in the split.
 */
public final class Batches extends TokenRange {

    /**
     * @param splitName used in error messages only
     * @throws IllegalArgumentException if B or T is not positive or the split has fewer than T+1 tokens
     */
    public Batches(TokenShard shard, String splitName, int batchSize, int seqLen, long seed) {
        super(requireWindow(shard, splitName, batchSize, seqLen), "split '" + splitName + "'", 0, shard.tokenCount(),
                batchSize, seqLen, seed);
    }

    /** The whole split as one range, so the windows and their draws are {@link TokenRange}'s. */
    private static TokenShard requireWindow(TokenShard shard, String splitName, int batchSize, int seqLen) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize=" + batchSize + " must be at least 1");
        }
        if (seqLen < 1) {
            throw new IllegalArgumentException("seqLen=" + seqLen + " must be at least 1");
        }
        if (seqLen + 1L > shard.tokenCount()) {
            throw new IllegalArgumentException("seqLen=" + seqLen + " is longer than split '" + splitName + "' allows: a window needs "
                    + (seqLen + 1L) + " tokens but the split has " + shard.tokenCount() + "; use a shorter seqLen");
        }
        return shard;
    }
}
