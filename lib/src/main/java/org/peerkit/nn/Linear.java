package org.peerkit.nn;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * y = x·W (+ b). Shapes: T tokens, I inputs, O outputs; x [T, I], W [I, O], b [O], y [T, O].
 * W is stored input-major so the forward is one untransposed GEMM.
 */
public final class Linear implements Module {

    private final String name;
    private final Param weight;
    private final Param bias;
    private final PassGuard guard;
    private INDArray xTxI;
    private INDArray yTxO;
    private INDArray dxTxI;
    private INDArray onesT;

    /** A layer with N(0, std²) weights and (optionally) zero bias. */
    public Linear(String name, int in, int out, boolean withBias, double std, DataType dtype, Rng rng) {
        this.name = name;
        this.weight = new Param(name + ".weight", Param.Kind.WEIGHT, rng.normal(dtype, std, in, out));
        this.bias = withBias ? new Param(name + ".bias", Param.Kind.BIAS, Nd4j.zeros(dtype, out)) : null;
        this.guard = new PassGuard(name);
    }

    public Param weight() {
        return weight;
    }

    public int in() {
        return (int) weight.value().size(0);
    }

    public int out() {
        return (int) weight.value().size(1);
    }

    @Override
    public List<Param> params() {
        List<Param> ps = new ArrayList<>(List.of(weight));
        if (bias != null) {
            ps.add(bias);
        }
        return ps;
    }

    @Override
    public INDArray forward(INDArray x) {
        Buffers.requireCols(name, x, in());
        xTxI = x;
        INDArray w = weight.value();
        yTxO = Buffers.ensure(yTxO, w.dataType(), x.size(0), out());
        Gemm.mm(x, w, yTxO, false, false);
        if (bias != null) {
            yTxO.addiRowVector(bias.value());
        }
        guard.forwardDone();
        return yTxO;
    }

    @Override
    public INDArray backward(INDArray dyTxO) {
        guard.beginBackward();
        INDArray w = weight.value();
        Gemm.mm(xTxI, dyTxO, weight.grad(), true, false, 1.0, 1.0);
        if (bias != null) {
            onesT = ones(onesT, w.dataType(), xTxI.size(0));
            Gemm.addColumnSums(onesT, dyTxO, bias.grad().reshape(1, out()));
        }
        dxTxI = Buffers.ensure(dxTxI, w.dataType(), xTxI.size(0), in());
        Gemm.mm(dyTxO, w, dxTxI, false, true);
        return dxTxI;
    }

    /** A ones vector [n] for column sums, reused while n and dtype stay the same. */
    static INDArray ones(INDArray current, DataType dtype, long n) {
        INDArray out = Buffers.ensure(current, dtype, n);
        if (out != current) {
            out.assign(1.0);
        }
        return out;
    }
}
