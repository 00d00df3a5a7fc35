package org.peerkit.data;

/**
 * The perplexity of a unigram model — token frequencies counted on one shard (add-one smoothed over
 * the vocabulary) — on another. It is the floor any language model must beat: a model that learned
 * nothing about context scores about this, so "validation perplexity well below unigram" is the
 * first sanity check of a training run.
 */
public final class UnigramBaseline {
    private UnigramBaseline() {}

    /** exp of the mean −log p(token) over every token of {@code eval}, p from {@code train}'s counts. */
    public static double perplexity(TokenShard train, TokenShard eval) {
        if (train.vocabSize() != eval.vocabSize()) {
            throw new IllegalArgumentException("shards use different vocabularies: " + train.vocabSize() + " vs " + eval.vocabSize());
        }
        int v = train.vocabSize();
        long[] counts = new long[v];
        int[] chunk = new int[1 << 16];
        forEachToken(train, chunk, id -> counts[id]++);
        double total = train.tokenCount() + (double) v;
        double[] nll = new double[1];
        forEachToken(eval, chunk, id -> nll[0] -= Math.log((counts[id] + 1) / total));
        return Math.exp(nll[0] / eval.tokenCount());
    }

    private static void forEachToken(TokenShard shard, int[] chunk, java.util.function.IntConsumer f) {
        for (long start = 0; start < shard.tokenCount(); start += chunk.length) {
            int len = (int) Math.min(chunk.length, shard.tokenCount() - start);
            shard.read(start, chunk, 0, len);
            for (int i = 0; i < len; i++) {
                f.accept(chunk[i]);
            }
        }
    }
}
