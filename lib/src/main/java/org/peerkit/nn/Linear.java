package org.peerkit.nn;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * y = x·W (+ b). Shapes: N tokens, I inputs, O outputs; x [N,I], W [I,O], b [O], y [N,O].
 * W is stored input-major so the forward is one untransposed GEMM.
 */
public final class Linear implements Module {

    private final String name;
    private final Param weight;
    private final Param bias;
    private final PassGuard guard;
    private INDArray xNI;
    private INDArray yNO;
    private INDArray dxNI;
    private INDArray onesN;

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
        xNI = x;
        INDArray w = weight.value();
        yNO = Buffers.ensure(yNO, w.dataType(), x.size(0), out());
        Gemm.mm(x, w, yNO, false, false);
        if (bias != null) {
            yNO.addiRowVector(bias.value());
        }
        guard.forwardDone();
        return yNO;
    }

    @Override
    public INDArray backward(INDArray dyNO) {
        guard.beginBackward();
        INDArray w = weight.value();
        Gemm.mm(xNI, dyNO, weight.grad(), true, false, 1.0, 1.0);
        if (bias != null) {
            onesN = ones(onesN, w.dataType(), xNI.size(0));
            Gemm.addColumnSums(onesN, dyNO, bias.grad().reshape(1, out()));
        }
        dxNI = Buffers.ensure(dxNI, w.dataType(), xNI.size(0), in());
        Gemm.mm(dyNO, w, dxNI, false, true);
        return dxNI;
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
