package org.peerkit.experiment;

import java.util.List;
import org.peerkit.data.Split;

/**
 * Where a run's tokens come from. {@code SOTU}: the prepared corpus (org.peerkit.data), BPE with
 * the model's vocabulary size; training windows from {@link Split#TRAIN}. {@code LIBRARY}: the same
 * from the larger {@link org.peerkit.data.Corpus#LIBRARY} corpus (prepared on first use, Debian
 * packages downloaded then). {@code SYNTHETIC}: the
 * learnable arithmetic sequences of {@code SyntheticBatches}, needing no download (tests, smoke runs).
 *
 * @param source SOTU, LIBRARY or SYNTHETIC
 * @param evalSplits sets evaluated at the end (the first one also every {@code evalEvery} steps);
 *     for SYNTHETIC only their names matter (each gets its own seed)
 * @param evalBatches batches per evaluation (SOTU: the first ones of the split's sequential windows;
 *     0 = the whole split)
 * @param evalEvery steps between evaluations during training; 0 = only at the end
 */
public record DataSpec(Source source, List<Split> evalSplits, int evalBatches, int evalEvery) {

    public enum Source { SOTU, LIBRARY, SYNTHETIC }

    public DataSpec {
        if (source == null) {
            throw new IllegalArgumentException("data.source is missing: use SOTU, LIBRARY or SYNTHETIC");
        }
        if (evalSplits == null || evalSplits.isEmpty()) {
            throw new IllegalArgumentException("data.evalSplits is empty: name at least one split, e.g. [\"VALID\"]");
        }
        if (evalSplits.contains(Split.TRAIN)) {
            throw new IllegalArgumentException("data.evalSplits contains TRAIN: evaluate on held-out splits"
                    + " (VALID, TEST, MOBY_DICK, BROWN)");
        }
        if (evalSplits.stream().distinct().count() != evalSplits.size()) {
            throw new IllegalArgumentException("data.evalSplits=" + evalSplits + " lists a split twice");
        }
        evalSplits = List.copyOf(evalSplits);
        if (evalBatches < 0) {
            throw new IllegalArgumentException("data.evalBatches=" + evalBatches + " must be ≥ 0 (0 = whole split)");
        }
        if (source == Source.SYNTHETIC && evalBatches == 0) {
            throw new IllegalArgumentException("data.evalBatches=0 means 'whole split', which a SYNTHETIC source does"
                    + " not have; give a count");
        }
        if (evalEvery < 0) {
            throw new IllegalArgumentException("data.evalEvery=" + evalEvery + " must be ≥ 0 (0 = only at the end)");
        }
    }

    public static DataSpec synthetic() {
        return new DataSpec(Source.SYNTHETIC, List.of(Split.VALID), 2, 0);
    }

    public static DataSpec sotu() {
        return new DataSpec(Source.SOTU, List.of(Split.VALID, Split.MOBY_DICK, Split.BROWN), 20, 100);
    }
}
