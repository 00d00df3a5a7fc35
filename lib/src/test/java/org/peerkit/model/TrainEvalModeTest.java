package org.peerkit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.peerkit.experiment.EvalSet;
import org.peerkit.experiment.Evaluation;
import org.peerkit.ffw.PeerConfig;
import org.peerkit.ffw.PeerLayer;
import org.peerkit.ffw.PkmConfig;
import org.peerkit.ffw.PkmLayer;
import org.peerkit.ffw.QueryBatchNorm;
import org.peerkit.train.SyntheticBatches;
import org.peerkit.train.TrainConfig;
import org.peerkit.train.Trainer;

/** {@link DecoderLm#setTraining}: reaches every query BatchNorm and changes what a forward computes. */
class TrainEvalModeTest {

    /** PEER in block 0, PKM in block 1, both with query BN. */
    private static DecoderLm lm() {
        FfwFactory ffw = (name, block, cfg, rng) -> block == 0
                ? new PeerLayer(name, PeerConfig.defaults().withDModel(cfg.dModel()).withHeads(2).withK(4)
                        .withDKey(8).withNumExperts(64),
                        cfg.precision().dataType(), rng)
                : new PkmLayer(name, PkmConfig.defaults().withDModel(cfg.dModel()).withHeads(2).withK(4)
                        .withDKey(8).withNumExperts(64),
                        cfg.precision().dataType(), rng);
        return new DecoderLm(LmConfig.tiny(32).withShape(16, 2, 2, 32), ffw, 2);
    }

    private static List<QueryBatchNorm> norms(DecoderLm lm) {
        return List.of(((PeerLayer) lm.feedForwards().get(0)).queryBatchNorm(),
                ((PkmLayer) lm.feedForwards().get(1)).queryBatchNorm());
    }

    private static float[] firstRowsLogits(DecoderLm lm, int[] tokens, int batch, int rows) {
        return Arrays.copyOf(lm.logits(tokens, batch).dup().data().asFloat(), rows * 32);
    }

    @Test
    void modeReachesEveryQueryBatchNormAndDecidesWhetherOtherSequencesMatter() {
        DecoderLm lm = lm();
        new Trainer(lm, new SyntheticBatches(2, 8, 32, 1), TrainConfig.defaults().withSteps(3)).run();
        assertTrue(lm.isTraining());
        norms(lm).forEach(bn -> assertTrue(bn.isTraining()));
        int[] a = {1, 2, 3, 4, 5, 6, 7, 8};
        int[] ab = {1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 30, 31, 12, 0, 5, 17};

        assertSame(lm, lm.eval());
        assertFalse(lm.isTraining());
        norms(lm).forEach(bn -> assertFalse(bn.isTraining()));
        double[] meanBefore = norms(lm).get(0).runningMean().clone();
        // evaluation: running statistics, so a sequence's logits do not depend on its batch companions
        // (up to float rounding: GEMMs of another height may sum in another order)
        double evalDiff = maxDiff(firstRowsLogits(lm, a, 1, 8), firstRowsLogits(lm, ab, 2, 8));
        assertTrue(evalDiff < 1e-5, "eval-mode logits changed by " + evalDiff);
        assertArrayEquals(meanBefore, norms(lm).get(0).runningMean(), 0.0, "eval forward moved the running mean");

        lm.train();
        norms(lm).forEach(bn -> assertTrue(bn.isTraining()));
        // training: batch statistics, so the second sequence changes the first one's logits
        double trainDiff = maxDiff(firstRowsLogits(lm, a, 1, 8), firstRowsLogits(lm, ab, 2, 8));
        assertTrue(trainDiff > 1e-3, "training-mode logits changed by only " + trainDiff);
    }

    private static double maxDiff(float[] x, float[] y) {
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }

    @Test
    void trainerEvaluateUsesEvalModeAndLeavesRunningStatisticsAlone() {
        DecoderLm lm = lm();
        Trainer t = new Trainer(lm, new SyntheticBatches(2, 8, 32, 1), TrainConfig.defaults().withSteps(2));
        t.run();
        double[] mean = norms(lm).get(0).runningMean().clone();
        double[] var = norms(lm).get(1).runningVar().clone();
        double loss = t.evaluate(new SyntheticBatches(2, 8, 32, 9), 0, 2);
        assertTrue(Double.isFinite(loss));
        assertTrue(lm.isTraining());
        assertArrayEquals(mean, norms(lm).get(0).runningMean(), 0.0);
        assertArrayEquals(var, norms(lm).get(1).runningVar(), 0.0);
    }

    @Test
    void evaluationRunsInEvalModeAndRestoresTheModeItFound() {
        DecoderLm lm = lm();
        EvalSet set = new EvalSet() {
            public String name() {
                return "synthetic";
            }

            public int batchSize() {
                return 2;
            }

            public int seqLen() {
                return 8;
            }

            public long batches() {
                return 2;
            }

            public int fill(long index, int[] w) {
                new SyntheticBatches(2, 8, 32, 5).batch(index, w);
                return 2;
            }
        };
        double[] mean = norms(lm).get(1).runningMean().clone();
        Evaluation.Outcome o = Evaluation.evaluate(lm, set);
        assertTrue(lm.isTraining());
        assertArrayEquals(mean, norms(lm).get(1).runningMean(), 0.0, "evaluation must not update running stats");
        assertTrue(o.routing().containsKey("block0_usage_pct") && o.routing().containsKey("block1_unevenness"));
        lm.eval();
        double again = Evaluation.evaluate(lm, set).loss();
        assertFalse(lm.isTraining(), "Evaluation switched a model it found in eval mode back to training");
        assertTrue(again == o.loss(), o.loss() + " vs " + again);
    }
}
