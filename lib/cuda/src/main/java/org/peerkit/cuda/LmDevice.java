package org.peerkit.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * A decoder LM trained on the GPU (lib's model.DecoderLm and train.Trainer#trainStep): token
 * embedding + learned positions (or rotary ones inside attention) → pre-norm blocks
 * ({@link BlockDevice}: causal attention, dense, PEER or PKM FFW) → final norm → head (tied:
 * logits = h·Eᵀ) → cross-entropy, the backward through all of it, then clipping and AdamW
 * ({@link DeviceAdamW}). Parameters, gradients, moments and activations stay on the device; a
 * step's only transfers are the batch's token ids in and, when asked for, the T per-token losses
 * out ({@link #loss()}). Parameter names are lib's ({@link LmShape#params()}).
 */
public final class LmDevice {
    private static final int THREADS = 256;
    private static final int BIAS_ROWS = 64;

    private final Gpu gpu;
    private final LmShape s;
    private final DeviceArray table;
    private final DeviceArray dTable;
    private final DeviceArray pos;
    private final DeviceArray dPos;
    private final DeviceArray head;
    private final DeviceArray dHead;
    private final List<BlockDevice> blocks = new ArrayList<>();
    private final NormDevice finalNorm;
    private final DeviceArray tokens;
    private final DeviceArray targets;
    private final DeviceArray x0;
    private final DeviceArray logits;
    private final DeviceArray dLogits;
    private final DeviceArray lossRows;
    private final DeviceArray dFinal;
    private final DeviceAdamW opt;

    public LmDevice(Gpu gpu, LmShape shape, DeviceAdamW.Settings settings) {
        this.gpu = gpu;
        this.s = shape;
        long t = shape.tokens();
        long d = shape.dModel();
        table = gpu.alloc(shape.vocab() * d);
        dTable = gpu.alloc(table.length());
        pos = shape.learnedPositions() ? gpu.alloc(shape.context() * d) : null;
        dPos = shape.learnedPositions() ? gpu.alloc(pos.length()) : null;
        head = shape.tied() ? null : gpu.alloc(table.length());
        dHead = shape.tied() ? null : gpu.alloc(table.length());
        for (int i = 0; i < shape.layers(); i++) {
            blocks.add(new BlockDevice(gpu, shape, i == shape.peerBlock()));
        }
        finalNorm = new NormDevice(gpu, shape.layerNorm(), shape.dModel(), shape.tokens(), shape.normEps());
        tokens = gpu.alloc(t);
        targets = gpu.alloc(t);
        x0 = gpu.alloc(t * d);
        logits = gpu.alloc(t * shape.vocab());
        dLogits = gpu.alloc(logits.length());
        lossRows = gpu.alloc(t);
        dFinal = gpu.alloc(t * d);
        opt = new DeviceAdamW(gpu, settings, shape.params(), arrays());
    }

    public LmShape shape() {
        return s;
    }

    /** Values and gradients in lib's DecoderLm.params() order. */
    private List<ParamArrays> arrays() {
        List<ParamArrays> ps = new ArrayList<>();
        ps.add(ParamArrays.dense(table, dTable));
        if (pos != null) {
            ps.add(ParamArrays.dense(pos, dPos));
        }
        blocks.forEach(b -> ps.addAll(b.params(s.bias())));
        DeviceArray[] v = finalNorm.values();
        DeviceArray[] g = finalNorm.grads();
        for (int i = 0; i < v.length; i++) {
            ps.add(ParamArrays.dense(v[i], g[i]));
        }
        if (!s.tied()) {
            ps.add(ParamArrays.dense(head, dHead));
        }
        return ps;
    }

    /** Each parameter with its gradient and AdamW moments, named as lib names it. */
    public List<DeviceAdamW.Slot> params() {
        return opt.slots();
    }

    DeviceAdamW optimizer() {
        return opt;
    }

    /** Draws weights N(0, std²) on the device (norm gains stay 1, PEER as PeerDevice#initialise). */
    public void initialise(long seed, float std) {
        long k = seed;
        for (DeviceAdamW.Slot p : params()) {
            if (p.spec().kind() == LmParam.Kind.WEIGHT || p.spec().kind() == LmParam.Kind.EMBEDDING) {
                DeviceArray a = p.arrays().value();
                gpu.launch("ops", "pk_fill_normal", Math.min(4096, (a.length() + THREADS - 1) / THREADS), THREADS, 0, a,
                        a.length(), k++, std);
            }
        }
        for (BlockDevice b : blocks) {
            if (b.ffw instanceof PeerDevice p) {
                p.initialise(k++);
            }
            if (b.ffw instanceof PkmDevice p) {
                p.initialise(k++);
            }
        }
    }

    /** The batch of B windows of L+1 tokens (row-major): inputs [0, L), targets [1, L+1), uploaded. */
    public void setBatch(int[] windowsBT1) {
        int l = s.seq();
        if (windowsBT1.length != s.batch() * (l + 1)) {
            throw new IllegalArgumentException(windowsBT1.length + " token ids for " + s.batch() + " windows of "
                    + (l + 1) + ": pass batch × (seq + 1) ids");
        }
        int[] in = new int[s.tokens()];
        int[] out = new int[s.tokens()];
        for (int b = 0; b < s.batch(); b++) {
            System.arraycopy(windowsBT1, b * (l + 1), in, b * l, l);
            System.arraycopy(windowsBT1, b * (l + 1) + 1, out, b * l, l);
        }
        for (int id : windowsBT1) {
            if (id < 0 || id >= s.vocab()) {
                throw new IllegalArgumentException("token id " + id + " outside the vocabulary 0.." + (s.vocab() - 1));
            }
        }
        gpu.write(tokens, in);
        gpu.write(targets, out);
    }

    /** Zeroes the gradients, then forward, cross-entropy and backward of the current batch. */
    public void forwardBackward() {
        zeroGradients();
        DeviceArray h = embed();
        for (BlockDevice b : blocks) {
            h = b.forward(h);
        }
        DeviceArray fn = finalNorm.forward(h);
        headForward(fn);
        gpu.launch("ops", "pk_cross_entropy", s.tokens(), THREADS, 0, logits, targets, s.tokens(), s.vocab(),
                1f / s.tokens(), lossRows, dLogits);
        DeviceArray dh = finalNorm.backward(headBackward(fn), h);
        for (int i = blocks.size() - 1; i >= 0; i--) {
            dh = blocks.get(i).backward(dh);
        }
        unembed(dh);
    }

    /** Clipping and AdamW with learning rate {@code lr}. */
    public void update(float lr) {
        opt.step(lr);
    }

    /** One training step on the current batch. */
    public void step(float lr) {
        forwardBackward();
        update(lr);
    }

    /** The mean cross-entropy of the last forward (the step's one read-back). */
    public double loss() {
        double sum = 0;
        for (float l : gpu.floats(lossRows)) {
            sum += l;
        }
        return sum / s.tokens();
    }

    private DeviceArray embed() {
        gpu.launch("ops", "pk_embedding_forward", s.tokens(), THREADS, 0, table, tokens, s.tokens(), s.dModel(), x0);
        if (pos == null) {
            return x0;  // rotary positions act inside attention
        }
        long n = x0.length();
        // positions 0..L-1 of every window: the first L·D floats of the table added to each of the B rows
        gpu.launch("ops", "pk_add_bias", Math.min(65536, (n + THREADS - 1) / THREADS), THREADS, 0, x0, pos,
                (long) s.batch(), s.seq() * s.dModel());
        return x0;
    }

    private void unembed(DeviceArray dx) {
        gpu.launch("ops", "pk_embedding_backward", s.tokens(), THREADS, 0, dx, tokens, s.tokens(), s.dModel(), dTable);
        if (dPos == null) {
            return;
        }
        gpu.launch("ops", "pk_bias_grad", (s.batch() + BIAS_ROWS - 1) / BIAS_ROWS, THREADS, 0, dx, (long) s.batch(),
                s.seq() * s.dModel(), dPos);
    }

    private void headForward(DeviceArray fn) {
        int t = s.tokens();
        int d = s.dModel();
        int v = s.vocab();
        if (s.tied()) {
            gpu.gemm(false, true, t, v, d, fn.address(), d, table.address(), d, 0f, logits.address(), v);
        } else {
            gpu.gemm(false, false, t, v, d, fn.address(), d, head.address(), v, 0f, logits.address(), v);
        }
    }

    /** The head's weight gradient (accumulated) and dFinal = dLogits·Wᵀ (overwritten). */
    private DeviceArray headBackward(DeviceArray fn) {
        int t = s.tokens();
        int d = s.dModel();
        int v = s.vocab();
        if (s.tied()) {
            gpu.gemm(true, false, v, d, t, dLogits.address(), v, fn.address(), d, 1f, dTable.address(), d);
            gpu.gemm(false, false, t, d, v, dLogits.address(), v, table.address(), d, 0f, dFinal.address(), d);
        } else {
            gpu.gemm(true, false, d, v, t, fn.address(), d, dLogits.address(), v, 1f, dHead.address(), v);
            gpu.gemm(false, true, t, d, v, dLogits.address(), v, head.address(), v, 0f, dFinal.address(), d);
        }
        return dFinal;
    }

    private void zeroGradients() {
        gpu.zero(dTable);
        if (dPos != null) {
            gpu.zero(dPos);
        }
        if (dHead != null) {
            gpu.zero(dHead);
        }
        blocks.forEach(BlockDevice::zeroGradients);
        finalNorm.zeroGradients();
    }

    public void free() {
        opt.free();
        blocks.forEach(BlockDevice::free);
        finalNorm.free();
        for (DeviceArray a : new DeviceArray[] {table, dTable, pos, dPos, head, dHead, tokens, targets, x0, logits,
            dLogits, lossRows, dFinal}) {
            if (a != null) {
                gpu.free(a);
            }
        }
    }
}
