package org.peerkit.ffw;

/**
 * A router's decision for T tokens and E experts: expert e processes tokens {@code tokens[e]}
 * with gates {@code gates[e]} (same order). {@code dropped} counts token-choice assignments over
 * capacity (or, for expert choice, tokens no expert took); {@code requested} what was asked for.
 */
public record Dispatch(int[][] tokens, double[][] gates, int dropped, int requested) {

    public double dropFraction() {
        return requested == 0 ? 0 : (double) dropped / requested;
    }
}
