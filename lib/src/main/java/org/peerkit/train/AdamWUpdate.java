package org.peerkit.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.peerkit.nn.Param;
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
    private final double b1;
    private final double b2;
    private final double eps;
    private final double lr;
    private final double bc1;
    private final double bc2;
    private final double keep;

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
}
