package org.peerkit.nn;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** ReLU: y = max(x, 0); dx = dy where y > 0 (sign(y) is the mask since y ≥ 0). */
public final class Relu implements Module {

    private final PassGuard guard;
    private INDArray yNF;
    private INDArray dxNF;

    public Relu(String name) {
        this.guard = new PassGuard(name);
    }

    @Override
    public List<Param> params() {
        return List.of();
    }

    @Override
    public INDArray forward(INDArray xNF) {
        yNF = Buffers.ensure(yNF, xNF.dataType(), xNF.shape());
        yNF.assign(xNF);
        Transforms.relu(yNF, false);
        guard.forwardDone();
        return yNF;
    }

    @Override
    public INDArray backward(INDArray dy) {
        guard.beginBackward();
        dxNF = Buffers.ensure(dxNF, dy.dataType(), dy.shape());
        dxNF.assign(yNF);
        Transforms.sign(dxNF, false);
        dxNF.muli(dy);
        return dxNF;
    }
}
