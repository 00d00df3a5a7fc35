package org.peerkit.ffw;

/**
 * What an expert layer's last forward chose, for routing metrics: for every token t, head h and
 * slot s (flat index (t·heads + h)·k + s) the expert index and its gate (softmax weight). Copies,
 * so they stay valid after the next forward.
 */
public record RoutingRecord(int numExperts, int heads, int k, int[] expertTHK, double[] gateTHK) {

    public int tokens() {
        return expertTHK.length / (heads * k);
    }
}
