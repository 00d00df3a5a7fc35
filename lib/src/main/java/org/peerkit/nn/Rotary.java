package org.peerkit.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.peerkit.tensor.Parallel;
import org.peerkit.tensor.Vec;

/**
 * Rotary position embedding (RoPE, Su et al. 2021), "rotate-half" layout as in GPT-NeoX: with the
 * head vector split into halves (x₁, x₂), position l rotates each pair (x₁ᵢ, x₂ᵢ) by angle
 * l·θᵢ, θᵢ = base^(−2i/A). Shapes: B sequences, H heads, L positions, A head width, A/2 = P
 * pairs. It works in place on the attention's token-major projection qkv [B·L, 3·D] (q, k, v
 * side by side, each H blocks of A), the position of token row r being r mod L; cos and sin tables
 * [L, P] in double. One Java pass per block of rows: the ten strided ND4J ops (copies, broadcast
 * multiplies) it replaced cost more than the attention's GEMMs in the sweeps' small models.
 *
 * <p>The rotation is linear and orthogonal, so the backward is the same rotation with −sin and
 * needs nothing from the forward.
 */
public final class Rotary {

    private final int headDim;
    private final double base;
    private int tableLen = -1;
    private double[] cosLxP;
    private double[] sinLxP;

    public Rotary(int headDim, double base) {
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("rotary positions need an even head dimension, got " + headDim);
        }
        this.headDim = headDim;
        this.base = base;
    }

    /** Rotates part {@code which} (0 = q, 1 = k) of qkv [B·L, 3·D] in place by its positions (forward). */
    public void rotate(INDArray qkvTx3D, int which, int seq) {
        apply(qkvTx3D, which, seq, 1.0);
    }

    /** Applies the inverse rotation to part {@code which} of a gradient [B·L, 3·D] in place (backward). */
    public void unrotate(INDArray dqkvTx3D, int which, int seq) {
        apply(dqkvTx3D, which, seq, -1.0);
    }

    /** x₁' = x₁·cos − x₂·sin ; x₂' = x₂·cos + x₁·sin, with sin negated for the inverse. */
    private void apply(INDArray qkvTx3D, int which, int seq, double sign) {
        int rows = (int) qkvTx3D.size(0);
        int width = (int) qkvTx3D.size(1);
        int d = width / 3;
        int p = headDim / 2;
        tables(seq);
        Vec x = Vec.of(qkvTx3D);
        double[] cos = cosLxP;
        double[] sin = sinLxP;
        Parallel.rows(rows, d, (from, to) -> {
            for (int r = from; r < to; r++) {
                int at = (r % seq) * p;
                for (int o = r * width + which * d, end = o + d; o < end; o += headDim) {
                    for (int i = 0; i < p; i++) {
                        double x1 = x.get(o + i);
                        double x2 = x.get(o + p + i);
                        double c = cos[at + i];
                        double s = sign * sin[at + i];
                        x.set(o + i, x1 * c - x2 * s);
                        x.set(o + p + i, x2 * c + x1 * s);
                    }
                }
            }
        });
    }

    private void tables(int t) {
        if (tableLen == t) {
            return;
        }
        int p = headDim / 2;
        cosLxP = new double[t * p];
        sinLxP = new double[t * p];
        for (int pos = 0; pos < t; pos++) {
            for (int i = 0; i < p; i++) {
                double angle = pos * Math.pow(base, -2.0 * i / headDim);
                cosLxP[pos * p + i] = Math.cos(angle);
                sinLxP[pos * p + i] = Math.sin(angle);
            }
        }
        tableLen = t;
    }
}
