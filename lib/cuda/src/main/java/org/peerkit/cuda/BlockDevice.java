package org.peerkit.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * One pre-norm transformer block on the GPU (lib's model.Block): mid = x + attn(norm₁(x)),
 * out = mid + ffw(norm₂(mid)), and its backward, from the existing kernels and cuBLAS. The FFW is
 * dense, PEER or PKM. Shapes: x, mid, out and their gradients [T, D] with T = B·L tokens.
 */
final class BlockDevice {
    private static final int THREADS = 256;

    private final Gpu gpu;
    private final int tokens;
    private final long size;
    final NormDevice norm1;
    final AttentionDevice attn;
    final NormDevice norm2;
    final FfwDevice ffw;
    private final DeviceArray mid;
    final DeviceArray out;
    private final DeviceArray dMid;
    final DeviceArray dx;
    private DeviceArray input;

    BlockDevice(Gpu gpu, LmShape s, boolean peer) {
        this.gpu = gpu;
        this.tokens = s.tokens();
        this.size = (long) tokens * s.dModel();
        norm1 = new NormDevice(gpu, s.layerNorm(), s.dModel(), tokens, s.normEps());
        attn = new AttentionDevice(gpu, s.batch(), s.seq(), s.heads(), s.dModel(), s.bias(),
                s.learnedPositions() ? 0f : s.ropeBase());
        norm2 = new NormDevice(gpu, s.layerNorm(), s.dModel(), tokens, s.normEps());
        if (!peer) {
            ffw = new DenseFfwDevice(gpu, s.dModel(), s.dFf(), tokens, s.bias());
        } else if (s.pkm()) {
            ffw = new PkmDevice(gpu, s.peer(), tokens, s.sharedKeys(), s.queryBatchNorm());
        } else {
            ffw = new PeerDevice(gpu, s.peer(), tokens, s.queryBatchNorm());
        }
        mid = gpu.alloc(size);
        out = gpu.alloc(size);
        dMid = gpu.alloc(size);
        dx = gpu.alloc(size);
    }

    DeviceArray forward(DeviceArray x) {
        input = x;
        add(x, attn.forward(norm1.forward(x)), mid);
        add(mid, ffw.forward(norm2.forward(mid), tokens), out);
        return out;
    }

    /** dx (overwritten) from dOut; every gradient of the block accumulated. */
    DeviceArray backward(DeviceArray dOut) {
        add(dOut, norm2.backward(ffw.backward(norm2.y, dOut, tokens), mid), dMid);
        add(dMid, norm1.backward(attn.backward(norm1.y, dMid), input), dx);
        return dx;
    }

    private void add(DeviceArray a, DeviceArray b, DeviceArray sum) {
        gpu.launch("ops", "pk_add", Math.min(65536, (size + THREADS - 1) / THREADS), THREADS, 0, a, b, size, sum);
    }

    void zeroGradients() {
        norm1.zeroGradients();
        for (DeviceArray g : new DeviceArray[] {attn.dwqkv, attn.dbqkv, attn.dwproj, attn.dbproj}) {
            gpu.zero(g);
        }
        norm2.zeroGradients();
        ffw.zeroGradients();
    }

    /** Values and gradients in lib's order (model.Block.params()); biases only when {@code bias}. */
    List<ParamArrays> params(boolean bias) {
        List<ParamArrays> ps = new ArrayList<>();
        norm(norm1, ps);
        linear(attn.wqkv, attn.dwqkv, attn.bqkv, attn.dbqkv, bias, ps);
        linear(attn.wproj, attn.dwproj, attn.bproj, attn.dbproj, bias, ps);
        norm(norm2, ps);
        if (ffw instanceof DenseFfwDevice d) {
            linear(d.w1, d.dw1, d.b1, d.db1, bias, ps);
            linear(d.w2, d.dw2, d.b2, d.db2, bias, ps);
        } else if (ffw instanceof PkmDevice k) {
            ps.addAll(k.params());
        } else {
            peer((PeerDevice) ffw, ps);
        }
        return ps;
    }

    private static void norm(NormDevice n, List<ParamArrays> ps) {
        DeviceArray[] v = n.values();
        DeviceArray[] g = n.grads();
        for (int i = 0; i < v.length; i++) {
            ps.add(ParamArrays.dense(v[i], g[i]));
        }
    }

    private static void linear(DeviceArray w, DeviceArray dw, DeviceArray b, DeviceArray db, boolean bias,
            List<ParamArrays> ps) {
        ps.add(ParamArrays.dense(w, dw));
        if (bias) {
            ps.add(ParamArrays.dense(b, db));
        }
    }

    /** Query weight, query BatchNorm, sub-keys, then u and v updated on the touched rows (PeerLayer.params()). */
    private void peer(PeerDevice p, List<ParamArrays> ps) {
        ps.add(ParamArrays.dense(p.wq, p.dwq));
        if (p.batchNorm() != null) {
            ps.add(ParamArrays.dense(p.batchNorm().gamma, p.batchNorm().dGamma));
            ps.add(ParamArrays.dense(p.batchNorm().beta, p.batchNorm().dBeta));
        }
        ps.add(ParamArrays.dense(p.keys1, p.dkeys1));
        ps.add(ParamArrays.dense(p.keys2, p.dkeys2));
        int maxRows = (int) Math.min((long) tokens * p.shape().slots(), p.shape().numExperts());
        PeerBuffers b = p.buffers();
        ps.add(new ParamArrays(p.u, p.du, b.touched, b.touchedCount, maxRows));
        ps.add(new ParamArrays(p.v, p.dv, b.touched, b.touchedCount, maxRows));
    }

    void free() {
        norm1.free();
        attn.free();
        norm2.free();
        ffw.free();
        for (DeviceArray a : new DeviceArray[] {mid, out, dMid, dx}) {
            gpu.free(a);
        }
    }
}
