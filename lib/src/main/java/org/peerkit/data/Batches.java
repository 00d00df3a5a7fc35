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
public final class Batches implements BatchSource {

    private final TokenShard shard;
    private final int batchSize;
    private final int seqLen;
    private final long seed;
    private final String splitName;

    /**
     * @param splitName used in error messages only
     * @throws IllegalArgumentException if B or T is not positive or the split has fewer than T+1 tokens
     */
    public Batches(TokenShard shard, String splitName, int batchSize, int seqLen, long seed) {
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
        this.shard = shard;
        this.splitName = splitName;
        this.batchSize = batchSize;
        this.seqLen = seqLen;
        this.seed = seed;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public int seqLen() {
        return seqLen;
    }

    @Override
    public int vocabSize() {
        return shard.vocabSize();
    }

    public long seed() {
        return seed;
    }

    /** Tokens in the split. */
    public long tokenCount() {
        return shard.tokenCount();
    }

    @Override
    public void batch(long index, int[] tokensBT1) {
        if (index < 0) {
            throw new IllegalArgumentException("batch index=" + index + " must be non-negative");
        }
        checkLength(tokensBT1);
        long starts = shard.tokenCount() - seqLen; // number of valid window starts
        for (int b = 0; b < batchSize; b++) {
            long r = mix64(seed ^ mix64(index * batchSize + b + 0x9E3779B97F4A7C15L));
            shard.read(Long.remainderUnsigned(r, starts), tokensBT1, b * (seqLen + 1), seqLen + 1);
        }
    }

    /** Number of non-overlapping evaluation windows: {@code floor((N-1)/T)}. */
    public long evalWindows() {
        return (shard.tokenCount() - 1) / seqLen;
    }

    /** Number of evaluation batches: {@code ceil(evalWindows / B)}. */
    public long evalBatches() {
        return (evalWindows() + batchSize - 1) / batchSize;
    }

    /**
     * Fills the first rows of {@code tokensBT1} with evaluation batch {@code index} and returns how
     * many rows hold windows (B, except possibly for the last batch); later rows are left as they were.
     */
    public int evalBatch(long index, int[] tokensBT1) {
        if (index < 0 || index >= evalBatches()) {
            throw new IllegalArgumentException("eval batch index=" + index + " outside [0, " + evalBatches() + ") of split '" + splitName + "'");
        }
        checkLength(tokensBT1);
        long first = index * batchSize;
        int rows = (int) Math.min(batchSize, evalWindows() - first);
        for (int b = 0; b < rows; b++) {
            shard.read((first + b) * seqLen, tokensBT1, b * (seqLen + 1), seqLen + 1);
        }
        return rows;
    }

    private void checkLength(int[] tokensBT1) {
        int want = batchSize * (seqLen + 1);
        if (tokensBT1.length != want) {
            throw new IllegalArgumentException("tokensBT1.length=" + tokensBT1.length + " must be B*(T+1) = "
                    + batchSize + "*" + (seqLen + 1) + " = " + want);
        }
    }

    /**
     * SplitMix64's finaliser (Steele et al. 2014). Written out rather than using
     * {@code java.util.SplittableRandom} so the windows of a seed are fixed by this code, not by
     * the JDK's implementation.
     */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
