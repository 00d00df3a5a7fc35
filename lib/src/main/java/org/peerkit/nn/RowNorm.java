package org.peerkit.nn;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.tensor.Parallel;
import org.peerkit.tensor.Vec;

/**
 * What {@link RmsNorm} and {@link LayerNorm} share: per row of x [T, D],
 * x̂ = (x − [mean]) · inv with inv = 1/sqrt(mean((x − [mean])²) + eps), y = x̂·g [+ b]; the
 * bracketed parts only when {@code centred} (LayerNorm). Backward, with dx̂ = dy·g:
 * dx = inv·(dx̂ − [mean(dx̂)] − x̂·mean(dx̂·x̂)), dg = Σ_rows dy·x̂, db = Σ_rows dy.
 *
 * <p>Row-wise Java kernels (one pass forward, one backward) rather than ~25 ND4J ops: each ND4J
 * op costs a dispatch and a full memory pass (lib/README.md, ND4J on the CPU).
 */
abstract class RowNorm implements Module {

    private final String name;
    private final Param gain;
    private final Param bias;
    private final boolean centred;
    private final double eps;
    private final PassGuard guard;
    private INDArray xhatTxD;
    private INDArray invT;
    private INDArray yTxD;
    private INDArray tmpTxD;
    private INDArray dxTxD;
    private INDArray onesT;

    RowNorm(String name, int dim, double eps, DataType dtype, boolean centred) {
        this.name = name;
        this.gain = new Param(name + ".weight", Param.Kind.NORM, Nd4j.ones(dtype, dim));
        this.bias = centred ? new Param(name + ".bias", Param.Kind.BIAS, Nd4j.zeros(dtype, dim)) : null;
        this.centred = centred;
        this.eps = eps;
        this.guard = new PassGuard(name);
    }

    @Override
    public final List<Param> params() {
        List<Param> ps = new ArrayList<>(List.of(gain));
        if (bias != null) {
            ps.add(bias);
        }
        return List.copyOf(ps);
    }

    @Override
    public final INDArray forward(INDArray x) {
        int d = (int) gain.size();
        Buffers.requireCols(name, x, d);
        DataType dt = x.dataType();
        int t = (int) x.size(0);
        xhatTxD = Buffers.ensure(xhatTxD, dt, t, d);
        yTxD = Buffers.ensure(yTxD, dt, t, d);
        invT = Buffers.ensure(invT, dt, t);
        Vec xs = Vec.read(x);
        Vec xh = Vec.of(xhatTxD);
        Vec y = Vec.of(yTxD);
        Vec inv = Vec.of(invT);
        Vec g = Vec.of(gain.value());
        Vec b = bias == null ? null : Vec.of(bias.value());
        Parallel.rows(t, d, (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r * d;
                double mean = centred ? mean(xs, o, d) : 0;
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
                    y.set(o + j, h * g.get(j) + (b == null ? 0 : b.get(j)));
                }
            }
        });
        guard.forwardDone();
        return yTxD;
    }

    private static double mean(Vec xs, int o, int d) {
        double sum = 0;
        for (int j = 0; j < d; j++) {
            sum += xs.get(o + j);
        }
        return sum / d;
    }

    @Override
    public final INDArray backward(INDArray dyIn) {
        guard.beginBackward();
        int d = (int) gain.size();
        int t = (int) dyIn.size(0);
        DataType dt = dyIn.dataType();
        onesT = Linear.ones(onesT, dt, t);
        tmpTxD = Buffers.ensure(tmpTxD, dt, t, d);
        dxTxD = Buffers.ensure(dxTxD, dt, t, d);
        Vec dy = Vec.read(dyIn);
        Vec xh = Vec.of(xhatTxD);
        Vec inv = Vec.of(invT);
        Vec g = Vec.of(gain.value());
        Vec tmp = Vec.of(tmpTxD);
        Vec dx = Vec.of(dxTxD);
        Parallel.rows(t, d, (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r * d;
                double sum = 0;
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    double dh = dy.get(o + j) * g.get(j);
                    tmp.set(o + j, dy.get(o + j) * xh.get(o + j));
                    sum += dh;
                    dot += dh * xh.get(o + j);
                }
                double mean = centred ? sum / d : 0;
                double c = dot / d;
                double iv = inv.get(r);
                for (int j = 0; j < d; j++) {
                    dx.set(o + j, iv * (dy.get(o + j) * g.get(j) - mean - xh.get(o + j) * c));
                }
            }
        });
        Gemm.addColumnSums(onesT, tmpTxD, gain.grad().reshape(1, d));
        if (bias != null) {
            Gemm.addColumnSums(onesT, dyIn, bias.grad().reshape(1, d));
        }
        return dxTxD;
    }
}
