package org.peerkit.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.peerkit.tensor.Parallel;
import org.peerkit.tensor.Vec;

/**
 * Causal multi-head self-attention (Vaswani et al. 2017) with one fused QKV projection.
 *
 * <p>Shapes: B batch, T positions, D model width, H heads, E = D/H head width, N = B·T tokens,
 * G = B·H (batched heads). Input and output are [B,T,D]; q, k, v stay in the fused projection's
 * token-major output [N,3D] = [B,T,3,H,E], and each head's products read and write their [T,E]
 * blocks there in place ({@link GroupedGemm}, one BLAS call per head, no head-major copies); scores
 * and probabilities are [G,T,T].
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
    private INDArray qkvN3D;
    private INDArray probsGTT;
    private INDArray yND;
    private INDArray dProbsGTT;
    private INDArray dqkvN3D;
    private INDArray outBTD;
    private INDArray dxBTD;

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
    public INDArray forward(INDArray xBTD) {
        if (xBTD.rank() != 3 || xBTD.size(2) != qkv.in()) {
            throw new IllegalArgumentException(name + ": expected input [B, T, " + qkv.in() + "], got "
                    + Arrays.toString(xBTD.shape()));
        }
        allocate((int) xBTD.size(0), (int) xBTD.size(1), xBTD.dataType());
        int d = qkv.in();
        qkvN3D = qkv.forward(xBTD.reshape(batch * (long) seq, d));
        if (rotary != null) {
            // in place in the projection's output (Linear's backward needs its input, not its output)
            rotary.rotate(headsView(qkvN3D, 0));
            rotary.rotate(headsView(qkvN3D, 1));
        }
        // raw scores S = q·kᵀ per (batch row, head), softmaxed in place
        GroupedGemm.mm(batch, heads, seq, seq, headDim(), part(qkvN3D, 0), false, part(qkvN3D, 1), true,
                probs(probsGTT));
        causalSoftmax(probsGTT, 1.0 / Math.sqrt(headDim()));
        // y = P·v, written token-major [N, D] for the output projection
        GroupedGemm.mm(batch, heads, seq, headDim(), seq, probs(probsGTT), false, part(qkvN3D, 2), false,
                tokens(yND, d, 0));
        INDArray out = proj.forward(yND);
        guard.forwardDone();
        outBTD = out.reshape(batch, seq, d);
        return outBTD;
    }

    @Override
    public INDArray backward(INDArray dyBTD) {
        guard.beginBackward();
        int d = qkv.in();
        int e = headDim();
        INDArray dyND = proj.backward(dyBTD.reshape(batch * (long) seq, d));
        GroupedGemm.Blocks dY = tokens(dyND, d, 0);
        // dP = dY·vᵀ ; dv = Pᵀ·dY
        GroupedGemm.mm(batch, heads, seq, seq, e, dY, false, part(qkvN3D, 2), true, probs(dProbsGTT));
        GroupedGemm.mm(batch, heads, seq, e, seq, probs(probsGTT), true, dY, false, part(dqkvN3D, 2));
        INDArray dScoresGTT = dProbsGTT;
        causalSoftmaxBackward(probsGTT, dScoresGTT, 1.0 / Math.sqrt(headDim()));
        // dq = dS·k ; dk = dSᵀ·q  (q, k as rotated in the forward)
        GroupedGemm.mm(batch, heads, seq, e, seq, probs(dScoresGTT), false, part(qkvN3D, 1), false,
                part(dqkvN3D, 0));
        GroupedGemm.mm(batch, heads, seq, e, seq, probs(dScoresGTT), true, part(qkvN3D, 0), false,
                part(dqkvN3D, 1));
        if (rotary != null) {
            rotary.unrotate(headsView(dqkvN3D, 0));
            rotary.unrotate(headsView(dqkvN3D, 1));
        }
        INDArray dxND = qkv.backward(dqkvN3D);
        dxBTD = dxND.reshape(batch, seq, d);
        return dxBTD;
    }

    private int headDim() {
        return qkv.in() / heads;
    }

    /** Part {@code which} (0 q, 1 k, 2 v) of the fused [N,3D] = [B,T,3,H,E] layout, per (b, h) a [T,E] block. */
    private GroupedGemm.Blocks part(INDArray n3d, int which) {
        return tokens(n3d, 3 * qkv.in(), which * qkv.in());
    }

    /** Per (b, h) the [T,E] block of a token-major [N, rowWidth] array, this part's columns at colOffset. */
    private GroupedGemm.Blocks tokens(INDArray tokens, int rowWidth, int colOffset) {
        return new GroupedGemm.Blocks(tokens, colOffset, rowWidth, (long) seq * rowWidth, headDim());
    }

    /** Per (b, h) the [T,T] block of [B·H,T,T]. */
    private GroupedGemm.Blocks probs(INDArray gtt) {
        long tt = (long) seq * seq;
        return new GroupedGemm.Blocks(gtt, 0, seq, heads * tt, tt);
    }

    /** Part {@code which} of the fused [N,3D] array as a strided [B,H,T,E] view (for the rotary). */
    private INDArray headsView(INDArray n3d, int which) {
        return n3d.reshape(batch, seq, 3, heads, headDim())
                .get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(which), NDArrayIndex.all(),
                        NDArrayIndex.all())
                .permute(0, 2, 1, 3);
    }

    private void allocate(int b, int t, DataType dt) {
        batch = b;
        seq = t;
        long g = (long) b * heads;
        probsGTT = Buffers.ensure(probsGTT, dt, g, t, t);
        dProbsGTT = Buffers.ensure(dProbsGTT, dt, g, t, t);
        yND = Buffers.ensure(yND, dt, (long) b * t, qkv.in());
        dqkvN3D = Buffers.ensure(dqkvN3D, dt, (long) b * t, 3L * qkv.in());
    }

    /**
     * In place over rows of [G,T,T]: p_ij = softmax_j(scale·s_ij) over j ≤ i, and 0 for j > i (the
     * causal mask: the upper triangle is set to −∞ before exp). Numerically stable (row maximum
     * subtracted). Two Java passes around one ND4J exp, instead of scale, mask-add and softmax ops.
     */
    private static void causalSoftmax(INDArray sGTT, double scale) {
        int t = (int) sGTT.size(2);
        int rows = (int) (sGTT.size(0) * t);
        Vec s = Vec.of(sGTT);
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
        // exp as one ND4J op: faster than Java's Math.exp (nd4j.md §3.6); exp(−∞) = 0 is the mask
        Transforms.exp(sGTT, false);
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
    private static void causalSoftmaxBackward(INDArray pGTT, INDArray dGTT, double scale) {
        int t = (int) pGTT.size(2);
        Vec p = Vec.of(pGTT);
        Vec d = Vec.of(dGTT);
        Parallel.rows((int) (pGTT.size(0) * t), t, (from, to) -> {
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
