package org.peerkit.notebook;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.ffw.PeerConfig;
import org.peerkit.nn.Rng;
import org.peerkit.tensor.Backend;
import org.peerkit.tensor.CpuKernels;
import org.peerkit.tensor.ExhaustiveRetrieval;
import org.peerkit.tensor.Retrieval;

/**
 * Checks product-key top-k (paper §2, Eq. 5) against the exhaustive top-k over all N = S² keys on
 * random queries and sub-keys, in float64 so rounding cannot reorder near-ties: the two must pick
 * the same experts in the same order with the same scores.
 *
 * @param queries       (token, head) pairs compared
 * @param identical     how many of them chose exactly the same k experts in the same order
 * @param maxScoreDiff  largest |score difference| over all slots
 */
public record ProductKeyCheck(int numExperts, int k, int queries, int identical, double maxScoreDiff) {

    /** Fraction of queries whose top-k lists agree exactly. */
    public double agreement() {
        return identical / (double) queries;
    }

    /**
     * Compares the two retrievals for {@code tokens} random queries of the layer {@code shape}
     * (its N, H, K and Q; the rest is unused), drawn from {@code seed}.
     */
    public static ProductKeyCheck run(PeerConfig shape, int tokens, long seed) {
        Backend.start();
        int side = shape.subKeys();
        int heads = shape.heads();
        int k = shape.k();
        int dKey = shape.dKey();
        Rng rng = new Rng(seed);
        INDArray q = rng.normal(DataType.DOUBLE, 1.0, tokens, (long) heads * dKey);
        INDArray k1 = rng.normal(DataType.DOUBLE, 1.0, side, dKey / 2);
        INDArray k2 = rng.normal(DataType.DOUBLE, 1.0, side, dKey / 2);
        Retrieval pk = Retrieval.allocate(Nd4j.create(DataType.DOUBLE, tokens, (long) heads * k));
        Retrieval ex = Retrieval.allocate(Nd4j.create(DataType.DOUBLE, tokens, (long) heads * k));
        new CpuKernels().retrieve(q, k1, k2, heads, k, pk);
        ExhaustiveRetrieval.retrieve(q, k1, k2, heads, k, ex);
        int identical = 0;
        double maxDiff = 0;
        double[] sp = pk.scoresTxHK().data().asDouble();
        double[] se = ex.scoresTxHK().data().asDouble();
        for (int r = 0; r < tokens * heads; r++) {
            boolean same = true;
            for (int slot = 0; slot < k; slot++) {
                int at = r * k + slot;
                same &= pk.expertTHK()[at] == ex.expertTHK()[at];
                maxDiff = Math.max(maxDiff, Math.abs(sp[at] - se[at]));
            }
            identical += same ? 1 : 0;
        }
        return new ProductKeyCheck(side * side, k, tokens * heads, identical, maxDiff);
    }

    @Override
    public String toString() {
        return String.format("N=%d, k=%d: %d of %d queries pick identical top-k (%.1f%%), max |Δscore| = %.2e",
                numExperts, k, identical, queries, 100 * agreement(), maxScoreDiff);
    }
}
