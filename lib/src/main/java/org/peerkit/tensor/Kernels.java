package org.peerkit.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The PEER/PKM hot path (paper §2, Alg. 1), forward and backward, behind one interface.
 * {@link CpuKernels} implements it with each kernel written once per precision that matters:
 * <ul>
 *   <li><b>the exact reference</b>, {@link ExactKernels}: double accumulation, element by element;
 *       what the layers run on DOUBLE arrays, and so what every finite-difference gradient check
 *       and the PEER reference test hold to; it also serves FLOAT arrays for the cheap kernels
 *       (softmax, the PKM value bag);</li>
 *   <li><b>the float fast path</b>, {@link FloatKernels} and the float branch of
 *       {@link ProductKeyRow}: float32 accumulation over bulk-copied rows, SIMD where the JVM has
 *       the Vector API; what training runs. Tests hold it to the exact reference within float
 *       round-off.</li>
 * </ul>
 *
 * <p>Letters (the dictionary is in {@code org.peerkit.nn}'s package doc): T tokens, D model width,
 * H heads, K experts per head, M = H·K (expert slots per token), Q = d_key (query width per
 * head), S = √N sub-keys per half, N experts. All float arrays are dense c-order FLOAT or DOUBLE;
 * integer index arrays are Java {@code int[]}.
 *
 * <p>No implementation may build a T·M·D tensor (the gathered expert rows): expert rows are read
 * in place from the tables.
 */
public interface Kernels {

    /**
     * Product-key top-k (paper Eq. 5): for every token and head, split the query into halves,
     * take the top-k' (k' = min(K, S)) sub-key scores of each half, form the k'² sums and keep the
     * top K of those, sorted descending. Sub-keys are shared by all heads.
     *
     * @param qTxHQ  [T, H·Q] queries (head-major)
     * @param keys1 [S, Q/2] sub-keys of the first half (row index)
     * @param keys2 [S, Q/2] sub-keys of the second half (column index)
     * @param out   receives scores, rows, columns and expert indices; scores [T, H·K]
     */
    void retrieve(INDArray qTxHQ, INDArray keys1, INDArray keys2, int heads, int k, Retrieval out);

    /**
     * Backward of {@link #retrieve} given dL/dscores: accumulates into dq and both sub-key
     * gradients (the top-k selection itself is piecewise constant and has no gradient).
     */
    void retrieveBackward(INDArray dScoresTxHK, INDArray qTxHQ, INDArray keys1, INDArray keys2, int heads,
            Retrieval r, INDArray dqTxHQ, INDArray dKeys1, INDArray dKeys2);

    /** Softmax over each group of {@code k} consecutive scores (one head's k), into gates. */
    void softmaxGroups(INDArray scores, int k, INDArray gates);

    /** Backward of {@link #softmaxGroups}: dscores = g ⊙ (dg − Σ g·dg) per group (overwrites). */
    void softmaxGroupsBackward(INDArray gates, INDArray dGates, int k, INDArray dScores);

    /**
     * Single-neuron experts, weighted (paper Eqs. 6–7):
     * y[t] = Σ_m gates[t,m] · σ(u[e]·x[t]) · v[e] with e = expert[t·M + m].
     *
     * @param preActTxM [T, M] receives u[e]·x[t] (kept for backward)
     * @param yTxD      [T, D] overwritten
     */
    void mixForward(INDArray xTxD, int[] expertTM, INDArray gatesTxM, INDArray uNxD, INDArray vNxD,
            Activation act, INDArray preActTxM, INDArray yTxD);

    /**
     * Backward of {@link #mixForward}: overwrites dx and dGates, accumulates into du and dv only
     * on the rows that were used, and returns those rows (ascending) for a row-sparse optimiser.
     */
    int[] mixBackward(INDArray dyTxD, INDArray xTxD, int[] expertTM, INDArray gatesTxM, INDArray uNxD, INDArray vNxD,
            Activation act, INDArray preActTxM, INDArray dxTxD, INDArray dGatesTxM, INDArray duNxD,
            INDArray dvNxD);

    /**
     * Weighted sum of value rows (PKM, Lample et al. 2019): y[t] = Σ_m gates[t,m] · v[e] with
     * e = expert[t·M + m]; y [T, D] overwritten.
     */
    void bagForward(int[] expertTM, INDArray gatesTxM, INDArray vNxD, INDArray yTxD);

    /**
     * Backward of {@link #bagForward}: overwrites dGates[t,m] = dy[t]·v[e], accumulates dv on the
     * used rows only and returns them (ascending).
     */
    int[] bagBackward(INDArray dyTxD, int[] expertTM, INDArray gatesTxM, INDArray vNxD, INDArray dGatesTxM,
            INDArray dvNxD);
}
