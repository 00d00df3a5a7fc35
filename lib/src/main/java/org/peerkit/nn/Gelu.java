package org.peerkit.nn;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.peerkit.tensor.GeluF;
import org.peerkit.tensor.Parallel;
import org.peerkit.tensor.Vec;

/**
 * GELU, tanh approximation (Hendrycks & Gimpel 2016, as in GPT-2):
 * y = ½·x·(1 + tanh(c·(x + a·x³))), c = √(2/π), a = 0.044715. tanh is computed through one ND4J
 * exp op (faster than Java's {@code Math.tanh} and ND4J's tanh); the polynomial parts and the whole
 * backward are fused Java passes.
 * In float32 the forward and backward run on blocks copied into arrays ({@link GeluF}, the fast
 * path); double precision keeps the passes below, the exact reference of the gradient checks.
 * ND4J's own GELU op uses another approximation, so it is not used: the backward must be the exact
 * derivative of this forward.
 */
public final class Gelu implements Module {

    private static final double A = 0.044715;
    private static final double C = Math.sqrt(2.0 / Math.PI);

    private final PassGuard guard;
    private INDArray xTxF;
    private INDArray tanhTxF;
    private INDArray yTxF;
    private INDArray dxTxF;

    public Gelu(String name) {
        this.guard = new PassGuard(name);
    }

    @Override
    public List<Param> params() {
        return List.of();
    }

    @Override
    public INDArray forward(INDArray x) {
        xTxF = x;
        tanhTxF = Buffers.ensure(tanhTxF, x.dataType(), x.shape());
        yTxF = Buffers.ensure(yTxF, x.dataType(), x.shape());
        Vec xs = Vec.read(x);
        Vec t = Vec.of(tanhTxF);
        Vec y = Vec.of(yTxF);
        int n = (int) x.length();
        if (xs instanceof Vec.F32 xf && t instanceof Vec.F32 tf && y instanceof Vec.F32 yf) {
            forwardFloat(xf, tf, yf, n);
            guard.forwardDone();
            return yTxF;
        }
        // tanh(u) = 2/(1 + exp(−2u)) − 1, with exp as one ND4J op (about twice as fast as its tanh)
        Parallel.rows(n, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                double v = xs.get(i);
                t.set(i, -2 * C * (v + A * v * v * v));
            }
        });
        Transforms.exp(tanhTxF, false);
        Parallel.rows(n, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                double th = 2 / (1 + t.get(i)) - 1;
                t.set(i, th);
                y.set(i, 0.5 * xs.get(i) * (1 + th));
            }
        });
        guard.forwardDone();
        return yTxF;
    }

    @Override
    public INDArray backward(INDArray dyIn) {
        guard.beginBackward();
        dxTxF = Buffers.ensure(dxTxF, dyIn.dataType(), dyIn.shape());
        Vec xs = Vec.read(xTxF);
        Vec t = Vec.of(tanhTxF);
        Vec dy = Vec.read(dyIn);
        Vec dx = Vec.of(dxTxF);
        if (xs instanceof Vec.F32 xf && t instanceof Vec.F32 tf && dy instanceof Vec.F32 dyf
                && dx instanceof Vec.F32 dxf) {
            backwardFloat(xf, tf, dyf, dxf, (int) dyIn.length());
            return dxTxF;
        }
        // dy/dx = ½(1+t) + ½·x·(1−t²)·c·(1 + 3a·x²)
        Parallel.rows((int) dyIn.length(), 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                double v = xs.get(i);
                double th = t.get(i);
                double grad = 0.5 * (1 + th) + 0.5 * v * (1 - th * th) * C * (1 + 3 * A * v * v);
                dx.set(i, dy.get(i) * grad);
            }
        });
        return dxTxF;
    }

    /** Elements per block of the float path: arrays that stay in L1 while {@link GeluF} runs. */
    private static final int BLOCK = 2048;

    private static void forwardFloat(Vec.F32 xs, Vec.F32 t, Vec.F32 y, int n) {
        inBlocks(n, (at, a) -> {
            xs.rowF(at, a[0]);
            GeluF.forward(a[0], a[1], a[2], a[0].length);
            t.putRowF(at, a[1]);
            y.putRowF(at, a[2]);
        });
    }

    private static void backwardFloat(Vec.F32 xs, Vec.F32 t, Vec.F32 dy, Vec.F32 dx, int n) {
        inBlocks(n, (at, a) -> {
            xs.rowF(at, a[0]);
            t.rowF(at, a[1]);
            dy.rowF(at, a[2]);
            GeluF.backward(a[0], a[1], a[2], a[2], a[0].length);
            dx.putRowF(at, a[2]);
        });
    }

    /** One block of the float path: its first element and three arrays of the block's length. */
    private interface Block {
        void run(int at, float[][] arrays);
    }

    /** Runs body over [0, n) in blocks of {@link #BLOCK} elements, in parallel. */
    private static void inBlocks(int n, Block body) {
        Parallel.rows((n + BLOCK - 1) / BLOCK, BLOCK, (from, to) -> {
            float[][] full = new float[3][BLOCK];
            for (int b = from; b < to; b++) {
                int at = b * BLOCK;
                int len = Math.min(BLOCK, n - at);
                body.run(at, len == BLOCK ? full : new float[][] {new float[len], new float[len], new float[len]});
            }
        });
    }
}
