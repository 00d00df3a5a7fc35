package org.peerkit.cuda;

/**
 * lib's causal self-attention (nn.CausalSelfAttention) on the GPU: the fused QKV projection and
 * the output projection are cuBLAS GEMMs with bias, rotary positions (optional) rotate q and k in
 * place (pk_rotary), the causal softmax and the weighted values are attention.cu's per-query-row
 * kernels. Shapes: x, out [B·T, D]; W_qkv [D, 3D]
 * input-major (nn.Linear); W_proj [D, D]; probabilities kept as [B·H, T, T] for backward.
 */
public final class AttentionDevice {
    private static final int THREADS = 128;
    private static final int BIAS_ROWS = 64;

    private final Gpu gpu;
    private final int batch;
    private final int seq;
    private final int heads;
    private final int dModel;
    private final boolean bias;
    /** Rotary base θ (lib's LmConfig.ropeBase), or 0 without rotary positions. */
    private final float ropeBase;
    public final DeviceArray wqkv;
    public final DeviceArray bqkv;
    public final DeviceArray wproj;
    public final DeviceArray bproj;
    public final DeviceArray dwqkv;
    public final DeviceArray dbqkv;
    public final DeviceArray dwproj;
    public final DeviceArray dbproj;
    private final DeviceArray qkv;
    private final DeviceArray dqkv;
    private final DeviceArray probs;
    private final DeviceArray y;
    private final DeviceArray dy;
    public final DeviceArray out;
    public final DeviceArray dx;

    /** With biases (nn.CausalSelfAttention's {@code bias} true). */
    public AttentionDevice(Gpu gpu, int batch, int seq, int heads, int dModel) {
        this(gpu, batch, seq, heads, dModel, true);
    }

    /** {@code bias} false: no bias adds or bias gradients (the bias arrays stay zero and unused). */
    public AttentionDevice(Gpu gpu, int batch, int seq, int heads, int dModel, boolean bias) {
        this(gpu, batch, seq, heads, dModel, bias, 0f);
    }

    /** With rotary positions of base {@code ropeBase} on q and k (nn.Rotary), or none when it is 0. */
    public AttentionDevice(Gpu gpu, int batch, int seq, int heads, int dModel, boolean bias, float ropeBase) {
        if (ropeBase != 0 && ((dModel / heads) % 2 != 0 || !(ropeBase > 1))) {
            throw new IllegalArgumentException("rotary positions need an even head width and a base > 1, got "
                    + dModel / heads + " and " + ropeBase);
        }
        this.ropeBase = ropeBase;
        if (dModel % heads != 0) {
            throw new IllegalArgumentException("dModel=" + dModel + " is not divisible by heads=" + heads);
        }
        this.gpu = gpu;
        this.batch = batch;
        this.seq = seq;
        this.heads = heads;
        this.dModel = dModel;
        this.bias = bias;
        long n = (long) batch * seq;
        wqkv = gpu.alloc(3L * dModel * dModel);
        bqkv = gpu.alloc(3L * dModel);
        wproj = gpu.alloc((long) dModel * dModel);
        bproj = gpu.alloc(dModel);
        dwqkv = gpu.alloc(wqkv.length());
        dbqkv = gpu.alloc(bqkv.length());
        dwproj = gpu.alloc(wproj.length());
        dbproj = gpu.alloc(dModel);
        qkv = gpu.alloc(n * 3 * dModel);
        dqkv = gpu.alloc(qkv.length());
        probs = gpu.alloc((long) batch * heads * seq * seq);
        y = gpu.alloc(n * dModel);
        dy = gpu.alloc(y.length());
        out = gpu.alloc(y.length());
        dx = gpu.alloc(y.length());
    }

    private int tokens() {
        return batch * seq;
    }

    private float scale() {
        return (float) (1 / Math.sqrt(dModel / heads));
    }

    public DeviceArray forward(DeviceArray x) {
        int n = tokens();
        int d3 = 3 * dModel;
        gpu.gemm(false, false, n, d3, dModel, x.address(), dModel, wqkv.address(), d3, 0f, qkv.address(), d3);
        addBias(qkv, bqkv, n, d3);
        rotate(qkv, 1f);
        int e = dModel / heads;
        gpu.launch("attention", "pk_attention_forward", (long) batch * heads * seq, THREADS, 4 * (seq + e), qkv, batch,
                seq, heads, e, scale(), probs, y);
        gpu.gemm(false, false, n, dModel, dModel, y.address(), dModel, wproj.address(), dModel, 0f, out.address(),
                dModel);
        addBias(out, bproj, n, dModel);
        return out;
    }

    /** Backward of the last forward: dx overwritten, gradients accumulated. */
    public DeviceArray backward(DeviceArray x, DeviceArray dOut) {
        int n = tokens();
        int d3 = 3 * dModel;
        gpu.gemm(true, false, dModel, dModel, n, y.address(), dModel, dOut.address(), dModel, 1f, dwproj.address(),
                dModel);
        biasGrad(dOut, dbproj, n, dModel);
        gpu.gemm(false, true, n, dModel, dModel, dOut.address(), dModel, wproj.address(), dModel, 0f, dy.address(),
                dModel);
        gpu.zero(dqkv);
        int e = dModel / heads;
        gpu.launch("attention", "pk_attention_backward", (long) batch * heads * seq, THREADS, 4 * (seq + 2 * e), qkv,
                probs, dy, batch, seq, heads, e, scale(), dqkv);
        rotate(dqkv, -1f);
        gpu.gemm(true, false, dModel, d3, n, x.address(), dModel, dqkv.address(), d3, 1f, dwqkv.address(), d3);
        biasGrad(dqkv, dbqkv, n, d3);
        gpu.gemm(false, true, n, dModel, d3, dqkv.address(), d3, wqkv.address(), d3, 0f, dx.address(), dModel);
        return dx;
    }

    /** Rotates the q and k parts of a fused [T, 3D] array in place (sign -1: the inverse, for gradients). */
    private void rotate(DeviceArray fused, float sign) {
        if (ropeBase == 0) {
            return;
        }
        long n = (long) tokens() * dModel;  // pairs: 2 parts × T × D/2
        gpu.launch("attention", "pk_rotary", Math.min(65536, (n + 255) / 256), 256, 0, fused, (long) tokens(), seq,
                heads, dModel / heads, ropeBase, sign);
    }

    private void addBias(DeviceArray a, DeviceArray b, int rows, int cols) {
        if (!bias) {
            return;
        }
        long n = (long) rows * cols;
        gpu.launch("ops", "pk_add_bias", Math.min(65536, (n + 255) / 256), 256, 0, a, b, (long) rows, cols);
    }

    private void biasGrad(DeviceArray d, DeviceArray dBias, int rows, int cols) {
        if (!bias) {
            return;
        }
        gpu.launch("ops", "pk_bias_grad", (rows + BIAS_ROWS - 1) / BIAS_ROWS, 256, 0, d, (long) rows, cols, dBias);
    }

    public void free() {
        for (DeviceArray a : new DeviceArray[] {wqkv, bqkv, wproj, bproj, dwqkv, dbqkv, dwproj, dbproj, qkv, dqkv, probs,
            y, dy, out, dx}) {
            gpu.free(a);
        }
    }
}
