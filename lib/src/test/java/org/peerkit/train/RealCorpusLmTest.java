package org.peerkit.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.peerkit.data.Batches;
import org.peerkit.data.PreparedData;
import org.peerkit.data.RealData;
import org.peerkit.data.Split;
import org.peerkit.data.UnigramBaseline;
import org.peerkit.model.DecoderLm;
import org.peerkit.model.LmConfig;

/**
 * A short real training run on the State of the Union training split: the held-out validation
 * perplexity (every validation token, non-overlapping windows) must end far below the unigram
 * perplexity of the same split. Small on purpose (D=128, 2 layers, 300 steps of 2,048 tokens); the
 * {@code small} preset for a few minutes gets much further (see the training-core issue's note).
 */
class RealCorpusLmTest {
    private static final int STEPS = 300;

    @Test
    void aShortRunBeatsTheUnigramBaselineOnHeldOutText() {
        PreparedData data = RealData.openOrSkip();
        int t = 64;
        LmConfig cfg = LmConfig.tiny(data.vocabSize()).withShape(128, 2, 4, 512).withContextLength(t);
        DecoderLm model = new DecoderLm(cfg, 7);
        TrainConfig tc = new TrainConfig(STEPS, 1, 1.0, new LrSchedule(3e-3, 30, STEPS, 0.1), AdamWConfig.defaults(), 7);
        Trainer trainer = new Trainer(model, data.batches(Split.TRAIN, 32, t, 7), tc);
        trainer.run();

        double unigram = UnigramBaseline.perplexity(data.shard(Split.TRAIN), data.shard(Split.VALID));
        double lm = Math.exp(meanLoss(model, data.batches(Split.VALID, 32, t, 0)));
        System.out.printf("validation perplexity after %d steps: %.1f (unigram %.1f)%n", STEPS, lm, unigram);
        assertTrue(lm < 0.6 * unigram, "validation ppl " + lm + " should be far below unigram " + unigram);
    }

    /** Token-weighted mean loss over every evaluation window of the split. */
    static double meanLoss(DecoderLm model, Batches eval) {
        int width = eval.seqLen() + 1;
        int[] w = new int[eval.batchSize() * width];
        double sum = 0;
        long rowsSeen = 0;
        for (long i = 0; i < eval.evalBatches(); i++) {
            int rows = eval.evalBatch(i, w);
            sum += model.forwardLoss(rows == eval.batchSize() ? w : Arrays.copyOf(w, rows * width), rows) * rows;
            rowsSeen += rows;
        }
        return sum / rowsSeen;
    }
}
