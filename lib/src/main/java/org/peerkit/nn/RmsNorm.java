package org.peerkit.nn;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * RMSNorm (Zhang & Sennrich 2019): y = x / sqrt(mean(x²) + eps) · g. Shapes: x, y [N,D], g [D].
 */
public final class RmsNorm implements Module {

    private final String name;
    private final Param gain;
    private final double eps;
    private final PassGuard guard;
    private INDArray xhatND;
    private INDArray invN;
    private INDArray yND;
    private INDArray tmpND;
    private INDArray dxND;
    private INDArray rowN;
    private INDArray onesN;

    public RmsNorm(String name, int dim, double eps, DataType dtype) {
        this.name = name;
        this.gain = new Param(name + ".weight", Param.Kind.NORM, Nd4j.ones(dtype, dim));
        this.eps = eps;
        this.guard = new PassGuard(name);
    }

    @Override
    public List<Param> params() {
        return List.of(gain);
    }

    @Override
    public INDArray forward(INDArray x) {
        int d = (int) gain.size();
        Buffers.requireCols(name, x, d);
        DataType dt = x.dataType();
        long n = x.size(0);
        tmpND = Buffers.ensure(tmpND, dt, n, d);
        xhatND = Buffers.ensure(xhatND, dt, n, d);
        yND = Buffers.ensure(yND, dt, n, d);
        invN = Buffers.ensure(invN, dt, n, 1);
        tmpND.assign(x).muli(x);
        tmpND.sum(invN.reshape(n), 1);
        invN.divi(d).addi(eps);
        Transforms.sqrt(invN, false).rdivi(1.0);
        xhatND.assign(x).muliColumnVector(invN);
        yND.assign(xhatND).muliRowVector(gain.value());
        guard.forwardDone();
        return yND;
    }

    @Override
    public INDArray backward(INDArray dy) {
        guard.beginBackward();
        int d = (int) gain.size();
        long n = dy.size(0);
        DataType dt = dy.dataType();
        onesN = Linear.ones(onesN, dt, n);
        rowN = Buffers.ensure(rowN, dt, n, 1);
        dxND = Buffers.ensure(dxND, dt, n, d);
        // dg = Σ_rows dy·x̂
        tmpND.assign(dy).muli(xhatND);
        Gemm.addColumnSums(onesN, tmpND, gain.grad().reshape(1, d));
        // dx̂ = dy·g ; dx = inv·(dx̂ − x̂·mean(dx̂·x̂))
        dxND.assign(dy).muliRowVector(gain.value());
        tmpND.assign(dxND).muli(xhatND);
        tmpND.sum(rowN.reshape(n), 1);
        rowN.divi(d);
        tmpND.assign(xhatND).muliColumnVector(rowN);
        dxND.subi(tmpND).muliColumnVector(invN);
        return dxND;
    }
}
