package org.peerkit.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Rotary position embedding (RoPE, Su et al. 2021), "rotate-half" layout as in GPT-NeoX: with the
 * head vector split into halves (x₁, x₂), position t rotates each pair (x₁ᵢ, x₂ᵢ) by angle
 * t·θᵢ, θᵢ = base^(−2i/E). Shapes: B batch, H heads, T positions, E head dim, E/2 = P pairs;
 * x [B,H,T,E], cos and sin tables [T,P].
 *
 * <p>The rotation is linear and orthogonal, so the backward is the same rotation with −sin and
 * needs nothing from the forward.
 */
public final class Rotary {

    private final int headDim;
    private final double base;
    private INDArray cosTP;
    private INDArray sinTP;
    private INDArray negSinTP;
    private INDArray aBHTP;
    private INDArray bBHTP;
    private INDArray tmpBHTP;

    public Rotary(int headDim, double base) {
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("rotary positions need an even head dimension, got " + headDim);
        }
        this.headDim = headDim;
        this.base = base;
    }

    /** Rotates x [B,H,T,E] in place by its positions (forward). */
    public void rotate(INDArray xBHTE) {
        apply(xBHTE, false);
    }

    /** Applies the inverse rotation to a gradient [B,H,T,E] in place (backward). */
    public void unrotate(INDArray dBHTE) {
        apply(dBHTE, true);
    }

    private void apply(INDArray x, boolean inverse) {
        long b = x.size(0);
        long h = x.size(1);
        int t = (int) x.size(2);
        int p = headDim / 2;
        tables(t, x.dataType());
        aBHTP = Buffers.ensure(aBHTP, x.dataType(), b, h, t, p);
        bBHTP = Buffers.ensure(bBHTP, x.dataType(), b, h, t, p);
        tmpBHTP = Buffers.ensure(tmpBHTP, x.dataType(), b, h, t, p);
        INDArray x1 = x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, p));
        INDArray x2 = x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.interval(p, headDim));
        INDArray sin = inverse ? negSinTP : sinTP;
        aBHTP.assign(x1);
        bBHTP.assign(x2);
        // x₁' = x₁·cos − x₂·sin ; x₂' = x₂·cos + x₁·sin
        mul(aBHTP, cosTP, tmpBHTP);
        x1.assign(tmpBHTP);
        mul(bBHTP, sin, tmpBHTP);
        x1.subi(tmpBHTP);
        mul(bBHTP, cosTP, tmpBHTP);
        x2.assign(tmpBHTP);
        mul(aBHTP, sin, tmpBHTP);
        x2.addi(tmpBHTP);
    }

    private static void mul(INDArray xBHTP, INDArray tableTP, INDArray outBHTP) {
        Nd4j.getExecutioner().exec(new BroadcastMulOp(xBHTP, tableTP, outBHTP, 2, 3));
    }

    private void tables(int t, DataType dtype) {
        if (cosTP != null && cosTP.size(0) == t && cosTP.dataType() == dtype) {
            return;
        }
        int p = headDim / 2;
        double[][] c = new double[t][p];
        double[][] s = new double[t][p];
        for (int pos = 0; pos < t; pos++) {
            for (int i = 0; i < p; i++) {
                double angle = pos * Math.pow(base, -2.0 * i / headDim);
                c[pos][i] = Math.cos(angle);
                s[pos][i] = Math.sin(angle);
            }
        }
        cosTP = Nd4j.create(c).castTo(dtype);
        sinTP = Nd4j.create(s).castTo(dtype);
        negSinTP = sinTP.neg();
    }
}
