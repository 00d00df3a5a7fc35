package org.peerkit.experiment;

import java.util.Map;

/**
 * The final numbers of a finished run; complete.json holds it and is written last, so its presence
 * marks the run complete.
 *
 * @param steps optimiser steps trained
 * @param tokens training tokens seen
 * @param flops training FLOPs spent (analytic)
 * @param trainLoss training loss of the last step
 * @param evalLoss mean next-token loss per evaluation split id, in spec order
 * @param totalParams parameters of the model
 * @param activeParams parameters a token uses
 * @param trainSeconds sum of the step times over all sessions (metrics.csv)
 * @param routing routing statistics of expert layers (usage %, unevenness), empty for dense
 */
public record RunSummary(long steps, long tokens, double flops, double trainLoss, Map<String, Double> evalLoss,
        long totalParams, long activeParams, double trainSeconds, Map<String, Double> routing) {

    /** e^loss of an evaluation split, e.g. {@code perplexity("valid")}. */
    public double perplexity(String split) {
        Double l = evalLoss.get(split);
        if (l == null) {
            throw new IllegalArgumentException("no evaluation on '" + split + "'; this run evaluated " + evalLoss.keySet());
        }
        return Math.exp(l);
    }
}
