package org.peerkit.ffw;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.peerkit.nn.Linear;
import org.peerkit.nn.Param;
import org.peerkit.nn.Rng;

/**
 * What both MoE routers ({@link TopKRouter}, {@link ExpertChoiceRouter}) share: the gate Linear
 * D→N, the softmax probabilities of its logits over the N experts, the input they came from and
 * the last dispatch, which backward needs. Letters: T tokens, D width, N experts.
 */
abstract class SoftmaxRouter implements Router {

    protected final MoeConfig cfg;
    protected final Linear gate;
    protected INDArray xTxD;
    protected double[][] pTxN;
    /** log Σₑ exp(logit) per token (the router z-loss reads it). */
    protected double[] lse;
    protected Dispatch last;

    SoftmaxRouter(String name, MoeConfig cfg, DataType dtype, Rng rng) {
        this.cfg = cfg;
        this.gate = RouterMath.gate(name, cfg, dtype, rng);
    }

    @Override
    public List<Param> params() {
        return gate.params();
    }

    public Linear gate() {
        return gate;
    }

    /** p = softmax(x·W_r) per token, kept with x for backward, then the router's {@link #dispatch}. */
    @Override
    public final Dispatch route(INDArray x) {
        xTxD = x;
        lse = new double[(int) x.size(0)];
        pTxN = RouterMath.softmaxRows(gate.forward(x), lse);
        last = dispatch(pTxN.length);
        return last;
    }

    /** Which tokens each expert takes and with which gates, from {@link #pTxN} of {@code t} tokens. */
    protected abstract Dispatch dispatch(int t);

    /** Gate gradients → per-token gate gradients → logit gradients ({@link #addLogitGrads}) → through the gate: dx. */
    @Override
    public final INDArray backward(double[][] dGates) {
        int t = pTxN.length;
        int e = cfg.numExperts();
        double[][] dGatesTxN = RouterMath.perTokenGateGrads(last, dGates, t, e);
        double[][] dLogitsTxN = new double[t][e];
        for (int r = 0; r < t; r++) {
            addLogitGrads(r, dGatesTxN[r], dLogitsTxN[r]);
        }
        return gate.backward(RouterMath.toArray(dLogitsTxN, xTxD));
    }

    /** Adds token {@code r}'s logit gradients, given the gradients of its gates over all N experts. */
    protected abstract void addLogitGrads(int r, double[] dGatesN, double[] dLogitsN);
}
