package org.peerkit.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * A product-key memory layer (lib's ffw.PkmLayer: Lample et al. 2019, the paper's PKM baseline,
 * §3.1) forward and backward on the GPU: q = x·W_q (+ b_q without query BatchNorm, or BN), sub-key
 * scores by cuBLAS (per head on its own sub-keys [H·S, Q/2], or on shared ones), the per-half top-k'
 * and top-k with softmax gates (retrieval.cu, as PEER), then the weighted bag of value rows shared by
 * all heads (mixing.cu pk_bag_*). Value gradients are row-sparse like PEER's u, v. The sizes reuse
 * {@link PeerShape} (numExperts = the number of values; the activation is unused).
 */
public final class PkmDevice implements FfwDevice {
    private static final int WARP_ROWS_PER_BLOCK = 8;
    private static final int THREADS = 256;
    private static final int BIAS_ROWS = 64;

    private final Gpu gpu;
    private final PeerShape shape;
    private final int tokens;
    private final boolean sharedKeys;
    public final DeviceArray wq;
    /** The query bias (lib: only without BN), else null. */
    public final DeviceArray bq;
    public final DeviceArray keys1;
    public final DeviceArray keys2;
    public final DeviceArray values;
    public final DeviceArray dwq;
    public final DeviceArray dbq;
    public final DeviceArray dkeys1;
    public final DeviceArray dkeys2;
    public final DeviceArray dvalues;
    private final PeerBuffers buf;
    private final BatchNormDevice bn;
    private final DeviceArray qRaw;
    private final DeviceArray dqRaw;

    public PkmDevice(Gpu gpu, PeerShape shape, int tokens, boolean sharedKeys, boolean queryBatchNorm) {
        this.gpu = gpu;
        this.shape = shape;
        this.tokens = tokens;
        this.sharedKeys = sharedKeys;
        int qw = shape.queryWidth();
        long keyRows = (long) (sharedKeys ? 1 : shape.heads()) * shape.subKeys();
        wq = gpu.alloc((long) shape.dModel() * qw);
        dwq = gpu.alloc(wq.length());
        bq = queryBatchNorm ? null : gpu.alloc(qw);
        dbq = queryBatchNorm ? null : gpu.alloc(qw);
        keys1 = gpu.alloc(keyRows * (shape.dKey() / 2));
        keys2 = gpu.alloc(keys1.length());
        dkeys1 = gpu.alloc(keys1.length());
        dkeys2 = gpu.alloc(keys1.length());
        values = gpu.alloc((long) shape.numExperts() * shape.dModel());
        dvalues = gpu.alloc(values.length());
        buf = new PeerBuffers(gpu, shape, tokens);
        bn = queryBatchNorm ? new BatchNormDevice(gpu, qw) : null;
        qRaw = queryBatchNorm ? gpu.alloc(buf.q.length()) : null;
        dqRaw = queryBatchNorm ? gpu.alloc(buf.q.length()) : null;
    }

    /** Draws the parameters as lib's PkmLayer initialises them: query and values N(0, 1/D), sub-keys N(0, 2/Q). */
    public void initialise(long seed) {
        float d = (float) (1 / Math.sqrt(shape.dModel()));
        float key = (float) (1 / Math.sqrt(shape.dKey() / 2.0));
        fill(wq, seed, d);
        fill(keys1, seed + 1, key);
        fill(keys2, seed + 2, key);
        fill(values, seed + 3, d);
    }

    private void fill(DeviceArray a, long seed, float std) {
        gpu.launch("ops", "pk_fill_normal", Math.min(4096, (a.length() + THREADS - 1) / THREADS), THREADS, 0, a,
                a.length(), seed, std);
    }

    public PeerBuffers buffers() {
        return buf;
    }

    /** Values and gradients in lib's PkmLayer.params() order: query weight (and bias), BN, sub-keys, values. */
    List<ParamArrays> params() {
        List<ParamArrays> ps = new ArrayList<>();
        ps.add(ParamArrays.dense(wq, dwq));
        if (bq != null) {
            ps.add(ParamArrays.dense(bq, dbq));
        }
        if (bn != null) {
            ps.add(ParamArrays.dense(bn.gamma, bn.dGamma));
            ps.add(ParamArrays.dense(bn.beta, bn.dBeta));
        }
        ps.add(ParamArrays.dense(keys1, dkeys1));
        ps.add(ParamArrays.dense(keys2, dkeys2));
        int maxRows = (int) Math.min((long) tokens * shape.slots(), shape.numExperts());
        ps.add(new ParamArrays(values, dvalues, buf.touched, buf.touchedCount, maxRows));
        return ps;
    }

    @Override
    public DeviceArray forward(DeviceArray x, int t) {
        checkTokens(t);
        int qw = shape.queryWidth();
        DeviceArray q = bn == null ? buf.q : qRaw;
        gpu.gemm(false, false, t, qw, shape.dModel(), x.address(), shape.dModel(), wq.address(), qw, 0f, q.address(),
                qw);
        if (bq != null) {
            gpu.launch("ops", "pk_add_bias", blocks((long) t * qw), THREADS, 0, q, bq, (long) t, qw);
        }
        if (bn != null) {
            bn.forward(qRaw, buf.q, t, true);
        }
        scores(t);
        topK(t);
        gpu.launch("mixing", "pk_bag_forward", t, THREADS, 8 * shape.slots(), buf.expert, buf.gates, values, t,
                shape.slots(), shape.dModel(), buf.y);
        return buf.y;
    }

