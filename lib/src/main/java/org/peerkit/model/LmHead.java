package org.peerkit.model;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.peerkit.nn.Buffers;
import org.peerkit.nn.Gemm;
import org.peerkit.nn.Module;
import org.peerkit.nn.Param;
import org.peerkit.nn.PassGuard;

/**
 * Logits from the final hidden states. Shapes: T tokens, D width, V vocabulary; h [T, D],
 * logits [T, V]. Untied: its own W [D,V]. Tied: the token table E [V,D], logits = h·Eᵀ, and the
 * gradient is added to E's (the table appears once in {@link #params()} of the model).
 */
public final class LmHead implements Module {

    private final Param weight;
    private final boolean tied;
    private final PassGuard guard = new PassGuard("head");
    private INDArray hTxD;
    private INDArray logitsTxV;
    private INDArray dhTxD;

    /** @param weight [D,V] own weight, or the [V,D] token table when {@code tied} */
    public LmHead(Param weight, boolean tied) {
        this.weight = weight;
        this.tied = tied;
    }

    /** The head's own parameters: none when tied (the table belongs to the embedding). */
    @Override
    public List<Param> params() {
        return tied ? List.of() : List.of(weight);
    }

    private int vocab() {
        return (int) weight.value().size(tied ? 0 : 1);
    }

    private int dim() {
        return (int) weight.value().size(tied ? 1 : 0);
    }

    @Override
    public INDArray forward(INDArray hTxD) {
        Buffers.requireCols("head", hTxD, dim());
        this.hTxD = hTxD;
        logitsTxV = Buffers.ensure(logitsTxV, hTxD.dataType(), hTxD.size(0), vocab());
        Gemm.mm(hTxD, weight.value(), logitsTxV, false, tied);
        guard.forwardDone();
        return logitsTxV;
    }

    @Override
    public INDArray backward(INDArray dLogitsTxV) {
        guard.beginBackward();
        if (tied) {
            Gemm.mm(dLogitsTxV, hTxD, weight.grad(), true, false, 1.0, 1.0);  // dE[V,D] += dzᵀ·h
        } else {
            Gemm.mm(hTxD, dLogitsTxV, weight.grad(), true, false, 1.0, 1.0);  // dW[D,V] += hᵀ·dz
        }
        dhTxD = Buffers.ensure(dhTxD, hTxD.dataType(), hTxD.size(0), dim());
        Gemm.mm(dLogitsTxV, weight.value(), dhTxD, false, !tied);
        return dhTxD;
    }
}
