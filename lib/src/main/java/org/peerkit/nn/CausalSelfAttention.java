package org.peerkit.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.peerkit.tensor.Parallel;
import org.peerkit.tensor.Vec;

/**
 * Causal multi-head self-attention (Vaswani et al. 2017) with one fused QKV projection.
 *
 * <p>Shapes (letters as in the package doc): B sequences, L positions, D model width, H heads,
 * A = D/H head width, T = B·L tokens, G = B·H (batched heads). Input and output are [B, L, D]; q, k,
 * v stay in the fused projection's token-major output [T, 3D] = [B, L, 3, H, A], and each head's
 * products read and write their [L, A]
 * blocks there in place ({@link GroupedGemm}, one BLAS call per head, no head-major copies); scores
 * and probabilities are [G, L, L].
 *
 * <p>The score GEMMs compute the full T×T products (the usual FLOP convention, see
 * {@code org.peerkit.flops}); the causal mask is applied inside the fused softmax, which never reads
 * the upper triangle and writes zeros there.
 */
public final class CausalSelfAttention implements Module {

    private final String name;
    private final int heads;
    private final Linear qkv;
    private final Linear proj;
    private final Rotary rotary;
    private final PassGuard guard;
    private int batch;
    private int seq;
    private INDArray qkvTx3D;
    private INDArray probsGxLxL;
    private INDArray yTxD;
    private INDArray dProbsGxLxL;
    private INDArray dqkvTx3D;
    private INDArray outBxLxD;
    private INDArray dxBxLxD;

    /**
     * @param rotary rotary positions applied to q and k, or null (learned positions live outside)
     * @param projStd init std of the output projection (GPT-2 scales it by 1/√(2·layers))
     */
    public CausalSelfAttention(String name, int dModel, int heads, boolean bias, double std, double projStd,
            Rotary rotary, DataType dtype, Rng rng) {
        if (dModel % heads != 0) {
            throw new IllegalArgumentException(name + ": dModel=" + dModel + " is not divisible by heads="
                    + heads);
        }
        this.name = name;
        this.heads = heads;
        this.qkv = new Linear(name + ".qkv", dModel, 3 * dModel, bias, std, dtype, rng);
        this.proj = new Linear(name + ".proj", dModel, dModel, bias, projStd, dtype, rng);
        this.rotary = rotary;
        this.guard = new PassGuard(name);
    }

    @Override
    public List<Param> params() {
        List<Param> ps = new ArrayList<>(qkv.params());
        ps.addAll(proj.params());
        return ps;
    }

    @Override
    public INDArray forward(INDArray xBxLxD) {
        if (xBxLxD.rank() != 3 || xBxLxD.size(2) != qkv.in()) {
            throw new IllegalArgumentException(name + ": expected input [B, T, " + qkv.in() + "], got "
                    + Arrays.toString(xBxLxD.shape()));
        }
        allocate((int) xBxLxD.size(0), (int) xBxLxD.size(1), xBxLxD.dataType());
        int d = qkv.in();
        qkvTx3D = qkv.forward(xBxLxD.reshape(batch * (long) seq, d));
        if (rotary != null) {
            // in place in the projection's output (Linear's backward needs its input, not its output)
            rotary.rotate(qkvTx3D, 0, seq);
            rotary.rotate(qkvTx3D, 1, seq);
        }
        // raw scores S = q·kᵀ per (batch row, head), softmaxed in place
        GroupedGemm.mm(batch, heads, seq, seq, headDim(), part(qkvTx3D, 0), false, part(qkvTx3D, 1), true,
                probs(probsGxLxL));
        causalSoftmax(probsGxLxL, 1.0 / Math.sqrt(headDim()));
        // y = P·v, written token-major [T, D] for the output projection
        GroupedGemm.mm(batch, heads, seq, headDim(), seq, probs(probsGxLxL), false, part(qkvTx3D, 2), false,
                tokens(yTxD, d, 0));
        INDArray out = proj.forward(yTxD);
        guard.forwardDone();
        outBxLxD = out.reshape(batch, seq, d);
        return outBxLxD;
    }

    @Override
    public INDArray backward(INDArray dyBTD) {
        guard.beginBackward();
        int d = qkv.in();
        int e = headDim();
        INDArray dyTxD = proj.backward(dyBTD.reshape(batch * (long) seq, d));
        GroupedGemm.Blocks dY = tokens(dyTxD, d, 0);
        // dP = dY·vᵀ ; dv = Pᵀ·dY
        GroupedGemm.mm(batch, heads, seq, seq, e, dY, false, part(qkvTx3D, 2), true, probs(dProbsGxLxL));
        GroupedGemm.mm(batch, heads, seq, e, seq, probs(probsGxLxL), true, dY, false, part(dqkvTx3D, 2));
        INDArray dScoresGxLxL = dProbsGxLxL;
        causalSoftmaxBackward(probsGxLxL, dScoresGxLxL, 1.0 / Math.sqrt(headDim()));
        // dq = dS·k ; dk = dSᵀ·q  (q, k as rotated in the forward)
        GroupedGemm.mm(batch, heads, seq, e, seq, probs(dScoresGxLxL), false, part(qkvTx3D, 1), false,
                part(dqkvTx3D, 0));
        GroupedGemm.mm(batch, heads, seq, e, seq, probs(dScoresGxLxL), true, part(qkvTx3D, 0), false,
                part(dqkvTx3D, 1));
        if (rotary != null) {
            rotary.unrotate(dqkvTx3D, 0, seq);
            rotary.unrotate(dqkvTx3D, 1, seq);
        }
        INDArray dxTxD = qkv.backward(dqkvTx3D);
        dxBxLxD = dxTxD.reshape(batch, seq, d);
        return dxBxLxD;
    }

