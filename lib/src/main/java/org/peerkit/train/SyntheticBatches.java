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
public record SyntheticBatches(int batchSize, int seqLen, int vocabSize, long seed) implements BatchSource {

    public SyntheticBatches {
        if (batchSize <= 0 || seqLen <= 0 || vocabSize < 2) {
            throw new IllegalArgumentException("batchSize=" + batchSize + ", seqLen=" + seqLen + ", vocab=" + vocabSize
                    + ": need positive sizes and vocab ≥ 2");
        }
    }

    @Override
    public void batch(long index, int[] tokensBT1) {
        requireBatch(index, tokensBT1);
        int maxStride = Math.min(vocabSize - 1, 8);
        for (int b = 0; b < batchSize; b++) {
            Rng rng = new Rng(seed ^ (index * 0x9E3779B97F4A7C15L) ^ (b * 0xC2B2AE3D27D4EB4FL));
            rng.nextLong();
            int start = rng.nextInt(vocabSize);
            int stride = 1 + rng.nextInt(maxStride);
            for (int i = 0; i <= seqLen; i++) {
                tokensBT1[b * (seqLen + 1) + i] = (int) ((start + (long) i * stride) % vocabSize);
            }
        }
    }
}
