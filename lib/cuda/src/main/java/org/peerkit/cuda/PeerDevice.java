package org.peerkit.cuda;

/**
 * A PEER layer (paper §2, Alg. 1; query BatchNorm optional, §3.3) forward and backward on the GPU
 * with no host round trip: q = x·W_q (cuBLAS), sub-key scores q₁·K₁ᵀ and q₂·K₂ᵀ (cuBLAS), per-half top-k',
 * top-k of the k'² sums with the softmax gates, and the weighted single-neuron experts.
 * Parameters and gradients are device arrays; gradients accumulate, as lib's {@code Param.grad}.
 *
 * <p>Layouts are lib's (org.peerkit.tensor.Kernels): x [T, D], W_q [D, h·Q] (input-major, as
 * nn.Linear), sub-keys [S, Q/2], u and v [N, D]; per-token slots m = head·k + rank.
 */
public final class PeerDevice implements FfwDevice {
    private static final int WARP_ROWS_PER_BLOCK = 8;
    private static final int THREADS = 256;

    private final Gpu gpu;
    private final PeerShape shape;
    private final int tokens;
    /** Parameters, then their gradients (u, v gradients are dense arrays re-zeroed row-sparsely). */
    public final DeviceArray wq;
    public final DeviceArray keys1;
    public final DeviceArray keys2;
    public final DeviceArray u;
    public final DeviceArray v;
    public final DeviceArray dwq;
    public final DeviceArray dkeys1;
    public final DeviceArray dkeys2;
    public final DeviceArray du;
    public final DeviceArray dv;
    private final PeerBuffers buf;
    /** The query BatchNorm (paper §3.3) or null; with it, q is its output and qRaw its input. */
    private final BatchNormDevice bn;
    private final DeviceArray qRaw;
    private final DeviceArray dqRaw;
    private boolean training = true;

    /** A layer without query BatchNorm (as the benchmark runs both sides). */
    public PeerDevice(Gpu gpu, PeerShape shape, int tokens) {
        this(gpu, shape, tokens, false);
    }

    /** A layer for at most {@code tokens} tokens per call, parameters zero until filled or uploaded. */
    public PeerDevice(Gpu gpu, PeerShape shape, int tokens, boolean queryBatchNorm) {
        this.gpu = gpu;
        this.shape = shape;
        this.tokens = tokens;
        long n = shape.numExperts();
        long halfKeys = (long) shape.subKeys() * (shape.dKey() / 2);
        wq = gpu.alloc((long) shape.dModel() * shape.queryWidth());
        keys1 = gpu.alloc(halfKeys);
        keys2 = gpu.alloc(halfKeys);
        u = gpu.alloc(n * shape.dModel());
        v = gpu.alloc(n * shape.dModel());
        dwq = gpu.alloc(wq.length());
        dkeys1 = gpu.alloc(halfKeys);
        dkeys2 = gpu.alloc(halfKeys);
        du = gpu.alloc(u.length());
        dv = gpu.alloc(v.length());
        buf = new PeerBuffers(gpu, shape, tokens);
        bn = queryBatchNorm ? new BatchNormDevice(gpu, shape.queryWidth()) : null;
        qRaw = queryBatchNorm ? gpu.alloc(buf.q.length()) : null;
        dqRaw = queryBatchNorm ? gpu.alloc(buf.q.length()) : null;
    }

    /** The query BatchNorm, if this layer has one. */
    public BatchNormDevice batchNorm() {
        return bn;
    }

    /** Training mode (default) normalises queries by batch statistics; evaluation by running ones. */
    public void setTraining(boolean on) {
        training = on;
    }

    public PeerShape shape() {
        return shape;
    }

    public PeerBuffers buffers() {
        return buf;
    }

    /** Draws the parameters on the device as the yardstick layer initialises them (1/√fan-in). */
    public void initialise(long seed) {
        int half = shape.dKey() / 2;
        fill(wq, seed, (float) (1 / Math.sqrt(shape.dModel())));
        fill(keys1, seed + 1, (float) (1 / Math.sqrt(half)));
        fill(keys2, seed + 2, (float) (1 / Math.sqrt(half)));
        fill(u, seed + 3, (float) (1 / Math.sqrt(shape.dModel())));
        fill(v, seed + 4, (float) (1 / Math.sqrt(shape.slots())));
    }

    public void fill(DeviceArray a, long seed, float std) {
        gpu.launch("ops", "pk_fill_normal", Math.min(4096, (a.length() + THREADS - 1) / THREADS), THREADS, 0, a,
                a.length(), seed, std);
    }

    /** y = PEER(x) for x [t, D]; y is {@link PeerBuffers#y} (valid until the next forward). */
    @Override
    public DeviceArray forward(DeviceArray x, int t) {
        checkTokens(t);
        int qw = shape.queryWidth();
        DeviceArray q = bn == null ? buf.q : qRaw;
        gpu.gemm(false, false, t, qw, shape.dModel(), x.address(), shape.dModel(), wq.address(), qw, 0f, q.address(),
                qw);
        if (bn != null) {
            bn.forward(qRaw, buf.q, t, training);
        }
        retrieve(t);
        return mixForward(x, t);
    }

    /** The experts' weighted sum from {@link PeerBuffers#expert} and {@link PeerBuffers#gates}. */
    public DeviceArray mixForward(DeviceArray x, int t) {
        int m = shape.slots();
        gpu.launch("mixing", "pk_mix_forward", t, THREADS, 4 * shape.dModel() + 8 * m, x, buf.expert, buf.gates, u, v,
                t, m, shape.dModel(), shape.activation(), buf.preAct, buf.y);
        return buf.y;
    }

