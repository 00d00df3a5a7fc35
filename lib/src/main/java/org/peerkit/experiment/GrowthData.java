package org.peerkit.experiment;

import org.peerkit.data.BatchSource;
import org.peerkit.data.PreparedData;
import org.peerkit.data.Split;
import org.peerkit.data.TokenRange;
import org.peerkit.train.SyntheticBatches;

/**
 * The token sources of a {@link GrowthSpec}: training windows of the new text, and evaluation sets
 * of the old text and of the new text's held-out part. {@link #standard()} reads the prepared
 * corpus; tests pass synthetic ones.
 */
public interface GrowthData {

    BatchSource newTextTrain(GrowthSpec g);

    EvalSet oldText(GrowthSpec g);

    EvalSet newTextHeldOut(GrowthSpec g);

    /**
     * Old text: the SOTU validation split. New text: {@code g.newText()} cut by
     * {@link TokenRange#split} into its first {@code newTextTrainFraction} (trained on) and the rest.
     */
    static GrowthData standard() {
        return new GrowthData() {
            private final RunData runs = RunData.standard();

            private TokenRange[] parts(GrowthSpec g) {
                RunSpec b = g.base();
                PreparedData d = PreparedData.open(b.model().vocabSize());
                return TokenRange.split(d.shard(g.newText()), g.newText().id(), g.newTextTrainFraction(), b.batchSize(),
                        b.seqLen(), g.seed());
            }

            public BatchSource newTextTrain(GrowthSpec g) {
                return parts(g)[0];
            }

            public EvalSet oldText(GrowthSpec g) {
                DataSpec d = g.base().data();
                return runs.eval(g.base().withData(new DataSpec(d.source(), d.evalSplits(), g.evalBatches(),
                        d.evalEvery())), Split.VALID);
            }

            public EvalSet newTextHeldOut(GrowthSpec g) {
                return EvalSet.windows(g.newText().id() + "-held-out", parts(g)[1], g.evalBatches());
            }
        };
    }

    /** Synthetic stand-ins (for tests and runs without a prepared corpus): each set its own seed. */
    static GrowthData synthetic() {
        return new GrowthData() {
            private SyntheticBatches src(GrowthSpec g, long salt) {
                RunSpec b = g.base();
                return new SyntheticBatches(b.batchSize(), b.seqLen(), b.model().vocabSize(), g.seed() * 31 + salt);
            }

            public BatchSource newTextTrain(GrowthSpec g) {
                return src(g, 1);
            }

            public EvalSet oldText(GrowthSpec g) {
                return EvalSet.firstBatches("old", new SyntheticBatches(g.base().batchSize(), g.base().seqLen(),
                        g.base().model().vocabSize(), g.base().seed() ^ 0x5DEECE66DL), g.evalBatches());
            }

            public EvalSet newTextHeldOut(GrowthSpec g) {
                return EvalSet.firstBatches("new", src(g, 2), g.evalBatches());
            }
        };
    }
}
