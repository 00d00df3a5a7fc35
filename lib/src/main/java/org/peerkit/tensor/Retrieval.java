package org.peerkit.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The result of product-key retrieval for T tokens, h heads and k experts per head (flat index
 * r = (t·h + head)·k + slot, slots sorted by descending score): the scores q·[c_row; c′_col], the
 * row and column of each chosen product key and the expert index row·n + col (paper Eqs. 4–5).
 * Buffers are owned by the caller and reused across calls of the same size.
 *
 * @param scoresTxHK [T, h·k] router scores before the softmax
 */
public record Retrieval(INDArray scoresTxHK, int[] rowTHK, int[] colTHK, int[] expertTHK) {

    public static Retrieval allocate(INDArray scoresTxHK) {
        int n = (int) scoresTxHK.length();
        return new Retrieval(scoresTxHK, new int[n], new int[n], new int[n]);
    }

    public int size() {
        return expertTHK.length;
    }
}