    /** Sub-key scores [R, S] of each half: one GEMM on shared keys, or one per head on its own keys. */
    private void scores(int t) {
        int half = shape.dKey() / 2;
        int s = shape.subKeys();
        int h = shape.heads();
        if (sharedKeys) {
            gpu.gemm(false, true, t * h, s, half, buf.q.address(), shape.dKey(), keys1.address(), half, 0f,
                    buf.s1.address(), s);
            gpu.gemm(false, true, t * h, s, half, buf.q.at(half), shape.dKey(), keys2.address(), half, 0f,
                    buf.s2.address(), s);
            return;
        }
        int qw = shape.queryWidth();
        for (int head = 0; head < h; head++) {
            long keys = (long) head * s * half;
            int q = head * shape.dKey();
            gpu.gemm(false, true, t, s, half, buf.q.at(q), qw, keys1.at(keys), half, 0f, buf.s1.at((long) head * s),
                    h * s);
            gpu.gemm(false, true, t, s, half, buf.q.at(q + half), qw, keys2.at(keys), half, 0f,
                    buf.s2.at((long) head * s), h * s);
        }
    }

    private void topK(int t) {
        int rows = t * shape.heads();
        long blocks = warpBlocks(t);
        String kk = "_" + shape.kernelK();
        gpu.launch("retrieval", "pk_topk_rows" + kk, blocks, THREADS, 0, buf.s1, rows, shape.subKeys(), shape.halfK(),
                buf.top1v, buf.top1i);
        gpu.launch("retrieval", "pk_topk_rows" + kk, blocks, THREADS, 0, buf.s2, rows, shape.subKeys(), shape.halfK(),
                buf.top2v, buf.top2i);
        gpu.launch("retrieval", "pk_combine_softmax" + kk, blocks, THREADS, 0, buf.top1v, buf.top1i, buf.top2v,
                buf.top2i, rows, shape.halfK(), shape.k(), shape.subKeys(), buf.scores, buf.gates, buf.rows, buf.cols,
                buf.expert);
    }

    @Override
    public DeviceArray backward(DeviceArray x, DeviceArray dy, int t) {
        checkTokens(t);
        int d = shape.dModel();
        int qw = shape.queryWidth();
        gpu.launch("mixing", "pk_bag_backward", t, THREADS, 4 * d, dy, buf.expert, buf.gates, values, t, shape.slots(),
                d, buf.dGates, dvalues, buf.used);
        gpu.launch("retrieval", "pk_softmax_groups_backward", warpBlocks(t), THREADS, 0, buf.gates, buf.dGates,
                t * shape.heads(), shape.k(), buf.dScores);
        long stride = sharedKeys ? 0L : (long) shape.subKeys() * (shape.dKey() / 2);
        gpu.launch("retrieval", "pk_retrieval_backward", warpBlocks(t), THREADS, 0, buf.dScores, buf.rows, buf.cols,
                buf.q, keys1, keys2, t * shape.heads(), shape.dKey(), shape.k(), buf.dq, dkeys1, dkeys2,
                shape.heads(), stride);
        DeviceArray dq = buf.dq;
        if (bn != null) {
            bn.backward(buf.dq, qRaw, dqRaw, t);
            dq = dqRaw;
        }
        if (dbq != null) {
            gpu.launch("ops", "pk_bias_grad", (t + BIAS_ROWS - 1) / BIAS_ROWS, THREADS, 0, dq, (long) t, qw, dbq);
        }
        gpu.gemm(false, true, t, d, qw, dq.address(), qw, wq.address(), qw, 0f, buf.dx.address(), d);
        gpu.gemm(true, false, d, qw, t, x.address(), d, dq.address(), qw, 1f, dwq.address(), qw);
        gpu.zero(buf.touchedCount);
        int n = shape.numExperts();
        gpu.launch("mixing", "pk_collect_rows", (n + THREADS - 1) / THREADS, THREADS, 0, buf.used, n, buf.touched,
                buf.touchedCount);
        return buf.dx;
    }

    @Override
    public void zeroGradients() {
        for (DeviceArray g : new DeviceArray[] {dwq, dbq, dkeys1, dkeys2}) {
            if (g != null) {
                gpu.zero(g);
            }
        }
        if (bn != null) {
            gpu.zero(bn.dGamma);
            gpu.zero(bn.dBeta);
        }
        long maxRows = (long) tokens * shape.slots();
        gpu.launch("mixing", "pk_zero_rows", maxRows, THREADS, 0, dvalues, buf.touched, buf.touchedCount,
                shape.dModel());
    }

    private long warpBlocks(int t) {
        return ((long) t * shape.heads() + WARP_ROWS_PER_BLOCK - 1) / WARP_ROWS_PER_BLOCK;
    }

    private static long blocks(long n) {
        return Math.min(65536, (n + THREADS - 1) / THREADS);
    }

    private void checkTokens(int t) {
        if (t < 1 || t > tokens) {
            throw new IllegalArgumentException("t=" + t + " tokens, but this layer was sized for 1.." + tokens);
        }
    }

    @Override
    public void free() {
        for (DeviceArray a : new DeviceArray[] {wq, bq, keys1, keys2, values, dwq, dbq, dkeys1, dkeys2, dvalues, qRaw,
            dqRaw}) {
            if (a != null) {
                gpu.free(a);
            }
        }
        buf.free(gpu);
        if (bn != null) {
            bn.free();
        }
    }
}
