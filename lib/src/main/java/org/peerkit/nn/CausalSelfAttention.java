package org.peerkit.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Causal multi-head self-attention (Vaswani et al. 2017) with one fused QKV projection.
 *
 * <p>Shapes: B batch, T positions, D model width, H heads, E = D/H head width, N = B·T tokens,
 * G = B·H (batched heads). Input and output are [B,T,D]; q, k, v are [B,H,T,E] and viewed as
 * [G,T,E] for the batched GEMMs; scores and probabilities are [G,T,T].
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
    private INDArray qBHTE;
    private INDArray kBHTE;
    private INDArray vBHTE;
    private INDArray probsGTT;
    private INDArray yBHTE;
    private INDArray yND;
    private INDArray dProbsGTT;
    private INDArray dqBHTE;
    private INDArray dkBHTE;
    private INDArray dvBHTE;
    private INDArray dyBHTE;
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
        INDArray qkvN3D = qkv.forward(xBTD.reshape(batch * (long) seq, d));
        splitHeads(qkvN3D);
        if (rotary != null) {
            rotary.rotate(qBHTE);
            rotary.rotate(kBHTE);
        }
        Gemm.bmm(groups(qBHTE), groups(kBHTE), probsGTT, false, true);  // raw scores, softmaxed in place
        causalSoftmax(probsGTT, 1.0 / Math.sqrt(headDim()));
        Gemm.bmm(probsGTT, groups(vBHTE), groups(yBHTE), false, false);
        copyHeads(yND, d, 0, yBHTE, false);
        INDArray out = proj.forward(yND);
        guard.forwardDone();
        outBTD = out.reshape(batch, seq, d);
        return outBTD;
    }

    @Override
    public INDArray backward(INDArray dyBTD) {
        guard.beginBackward();
        int d = qkv.in();
        INDArray dyND = proj.backward(dyBTD.reshape(batch * (long) seq, d));
        copyHeads(dyND, d, 0, dyBHTE, true);
        // dP = dY·vᵀ ; dv = Pᵀ·dY
        Gemm.bmm(groups(dyBHTE), groups(vBHTE), dProbsGTT, false, true);
        Gemm.bmm(probsGTT, groups(dyBHTE), groups(dvBHTE), true, false);
        INDArray dScoresGTT = dProbsGTT;
        causalSoftmaxBackward(probsGTT, dScoresGTT, 1.0 / Math.sqrt(headDim()));
        // dq = dS·k ; dk = dSᵀ·q  (q, k as rotated in the forward)
        Gemm.bmm(dScoresGTT, groups(kBHTE), groups(dqBHTE), false, false);
        Gemm.bmm(dScoresGTT, groups(qBHTE), groups(dkBHTE), true, false);
        if (rotary != null) {
            rotary.unrotate(dqBHTE);
            rotary.unrotate(dkBHTE);
        }
        copyHeads(dqkvN3D, 3 * d, 0, dqBHTE, false);
        copyHeads(dqkvN3D, 3 * d, d, dkBHTE, false);
        copyHeads(dqkvN3D, 3 * d, 2 * d, dvBHTE, false);
        INDArray dxND = qkv.backward(dqkvN3D);
        dxBTD = dxND.reshape(batch, seq, d);
        return dxBTD;
    }

    private int headDim() {
        return qkv.in() / heads;
    }

    /** Copies the fused projection [N,3D] = [B,T,3,H,E] out into q, k, v [B,H,T,E]. */
    private void splitHeads(INDArray qkvN3D) {
        int d = qkv.in();
        copyHeads(qkvN3D, 3 * d, 0, qBHTE, true);
        copyHeads(qkvN3D, 3 * d, d, kBHTE, true);
        copyHeads(qkvN3D, 3 * d, 2 * d, vBHTE, true);
    }

    /**
     * Copies between a token-major matrix (row t of width {@code rowWidth}, this part's D columns
     * starting at {@code colOffset}, laid out [H,E]) and a head-major array [B,H,T,E]; a Java loop of
     * E-long runs, faster here than ND4J's strided assign of a permuted view.
     */
    private void copyHeads(INDArray tokens, int rowWidth, int colOffset, INDArray headsBHTE, boolean toHeads) {
        int e = headDim();
        int t = seq;
        int h = heads;
        Vec tok = Vec.of(tokens);
        Vec hd = Vec.of(headsBHTE);
        Parallel.rows(batch * h * t, e, (from, to) -> {
            for (int r = from; r < to; r++) {
                int pos = r % t;
                int head = (r / t) % h;
                int b = r / (t * h);
                int src = (b * t + pos) * rowWidth + colOffset + head * e;
                int dst = r * e;
                if (toHeads) {
                    for (int j = 0; j < e; j++) {
                        hd.set(dst + j, tok.get(src + j));
                    }
                } else {
                    for (int j = 0; j < e; j++) {
                        tok.set(src + j, hd.get(dst + j));
                    }
                }
            }
        });
    }

    private INDArray groups(INDArray bhte) {
        return bhte.reshape((long) batch * heads, seq, headDim());
    }

    private void allocate(int b, int t, DataType dt) {
        batch = b;
        seq = t;
        int e = headDim();
        long g = (long) b * heads;
        qBHTE = Buffers.ensure(qBHTE, dt, b, heads, t, e);
        kBHTE = Buffers.ensure(kBHTE, dt, b, heads, t, e);
        vBHTE = Buffers.ensure(vBHTE, dt, b, heads, t, e);
        yBHTE = Buffers.ensure(yBHTE, dt, b, heads, t, e);
        dqBHTE = Buffers.ensure(dqBHTE, dt, b, heads, t, e);
        dkBHTE = Buffers.ensure(dkBHTE, dt, b, heads, t, e);
        dvBHTE = Buffers.ensure(dvBHTE, dt, b, heads, t, e);
        dyBHTE = Buffers.ensure(dyBHTE, dt, b, heads, t, e);
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
