package org.peerkit.nn;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * LayerNorm (Ba et al. 2016): y = (x − mean) / sqrt(var + eps) · g + b. Shapes: x, y [N,D]; g, b [D].
 */
public final class LayerNorm implements Module {

    private final String name;
    private final Param gain;
    private final Param bias;
    private final double eps;
    private final PassGuard guard;
    private INDArray xhatND;
    private INDArray invN;
    private INDArray rowN;
    private INDArray yND;
    private INDArray tmpND;
    private INDArray dxND;
    private INDArray onesN;

    public LayerNorm(String name, int dim, double eps, DataType dtype) {
        this.name = name;
        this.gain = new Param(name + ".weight", Param.Kind.NORM, Nd4j.ones(dtype, dim));
        this.bias = new Param(name + ".bias", Param.Kind.BIAS, Nd4j.zeros(dtype, dim));
        this.eps = eps;
        this.guard = new PassGuard(name);
    }

    @Override
    public List<Param> params() {
        return List.of(gain, bias);
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
        rowN = Buffers.ensure(rowN, dt, n, 1);
        x.sum(rowN.reshape(n), 1);
        rowN.divi(d);
        xhatND.assign(x).subiColumnVector(rowN);          // centred x
        tmpND.assign(xhatND).muli(xhatND);
        tmpND.sum(invN.reshape(n), 1);
        invN.divi(d).addi(eps);
        Transforms.sqrt(invN, false).rdivi(1.0);
        xhatND.muliColumnVector(invN);
        yND.assign(xhatND).muliRowVector(gain.value()).addiRowVector(bias.value());
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
        dxND = Buffers.ensure(dxND, dt, n, d);
        Gemm.addColumnSums(onesN, dy, bias.grad().reshape(1, d));
        tmpND.assign(dy).muli(xhatND);
        Gemm.addColumnSums(onesN, tmpND, gain.grad().reshape(1, d));
        // dx = inv·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)), dx̂ = dy·g
        dxND.assign(dy).muliRowVector(gain.value());
        tmpND.assign(dxND).muli(xhatND);
        tmpND.sum(rowN.reshape(n), 1);
        rowN.divi(d);
        tmpND.assign(xhatND).muliColumnVector(rowN);
        dxND.subi(tmpND);
        dxND.sum(rowN.reshape(n), 1);
        rowN.divi(-d);
        dxND.addiColumnVector(rowN).muliColumnVector(invN);
        return dxND;
    }
}
