package org.peerkit.nn;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * GELU, tanh approximation (Hendrycks & Gimpel 2016, as in GPT-2):
 * y = ½·x·(1 + tanh(c·(x + a·x³))), c = √(2/π), a = 0.044715. Composed from ND4J element-wise ops so
 * the backward is the exact derivative of this forward (ND4J's GELU op uses another approximation).
 */
public final class Gelu implements Module {

    private static final double A = 0.044715;
    private static final double C = Math.sqrt(2.0 / Math.PI);

    private final PassGuard guard;
    private INDArray x;
    private INDArray tanhNF;
    private INDArray yNF;
    private INDArray tmpNF;
    private INDArray dxNF;

    public Gelu(String name) {
        this.guard = new PassGuard(name);
    }

    @Override
    public List<Param> params() {
        return List.of();
    }

    @Override
    public INDArray forward(INDArray xNF) {
        x = xNF;
        tanhNF = Buffers.ensure(tanhNF, xNF.dataType(), xNF.shape());
        yNF = Buffers.ensure(yNF, xNF.dataType(), xNF.shape());
        tanhNF.assign(xNF).muli(xNF).muli(A * C).addi(C).muli(xNF);     // c·(x + a·x³)
        Transforms.tanh(tanhNF, false);
        yNF.assign(tanhNF).addi(1.0).muli(xNF).muli(0.5);
        guard.forwardDone();
        return yNF;
    }

    @Override
    public INDArray backward(INDArray dy) {
        guard.beginBackward();
        tmpNF = Buffers.ensure(tmpNF, dy.dataType(), dy.shape());
        dxNF = Buffers.ensure(dxNF, dy.dataType(), dy.shape());
        // dy/dx = ½(1+t) + ½·x·(1−t²)·c·(1 + 3a·x²)
        dxNF.assign(x).muli(x).muli(3 * A * C).addi(C).muli(x).muli(0.5);
        tmpNF.assign(tanhNF).muli(tanhNF).rsubi(1.0);
        dxNF.muli(tmpNF);
        tmpNF.assign(tanhNF).addi(1.0).muli(0.5);
        dxNF.addi(tmpNF).muli(dy);
        return dxNF;
    }
}
