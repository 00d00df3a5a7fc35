package org.peerkit.data;

/**
 * A contiguous part {@code [from, to)} of a token shard, as random training windows (seeded) and as
 * sequential evaluation windows; {@link Batches} is the range that covers a whole split. A part
 * lets one text be cut into a part to train on and a later part held out, e.g. to continue training
 * on new text and measure on text of the same kind that was never trained on (the growing-experts
 * notebook).
 */
public class TokenRange implements BatchSource {

    private final TokenShard shard;
    private final String name;
    private final long from;
    private final long to;
    private final int batchSize;
    private final int seqLen;
    private final long seed;

    /**
     * @throws IllegalArgumentException if the range is outside the shard, or shorter than one window of T+1 tokens
     */
    public TokenRange(TokenShard shard, String name, long from, long to, int batchSize, int seqLen, long seed) {
        if (batchSize < 1 || seqLen < 1) {
            throw new IllegalArgumentException("batchSize=" + batchSize + " and seqLen=" + seqLen + " must be at least 1");
        }
        if (from < 0 || to > shard.tokenCount() || from >= to) {
            throw new IllegalArgumentException(name + ": range [" + from + ", " + to + ") is not inside the shard's "
                    + shard.tokenCount() + " tokens");
        }
        if (to - from < seqLen + 1L) {
            throw new IllegalArgumentException(name + ": range of " + (to - from) + " tokens is shorter than one window"
                    + " of seqLen+1=" + (seqLen + 1) + "; use a shorter seqLen or a larger range");
        }
        this.shard = shard;
        this.name = name;
        this.from = from;
        this.to = to;
        this.batchSize = batchSize;
        this.seqLen = seqLen;
        this.seed = seed;
    }

    /**
     * The first {@code fraction} of a shard and the rest: {@code [0]} to train on, {@code [1]} held out.
     * The cut is at a token boundary, so no window of one part overlaps the other.
     */
    public static TokenRange[] split(TokenShard shard, String name, double fraction, int batchSize, int seqLen,
            long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("fraction=" + fraction + " must lie strictly between 0 and 1");
        }
        long cut = Math.round(shard.tokenCount() * fraction);
        return new TokenRange[] {new TokenRange(shard, name + "[train]", 0, cut, batchSize, seqLen, seed),
            new TokenRange(shard, name + "[held-out]", cut, shard.tokenCount(), batchSize, seqLen, seed)};
    }

    public String name() {
        return name;
    }

    public long from() {
        return from;
    }

    public long to() {
        return to;
    }

    public long tokenCount() {
        return to - from;
    }

    /** The seed the training windows are drawn from. */
    public long seed() {
        return seed;
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

    /** Batch {@code index} of random windows inside the range; depends only on the seed and the index. */
    @Override
    public void batch(long index, int[] tokensBT1) {
        requireBatch(index, tokensBT1);
        long starts = tokenCount() - seqLen;  // valid window starts inside the range
        for (int b = 0; b < batchSize; b++) {
            long r = mix64(seed ^ mix64(index * batchSize + b + 0x9E3779B97F4A7C15L));
            shard.read(from + Long.remainderUnsigned(r, starts), tokensBT1, b * (seqLen + 1), seqLen + 1);
        }
    }

    /** Non-overlapping evaluation windows of T+1 tokens inside the range. */
    public long evalWindows() {
        return (tokenCount() - 1) / seqLen;
    }

    public long evalBatches() {
        return (evalWindows() + batchSize - 1) / batchSize;
    }

    /** Fills the first rows with evaluation batch {@code index}; returns how many rows it filled. */
    public int evalBatch(long index, int[] tokensBT1) {
        if (index < 0 || index >= evalBatches()) {
            throw new IllegalArgumentException("eval batch index=" + index + " outside [0, " + evalBatches()
                    + ") of " + name);
        }
        requireLength(tokensBT1);
        long first = index * batchSize;
        int rows = (int) Math.min(batchSize, evalWindows() - first);
        for (int b = 0; b < rows; b++) {
            shard.read(from + (first + b) * seqLen, tokensBT1, b * (seqLen + 1), seqLen + 1);
        }
        return rows;
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
