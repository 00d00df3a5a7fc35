package org.peerkit.ffw;

/**
 * A router's decision for T tokens and N experts: expert e processes tokens {@code tokens[e]}
 * with gates {@code gates[e]} (same order). {@code capacity} bounds every expert's token count
 * (token choice: ⌈cf·T·k/E⌉, expert choice: ⌈cf·T/E⌉), so dispatch buffers can have a fixed shape.
 * {@code dropped} counts token-choice assignments over capacity (or, for expert choice, tokens no
 * expert took); {@code requested} what was asked for.
 */
public record Dispatch(int[][] tokens, double[][] gates, int capacity, int dropped, int requested) {

    public Dispatch {
        for (int e = 0; e < tokens.length; e++) {
            if (tokens[e].length > capacity || gates[e].length != tokens[e].length) {
                throw new IllegalArgumentException("expert " + e + " got " + tokens[e].length + " tokens and "
                        + gates[e].length + " gates; capacity is " + capacity);
            }
        }
    }
}
