package org.peerkit.cuda;

/**
 * lib's dense FFW (ffw.DenseFfw with bias and GELU) on the GPU: y = GELU(x·W₁ + b₁)·W₂ + b₂ with
 * cuBLAS GEMMs and ops.cu's bias and GELU kernels; W [in, out] input-major as nn.Linear.
 * Gradients accumulate. Shapes: x, y [T, D]; W₁ [D, H], b₁ [H]; W₂ [H, D], b₂ [D].
 */
public final class DenseFfwDevice implements FfwDevice {
    private static final int THREADS = 256;
    private static final int BIAS_ROWS = 64;  // rows per block of pk_bias_grad

    private final Gpu gpu;
    private final int dModel;
    private final int hidden;
    private final int tokens;
    private final boolean bias;
    public final DeviceArray w1;
    public final DeviceArray b1;
    public final DeviceArray w2;
    public final DeviceArray b2;
    public final DeviceArray dw1;
    public final DeviceArray db1;
    public final DeviceArray dw2;
    public final DeviceArray db2;
    /** [T, H] pre-activation and activation; [T, D] output and input gradient; [T, H] scratch. */
    private final DeviceArray pre;
    private final DeviceArray act;
    public final DeviceArray y;
    public final DeviceArray dx;
    private final DeviceArray dAct;
    private final DeviceArray dPre;

    /** With biases, as the golden file's DenseFfw. */
    public DenseFfwDevice(Gpu gpu, int dModel, int hidden, int tokens) {
        this(gpu, dModel, hidden, tokens, true);
    }

    /** {@code bias} false: no bias adds or bias gradients (LmConfig.bias false, the sweeps' default). */
    public DenseFfwDevice(Gpu gpu, int dModel, int hidden, int tokens, boolean bias) {
        this.bias = bias;
        this.gpu = gpu;
        this.dModel = dModel;
        this.hidden = hidden;
        this.tokens = tokens;
        w1 = gpu.alloc((long) dModel * hidden);
        b1 = gpu.alloc(hidden);
        w2 = gpu.alloc((long) hidden * dModel);
        b2 = gpu.alloc(dModel);
        dw1 = gpu.alloc(w1.length());
        db1 = gpu.alloc(hidden);
        dw2 = gpu.alloc(w2.length());
        db2 = gpu.alloc(dModel);
        pre = gpu.alloc((long) tokens * hidden);
        act = gpu.alloc(pre.length());
        dAct = gpu.alloc(pre.length());
        dPre = gpu.alloc(pre.length());
        y = gpu.alloc((long) tokens * dModel);
        dx = gpu.alloc(y.length());
    }

    @Override
    public DeviceArray forward(DeviceArray x, int t) {
        checkTokens(t);
        gpu.gemm(false, false, t, hidden, dModel, x.address(), dModel, w1.address(), hidden, 0f, pre.address(), hidden);
        addBias(pre, b1, t, hidden);
        long n = (long) t * hidden;
        gpu.launch("ops", "pk_gelu_forward", blocks(n), THREADS, 0, pre, n, act);
        gpu.gemm(false, false, t, dModel, hidden, act.address(), hidden, w2.address(), dModel, 0f, y.address(), dModel);
        addBias(y, b2, t, dModel);
        return y;
    }

    /** Backward of the last forward: dx [t, D] overwritten, all gradients accumulated. */
    @Override
    public DeviceArray backward(DeviceArray x, DeviceArray dy, int t) {
        checkTokens(t);
        gpu.gemm(true, false, hidden, dModel, t, act.address(), hidden, dy.address(), dModel, 1f, dw2.address(), dModel);
        biasGrad(dy, db2, t, dModel);
        gpu.gemm(false, true, t, hidden, dModel, dy.address(), dModel, w2.address(), dModel, 0f, dAct.address(), hidden);
        long n = (long) t * hidden;
        gpu.launch("ops", "pk_gelu_backward", blocks(n), THREADS, 0, pre, dAct, n, dPre);
        gpu.gemm(true, false, dModel, hidden, t, x.address(), dModel, dPre.address(), hidden, 1f, dw1.address(), hidden);
        biasGrad(dPre, db1, t, hidden);
        gpu.gemm(false, true, t, dModel, hidden, dPre.address(), hidden, w1.address(), hidden, 0f, dx.address(), dModel);
        return dx;
    }

    private void addBias(DeviceArray a, DeviceArray b, int rows, int cols) {
        if (!bias) {
            return;
        }
        long n = (long) rows * cols;
        gpu.launch("ops", "pk_add_bias", blocks(n), THREADS, 0, a, b, (long) rows, cols);
    }

    private void biasGrad(DeviceArray dy, DeviceArray dBias, int rows, int cols) {
        if (!bias) {
            return;
        }
        gpu.launch("ops", "pk_bias_grad", (rows + BIAS_ROWS - 1) / BIAS_ROWS, THREADS, 0, dy, (long) rows, cols, dBias);
    }

    private static long blocks(long n) {
        return Math.min(65536, (n + THREADS - 1) / THREADS);
    }

    private void checkTokens(int t) {
        if (t < 1 || t > tokens) {
            throw new IllegalArgumentException("t=" + t + " tokens, but this FFW was sized for 1.." + tokens);
        }
    }

    @Override
    public void zeroGradients() {
        for (DeviceArray g : new DeviceArray[] {dw1, db1, dw2, db2}) {
            gpu.zero(g);
        }
    }

    @Override
    public void free() {
        for (DeviceArray a : new DeviceArray[] {w1, b1, w2, b2, dw1, db1, dw2, db2, pre, act, dAct, dPre, y, dx}) {
            gpu.free(a);
        }
    }
}
