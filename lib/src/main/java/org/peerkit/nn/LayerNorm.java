package org.peerkit.nn;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.tensor.Parallel;
import org.peerkit.tensor.Vec;

/**
 * LayerNorm (Ba et al. 2016): y = (x − mean) / sqrt(var + eps) · g + b. Shapes: x, y [N,D]; g, b [D].
 * Row-wise Java kernels, as in {@link RmsNorm}.
 */
public final class LayerNorm implements Module {

    private final String name;
    private final Param gain;
    private final Param bias;
    private final double eps;
    private final PassGuard guard;
    private INDArray xhatND;
    private INDArray invN;
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
        int n = (int) x.size(0);
        xhatND = Buffers.ensure(xhatND, dt, n, d);
        yND = Buffers.ensure(yND, dt, n, d);
        invN = Buffers.ensure(invN, dt, n);
        Vec xs = Vec.read(x);
        Vec xh = Vec.of(xhatND);
        Vec y = Vec.of(yND);
        Vec inv = Vec.of(invN);
        Vec g = Vec.of(gain.value());
        Vec b = Vec.of(bias.value());
        Parallel.rows(n, d, (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r * d;
                double sum = 0;
                for (int j = 0; j < d; j++) {
                    sum += xs.get(o + j);
                }
                double mean = sum / d;
                double ss = 0;
                for (int j = 0; j < d; j++) {
                    double c = xs.get(o + j) - mean;
                    ss += c * c;
                }
                double iv = 1.0 / Math.sqrt(ss / d + eps);
                inv.set(r, iv);
                for (int j = 0; j < d; j++) {
                    double h = (xs.get(o + j) - mean) * iv;
                    xh.set(o + j, h);
                    y.set(o + j, h * g.get(j) + b.get(j));
                }
            }
        });
        guard.forwardDone();
        return yND;
    }

    @Override
    public INDArray backward(INDArray dyIn) {
        guard.beginBackward();
        int d = (int) gain.size();
        int n = (int) dyIn.size(0);
        DataType dt = dyIn.dataType();
        onesN = Linear.ones(onesN, dt, n);
        tmpND = Buffers.ensure(tmpND, dt, n, d);
        dxND = Buffers.ensure(dxND, dt, n, d);
        Vec dy = Vec.read(dyIn);
        Vec xh = Vec.of(xhatND);
        Vec inv = Vec.of(invN);
        Vec g = Vec.of(gain.value());
        Vec tmp = Vec.of(tmpND);
        Vec dx = Vec.of(dxND);
        // dx = inv·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)), dx̂ = dy·g ; tmp = dy·x̂ for the gain gradient
        Parallel.rows(n, d, (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r * d;
                double sum = 0;
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    double dyj = dy.get(o + j);
                    double h = xh.get(o + j);
                    double dh = dyj * g.get(j);
                    tmp.set(o + j, dyj * h);
                    sum += dh;
                    dot += dh * h;
                }
                double mean = sum / d;
                double c = dot / d;
                double iv = inv.get(r);
                for (int j = 0; j < d; j++) {
                    dx.set(o + j, iv * (dy.get(o + j) * g.get(j) - mean - xh.get(o + j) * c));
                }
            }
        });
        Gemm.addColumnSums(onesN, tmpND, gain.grad().reshape(1, d));
        Gemm.addColumnSums(onesN, dyIn, bias.grad().reshape(1, d));
        return dxND;
    }
}
