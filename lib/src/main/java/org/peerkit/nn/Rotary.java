package org.peerkit.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Rotary position embedding (RoPE, Su et al. 2021), "rotate-half" layout as in GPT-NeoX: with the
 * head vector split into halves (x₁, x₂), position l rotates each pair (x₁ᵢ, x₂ᵢ) by angle
 * l·θᵢ, θᵢ = base^(−2i/A). Shapes: B sequences, H heads, L positions, A head width, A/2 = P
 * pairs; x [B, H, L, A], cos and sin tables [L, P].
 *
 * <p>The rotation is linear and orthogonal, so the backward is the same rotation with −sin and
 * needs nothing from the forward.
 */
public final class Rotary {

    private final int headDim;
    private final double base;
    private INDArray cosLxP;
    private INDArray sinLxP;
    private INDArray negSinLxP;
    private INDArray aBxHxLxP;
    private INDArray bBxHxLxP;
    private INDArray tmpBxHxLxP;

    public Rotary(int headDim, double base) {
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("rotary positions need an even head dimension, got " + headDim);
        }
        this.headDim = headDim;
        this.base = base;
    }

    /** Rotates x [B, H, L, A] in place by its positions (forward). */
    public void rotate(INDArray xBxHxLxA) {
        apply(xBxHxLxA, false);
    }

    /** Applies the inverse rotation to a gradient [B, H, L, A] in place (backward). */
    public void unrotate(INDArray dBxHxLxA) {
        apply(dBxHxLxA, true);
    }

    private void apply(INDArray x, boolean inverse) {
        long b = x.size(0);
        long h = x.size(1);
        int t = (int) x.size(2);
        int p = headDim / 2;
        tables(t, x.dataType());
        aBxHxLxP = Buffers.ensure(aBxHxLxP, x.dataType(), b, h, t, p);
        bBxHxLxP = Buffers.ensure(bBxHxLxP, x.dataType(), b, h, t, p);
        tmpBxHxLxP = Buffers.ensure(tmpBxHxLxP, x.dataType(), b, h, t, p);
        INDArray x1 = x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, p));
        INDArray x2 = x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.interval(p, headDim));
        INDArray sin = inverse ? negSinLxP : sinLxP;
        aBxHxLxP.assign(x1);
        bBxHxLxP.assign(x2);
        // x₁' = x₁·cos − x₂·sin ; x₂' = x₂·cos + x₁·sin
        mul(aBxHxLxP, cosLxP, tmpBxHxLxP);
        x1.assign(tmpBxHxLxP);
        mul(bBxHxLxP, sin, tmpBxHxLxP);
        x1.subi(tmpBxHxLxP);
        mul(bBxHxLxP, cosLxP, tmpBxHxLxP);
        x2.assign(tmpBxHxLxP);
        mul(aBxHxLxP, sin, tmpBxHxLxP);
        x2.addi(tmpBxHxLxP);
    }

    private static void mul(INDArray xBxHxLxP, INDArray tableLxP, INDArray outBxHxLxP) {
        Nd4j.getExecutioner().exec(new BroadcastMulOp(xBxHxLxP, tableLxP, outBxHxLxP, 2, 3));
    }

    private void tables(int t, DataType dtype) {
        if (cosLxP != null && cosLxP.size(0) == t && cosLxP.dataType() == dtype) {
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
        cosLxP = Nd4j.create(c).castTo(dtype);
        sinLxP = Nd4j.create(s).castTo(dtype);
        negSinLxP = sinLxP.neg();
    }
}
