package org.peerkit.nn;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** ReLU: y = max(x, 0); dx = dy where y > 0 (sign(y) is the mask since y ≥ 0). */
public final class Relu implements Module {

    private final PassGuard guard;
    private INDArray yTxF;
    private INDArray dxTxF;

    public Relu(String name) {
        this.guard = new PassGuard(name);
    }

    @Override
    public List<Param> params() {
        return List.of();
    }

    @Override
    public INDArray forward(INDArray xTxF) {
        yTxF = Buffers.ensure(yTxF, xTxF.dataType(), xTxF.shape());
        yTxF.assign(xTxF);
        Transforms.relu(yTxF, false);
        guard.forwardDone();
        return yTxF;
    }

    @Override
    public INDArray backward(INDArray dy) {
        guard.beginBackward();
        dxTxF = Buffers.ensure(dxTxF, dy.dataType(), dy.shape());
        dxTxF.assign(yTxF);
        Transforms.sign(dxTxF, false);
        dxTxF.muli(dy);
        return dxTxF;
    }
}
