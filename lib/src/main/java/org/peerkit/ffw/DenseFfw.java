package org.peerkit.ffw;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.peerkit.nn.Gelu;
import org.peerkit.nn.Linear;
import org.peerkit.nn.Module;
import org.peerkit.nn.Param;
import org.peerkit.nn.Relu;
import org.peerkit.nn.Rng;
import org.peerkit.tensor.Activation;

/**
 * The transformer's dense MLP: y = act(x·W₁ + b₁)·W₂ + b₂. Shapes: N tokens, D model width,
 * F hidden width; x, y [N,D], hidden [N,F].
 */
public final class DenseFfw implements FeedForward {

    private final Linear up;
    private final Module act;
    private final Linear down;

    /**
     * @param downStd init std of the output projection (GPT-2 scales residual projections by
     *     1/√(2·layers))
     */
    public DenseFfw(String name, int dModel, int hidden, Activation activation, boolean bias, double std,
            double downStd, DataType dtype, Rng rng) {
        this.up = new Linear(name + ".up", dModel, hidden, bias, std, dtype, rng);
        this.act = activation == Activation.GELU ? new Gelu(name + ".act") : new Relu(name + ".act");
        this.down = new Linear(name + ".down", hidden, dModel, bias, downStd, dtype, rng);
    }

    @Override
    public String kind() {
        return "dense";
    }

    @Override
    public List<Param> params() {
        List<Param> ps = new ArrayList<>(up.params());
        ps.addAll(down.params());
        return ps;
    }

    @Override
    public long activeParams() {
        return paramCount();
    }

    @Override
    public long forwardFlopsPerToken() {
        return 2L * up.in() * up.out() + 2L * down.in() * down.out();
    }

    @Override
    public INDArray forward(INDArray xTxD) {
        return down.forward(act.forward(up.forward(xTxD)));
    }

    @Override
    public INDArray backward(INDArray dyTxD) {
        return up.backward(act.backward(down.backward(dyTxD)));
    }
}
