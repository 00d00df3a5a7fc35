package org.peerkit.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The inputs every expert-mixing kernel reads ({@link Kernels#mixForward}, paper Eqs. 6–7): x
 * [T, D], the chosen experts (flat [T·M]), their gates [T, M], the expert tables u and v [N, D],
 * σ, and u·x per slot [T, M] (written by the forward, read by the backward).
 */
record ExpertMix(Vec x, int[] expertTM, Vec gates, Vec u, Vec v, Activation act, Vec pre, int d, int m,
        int experts) {

    static ExpertMix of(INDArray xTxD, int[] expertTM, INDArray gatesTxM, INDArray uNxD, INDArray vNxD,
            Activation act, INDArray preActTxM) {
        return new ExpertMix(Vec.of(xTxD), expertTM, Vec.of(gatesTxM), Vec.of(uNxD), Vec.of(vNxD), act,
                Vec.of(preActTxM), (int) xTxD.size(1), (int) gatesTxM.size(1), (int) uNxD.size(0));
    }

    int tokens() {
        return expertTM.length / m;
    }

    /** True when these arrays and {@code outputs} are all float32: the float fast path applies. */
    boolean allFloat(Vec... outputs) {
        return Vec.allFloat(x, gates, u, v, pre) && Vec.allFloat(outputs);
    }

    /** Expert-major when pairs outnumber experts {@code ratio} times. */
    boolean crowded(int ratio) {
        return expertTM.length >= (long) ratio * experts;
    }
}
