package org.peerkit.train;

import org.peerkit.data.BatchSource;
import org.peerkit.nn.Rng;

/**
 * A synthetic, learnable, random-access {@link BatchSource} for tests, benchmarks and smoke runs
 * before a corpus is prepared: each window is an arithmetic progression modulo V,
 * tᵢ = (start + i·stride) mod V, with start and stride drawn from (seed, window). A model has to
 * infer the stride in context, so the loss falls from ln V towards 0 as it learns. Window w of batch
 * index i is a pure function of (seed, i, w).
 */
public final class SyntheticBatches implements BatchSource {

    private final int batchSize;
    private final int seqLen;
    private final int vocab;
    private final long seed;
    private final int maxStride;

    public SyntheticBatches(int batchSize, int seqLen, int vocab, long seed) {
        if (batchSize <= 0 || seqLen <= 0 || vocab < 2) {
            throw new IllegalArgumentException("batchSize=" + batchSize + ", seqLen=" + seqLen + ", vocab=" + vocab
                    + ": need positive sizes and vocab ≥ 2");
        }
        this.batchSize = batchSize;
        this.seqLen = seqLen;
        this.vocab = vocab;
        this.seed = seed;
        this.maxStride = Math.min(vocab - 1, 8);
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
        return vocab;
    }

    @Override
    public void batch(long index, int[] tokensBT1) {
        requireBatch(index, tokensBT1);
        for (int b = 0; b < batchSize; b++) {
            Rng rng = new Rng(seed ^ (index * 0x9E3779B97F4A7C15L) ^ (b * 0xC2B2AE3D27D4EB4FL));
            rng.nextLong();
            int start = rng.nextInt(vocab);
            int stride = 1 + rng.nextInt(maxStride);
            for (int i = 0; i <= seqLen; i++) {
                tokensBT1[b * (seqLen + 1) + i] = (int) ((start + (long) i * stride) % vocab);
            }
        }
    }
}
