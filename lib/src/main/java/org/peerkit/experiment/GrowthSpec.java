package org.peerkit.experiment;

import java.nio.charset.StandardCharsets;
import org.peerkit.data.DataFiles;
import org.peerkit.data.Split;
import org.peerkit.flops.FfwSpec;

/**
 * A growing-experts experiment (the paper's lifelong-learning motivation, §1 and §5: a PEER layer
 * can take on new experts as new data arrives): train {@code base} (a PEER run of the run store) on
 * the State of the Union training split, then continue it for {@code steps} steps on the first
 * {@code newTextTrainFraction} of {@code newText} in two arms — "grown", its PEER layer grown from
 * N = n² to {@code newSide}² experts, and "control", the same continuation without growing — and
 * evaluate both on the old text (SOTU validation) and on the held-out rest of the new text every
 * {@code evalEvery} steps, over {@code evalBatches} batches each.
 *
 * @param seed seeds the continuation's data order and the new experts' initialisation
 */
public record GrowthSpec(RunSpec base, int newSide, Split newText, double newTextTrainFraction, long steps,
        int evalEvery, int evalBatches, long seed) {

    public GrowthSpec {
        if (base == null || !(base.ffw() instanceof FfwSpec.Peer p)) {
            throw new IllegalArgumentException("the base run of a growth experiment must be a PEER run (ffw.kind=peer),"
                    + " got " + (base == null ? "none" : base.ffw().kind().id()));
        }
        int side = (int) Math.round(Math.sqrt(p.experts()));
        if (newSide <= side) {
            throw new IllegalArgumentException("newSide=" + newSide + " must exceed the base layer's √N = " + side
                    + " (N = " + p.experts() + "), else nothing grows");
        }
        if (newText == null || newText == Split.TRAIN || newText == Split.VALID || newText == Split.TEST) {
            throw new IllegalArgumentException("newText=" + newText + " must be text the base run never saw nor is"
                    + " evaluated on as old text: use moby-dick or brown");
        }
        if (!(newTextTrainFraction > 0 && newTextTrainFraction < 1)) {
            throw new IllegalArgumentException("newTextTrainFraction=" + newTextTrainFraction + " must lie in (0, 1):"
                    + " the rest is held out to measure the new text on");
        }
        if (steps < 1 || evalEvery < 1 || evalBatches < 1) {
            throw new IllegalArgumentException("steps=" + steps + ", evalEvery=" + evalEvery + " and evalBatches="
                    + evalBatches + " must all be positive");
        }
    }

    /** √N of the base run's layer. */
    public int oldSide() {
        return (int) Math.round(Math.sqrt(((FfwSpec.Peer) base.ffw()).experts()));
    }

    /**
     * The content hash naming the experiment's folder: the base run's id (itself a hash of its whole
     * spec) and every field here. Bump the leading version when the procedure changes, so old
     * results are not reused for a different experiment.
     */
    public String id() {
        String canonical = "growth-v1|base=" + base.id() + "|newSide=" + newSide + "|newText=" + newText.id()
                + "|fraction=" + Double.toString(newTextTrainFraction) + "|steps=" + steps + "|evalEvery=" + evalEvery
                + "|evalBatches=" + evalBatches + "|seed=" + seed;
        return DataFiles.sha256(canonical.getBytes(StandardCharsets.UTF_8)).substring(0, SpecJson.ID_HEX_DIGITS);
    }
}