    private int headDim() {
        return qkv.in() / heads;
    }

    /** Part {@code which} (0 q, 1 k, 2 v) of the fused [T, 3D] = [B, L, 3, H, A] layout, per (b, h) a [L, A] block. */
    private GroupedGemm.Blocks part(INDArray n3d, int which) {
        return tokens(n3d, 3 * qkv.in(), which * qkv.in());
    }

    /** Per (b, h) the [L, A] block of a token-major [T, rowWidth] array, this part's columns at colOffset. */
    private GroupedGemm.Blocks tokens(INDArray tokens, int rowWidth, int colOffset) {
        return new GroupedGemm.Blocks(tokens, colOffset, rowWidth, (long) seq * rowWidth, headDim());
    }

    /** Per (b, h) the [L, L] block of [B·H, L, L]. */
    private GroupedGemm.Blocks probs(INDArray gtt) {
        long tt = (long) seq * seq;
        return new GroupedGemm.Blocks(gtt, 0, seq, heads * tt, tt);
    }

    /** Part {@code which} of the fused [T, 3D] array as a strided [B, H, L, A] view (for the rotary). */
    private void allocate(int b, int t, DataType dt) {
        batch = b;
        seq = t;
        long g = (long) b * heads;
        probsGxLxL = Buffers.ensure(probsGxLxL, dt, g, t, t);
        dProbsGxLxL = Buffers.ensure(dProbsGxLxL, dt, g, t, t);
        yTxD = Buffers.ensure(yTxD, dt, (long) b * t, qkv.in());
        dqkvTx3D = Buffers.ensure(dqkvTx3D, dt, (long) b * t, 3L * qkv.in());
    }

    /**
     * In place over rows of [G, L, L]: p_ij = softmax_j(scale·s_ij) over j ≤ i, and 0 for j > i (the
     * causal mask: the upper triangle is set to −∞ before exp). Numerically stable (row maximum
     * subtracted). Two Java passes around one ND4J exp, instead of scale, mask-add and softmax ops.
     */
    private static void causalSoftmax(INDArray sGxLxL, double scale) {
        int t = (int) sGxLxL.size(2);
        int rows = (int) (sGxLxL.size(0) * t);
        Vec s = Vec.of(sGxLxL);
        // pass 1 (Java): scale·s − row max on and below the diagonal, −∞ above
        Parallel.rows(rows, t, (from, to) -> {
            for (int r = from; r < to; r++) {
                int i = r % t;
                int o = r * t;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    max = Math.max(max, s.get(o + j));
                }
                double m = scale * max;
                for (int j = 0; j <= i; j++) {
                    s.set(o + j, scale * s.get(o + j) - m);
                }
                for (int j = i + 1; j < t; j++) {
                    s.set(o + j, Double.NEGATIVE_INFINITY);
                }
            }
        });
        // exp as one ND4J op: faster than Java's Math.exp (lib/README.md, ND4J on the CPU); exp(−∞) = 0 is the mask
        Transforms.exp(sGxLxL, false);
        // pass 2 (Java): normalise
        Parallel.rows(rows, t, (from, to) -> {
            for (int r = from; r < to; r++) {
                int i = r % t;
                int o = r * t;
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    sum += s.get(o + j);
                }
                double inv = 1.0 / sum;
                for (int j = 0; j <= i; j++) {
                    s.set(o + j, s.get(o + j) * inv);
                }
            }
        });
    }

    /** In place: dS_ij = scale·P_ij·(dP_ij − Σ_k dP_ik·P_ik) for j ≤ i, 0 above the diagonal. */
    private static void causalSoftmaxBackward(INDArray pGxLxL, INDArray dGxLxL, double scale) {
        int t = (int) pGxLxL.size(2);
        Vec p = Vec.of(pGxLxL);
        Vec d = Vec.of(dGxLxL);
        Parallel.rows((int) (pGxLxL.size(0) * t), t, (from, to) -> {
            for (int r = from; r < to; r++) {
                int i = r % t;
                int o = r * t;
                double dot = 0;
                for (int j = 0; j <= i; j++) {
                    dot += d.get(o + j) * p.get(o + j);
                }
                for (int j = 0; j <= i; j++) {
                    d.set(o + j, scale * p.get(o + j) * (d.get(o + j) - dot));
                }
                for (int j = i + 1; j < t; j++) {
                    d.set(o + j, 0.0);
                }
            }
        });
    }
}
