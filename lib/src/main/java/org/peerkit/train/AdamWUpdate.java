package org.peerkit.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.peerkit.nn.Param;
import org.peerkit.tensor.Simd;
import org.peerkit.tensor.Vec;

/**
 * One AdamW step on one parameter, element by element: the formula {@link AdamW} applies to whole
 * parameters and {@link SparseRowAdamW} to touched rows, written once so both stay the same
 * (computed in double, stored in the parameter's precision).
 */
final class AdamWUpdate {

    private final Vec w;
    private final Vec g;
    private final Vec m;
    private final Vec v;
    final double b1;
    final double b2;
    final double eps;
    final double lr;
    final double bc1;
    final double bc2;
    final double keep;

    /** {@code bc1}, {@code bc2}: the bias corrections 1 − β₁ᵗ and 1 − β₂ᵗ of this step. */
    AdamWUpdate(Param p, INDArray mArr, INDArray vArr, AdamWConfig cfg, double lr, double bc1, double bc2) {
        this.w = Vec.of(p.value());
        this.g = Vec.read(p.grad());
        this.m = Vec.of(mArr);
        this.v = Vec.of(vArr);
        this.b1 = cfg.beta1();
        this.b2 = cfg.beta2();
        this.eps = cfg.eps();
        this.lr = lr;
        this.bc1 = bc1;
        this.bc2 = bc2;
        this.keep = decays(p, cfg) ? 1 - lr * cfg.weightDecay() : 1.0;
    }

    /** Whether weight decay applies to {@code p}: weights, and embeddings when the config says so. */
    static boolean decays(Param p, AdamWConfig cfg) {
        return p.kind() == Param.Kind.WEIGHT || (cfg.decayEmbeddings() && p.kind() == Param.Kind.EMBEDDING);
    }

    /** Updates elements [from, to) of the flattened parameter, its m and its v. */
    void apply(int from, int to) {
        if (w instanceof Vec.F32 wf && g instanceof Vec.F32 gf && m instanceof Vec.F32 mf && v instanceof Vec.F32 vf) {
            applyFloat(wf, gf, mf, vf, from, to);
            return;
        }
        for (int i = from; i < to; i++) {
            double gi = g.get(i);
            double mi = b1 * m.get(i) + (1 - b1) * gi;
            double vi = b2 * v.get(i) + (1 - b2) * gi * gi;
            m.set(i, mi);
            v.set(i, vi);
            double wi = w.get(i) * keep;
            w.set(i, wi - lr * (mi / bc1) / (Math.sqrt(vi / bc2) + eps));
        }
    }

    /** Updates rows[from, to) of a [rows, d] parameter (the sparse mode); the float path shares its scratch. */
    void applyRows(int[] rows, int from, int to, int d) {
        if (!(w instanceof Vec.F32 wf && g instanceof Vec.F32 gf && m instanceof Vec.F32 mf
                && v instanceof Vec.F32 vf)) {
            for (int r = from; r < to; r++) {
                apply(rows[r] * d, rows[r] * d + d);
            }
            return;
        }
        float[][] scratch = new float[4][d];
        for (int r = from; r < to; r++) {
            applyBlock(wf, gf, mf, vf, rows[r] * d, scratch);
        }
    }

    /** Elements per block of the float path: four 16 KB arrays, in L1/L2 while a block is updated. */
    private static final int BLOCK = 4096;

    /**
     * The same formula on float32 storage: blocks are copied into arrays (bulk memcpy), updated
     * by a plain loop that C2 compiles without the buffers' per-element index checks, and copied
     * back. The arithmetic is the double-precision arithmetic of the loop above, element for
     * element, so both paths give identical bits.
     */
    private void applyFloat(Vec.F32 wf, Vec.F32 gf, Vec.F32 mf, Vec.F32 vf, int from, int to) {
        float[][] scratch = new float[4][Math.min(BLOCK, to - from)];
        for (int at = from; at < to; at += scratch[0].length) {
            if (to - at < scratch[0].length) {
                applyFloat(wf, gf, mf, vf, at, to);  // a short tail: arrays of its own length
                return;
            }
            applyBlock(wf, gf, mf, vf, at, scratch);
        }
    }

    /** One block of scratch[0].length elements at {@code at}: copy in, update, copy back. */
    private void applyBlock(Vec.F32 wf, Vec.F32 gf, Vec.F32 mf, Vec.F32 vf, int at, float[][] scratch) {
        wf.rowF(at, scratch[0]);
        gf.rowF(at, scratch[1]);
        mf.rowF(at, scratch[2]);
        vf.rowF(at, scratch[3]);
        update(scratch[0], scratch[1], scratch[2], scratch[3]);
        wf.putRowF(at, scratch[0]);
        mf.putRowF(at, scratch[2]);
        vf.putRowF(at, scratch[3]);
    }

    private void update(float[] wa, float[] ga, float[] ma, float[] va) {
        int done = Simd.vector() ? AdamWLanes.update(this, wa, ga, ma, va) : 0;
        for (int i = done; i < wa.length; i++) {
            double gi = ga[i];
            double mi = b1 * ma[i] + (1 - b1) * gi;
            double vi = b2 * va[i] + (1 - b2) * gi * gi;
            ma[i] = (float) mi;
            va[i] = (float) vi;
            double wi = wa[i] * keep;
            wa[i] = (float) (wi - lr * (mi / bc1) / (Math.sqrt(vi / bc2) + eps));
        }
    }
}