    /** Sub-key scores, per-half top-k', then the top k with gates (from {@link PeerBuffers#q}). */
    public void retrieve(int t) {
        int rows = t * shape.heads();
        int half = shape.dKey() / 2;
        int s = shape.subKeys();
        int kh = shape.halfK();
        gpu.gemm(false, true, rows, s, half, buf.q.address(), shape.dKey(), keys1.address(), half, 0f,
                buf.s1.address(), s);
        gpu.gemm(false, true, rows, s, half, buf.q.at(half), shape.dKey(), keys2.address(), half, 0f,
                buf.s2.address(), s);
        long blocks = warpBlocks(t);
        String kk = "_" + shape.kernelK();
        gpu.launch("retrieval", "pk_topk_rows" + kk, blocks, THREADS, 0, buf.s1, rows, s, kh, buf.top1v, buf.top1i);
        gpu.launch("retrieval", "pk_topk_rows" + kk, blocks, THREADS, 0, buf.s2, rows, s, kh, buf.top2v, buf.top2i);
        gpu.launch("retrieval", "pk_combine_softmax" + kk, blocks, THREADS, 0, buf.top1v, buf.top1i, buf.top2v,
                buf.top2i, rows, kh, shape.k(), s, buf.scores, buf.gates, buf.rows, buf.cols, buf.expert);
    }

    /**
     * Backward of the last {@link #forward}: returns dx [t, D] ({@link PeerBuffers#dx}), accumulates
     * all parameter gradients and lists the expert rows touched ({@link PeerBuffers#touched}).
     */
    @Override
    public DeviceArray backward(DeviceArray x, DeviceArray dy, int t) {
        checkTokens(t);
        mixBackward(x, dy, t);
        softmaxBackward(t);
        retrievalBackward(t);
        queryBackward(x, t);
        collectTouchedRows();
        return buf.dx;
    }

    /** dx (overwritten), dGates, du and dv (accumulated) from dy; flags the experts used. */
    public void mixBackward(DeviceArray x, DeviceArray dy, int t) {
        int m = shape.slots();
        int d = shape.dModel();
        gpu.launch("mixing", "pk_mix_backward", t, THREADS, 8 * d + 8 * m, dy, x, buf.expert, buf.gates, u, v,
                buf.preAct, t, m, d, shape.activation(), buf.dx, buf.dGates, du, dv, buf.used);
    }

    /** dScores from dGates through each head's softmax. */
    public void softmaxBackward(int t) {
        gpu.launch("retrieval", "pk_softmax_groups_backward", warpBlocks(t), THREADS, 0, buf.gates, buf.dGates,
                t * shape.heads(), shape.k(), buf.dScores);
    }

    /** dq (overwritten) and the sub-key gradients (accumulated) from dScores. */
    public void retrievalBackward(int t) {
        gpu.launch("retrieval", "pk_retrieval_backward", warpBlocks(t), THREADS, 0, buf.dScores, buf.rows, buf.cols,
                buf.q, keys1, keys2, t * shape.heads(), shape.dKey(), shape.k(), buf.dq, dkeys1, dkeys2, shape.heads(), 0L);
    }

    /** Through the query BatchNorm if any, then dx += dq·W_qᵀ and dW_q += xᵀ·dq. */
    public void queryBackward(DeviceArray x, int t) {
        int d = shape.dModel();
        int qw = shape.queryWidth();
        DeviceArray dq = buf.dq;
        if (bn != null) {
            bn.backward(buf.dq, qRaw, dqRaw, t);
            dq = dqRaw;
        }
        gpu.gemm(false, true, t, d, qw, dq.address(), qw, wq.address(), qw, 1f, buf.dx.address(), d);
        gpu.gemm(true, false, d, qw, t, x.address(), d, dq.address(), qw, 1f, dwq.address(), qw);
    }

    /** {@link PeerBuffers#touched}[0 .. count) ← the experts flagged by the last mix backward. */
    public void collectTouchedRows() {
        gpu.zero(buf.touchedCount);
        int n = shape.numExperts();
        gpu.launch("mixing", "pk_collect_rows", (n + THREADS - 1) / THREADS, THREADS, 0, buf.used, n, buf.touched,
                buf.touchedCount);
    }

    private long warpBlocks(int t) {
        return ((long) t * shape.heads() + WARP_ROWS_PER_BLOCK - 1) / WARP_ROWS_PER_BLOCK;
    }

    /** Zeroes all gradients: the dense ones fully, du and dv on the rows the last backward touched. */
    @Override
    public void zeroGradients() {
        if (bn != null) {
            gpu.zero(bn.dGamma);
            gpu.zero(bn.dBeta);
        }
        gpu.zero(dwq);
        gpu.zero(dkeys1);
        gpu.zero(dkeys2);
        long maxRows = (long) tokens * shape.slots();
        gpu.launch("mixing", "pk_zero_rows", maxRows, THREADS, 0, du, buf.touched, buf.touchedCount, shape.dModel());
        gpu.launch("mixing", "pk_zero_rows", maxRows, THREADS, 0, dv, buf.touched, buf.touchedCount, shape.dModel());
    }

    /** Frees the parameters, gradients and buffers. */
    @Override
    public void free() {
        for (DeviceArray a : new DeviceArray[] {wq, keys1, keys2, u, v, dwq, dkeys1, dkeys2, du, dv}) {
            gpu.free(a);
        }
        buf.free(gpu);
        if (bn != null) {
            bn.free();
            gpu.free(qRaw);
            gpu.free(dqRaw);
        }
    }

    private void checkTokens(int t) {
        if (t < 1 || t > tokens) {
            throw new IllegalArgumentException("t=" + t + " tokens, but this layer was sized for 1.." + tokens);
        }
    }
}
