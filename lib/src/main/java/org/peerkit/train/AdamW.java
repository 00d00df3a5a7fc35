package org.peerkit.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.nn.Parallel;
import org.peerkit.nn.Param;
import org.peerkit.nn.Vec;

/**
 * Dense AdamW with decoupled weight decay, as PyTorch's {@code AdamW}:
 * m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p·(1 − lr·λ) − lr·m̂/(√v̂ + ε), with bias-corrected
 * m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ). λ applies to {@link Param.Kind#WEIGHT} (and embeddings when
 * configured), never to norms or biases.
 *
 * <p>Each parameter is updated in one fused Java pass over preallocated moments (no allocation per
 * step; ~10 separate ND4J ops per parameter were several times slower).
 */
public final class AdamW {

    private final List<Param> params;
    private final AdamWConfig cfg;
    private final Map<String, INDArray> m = new LinkedHashMap<>();
    private final Map<String, INDArray> v = new LinkedHashMap<>();
    private long t;

    public AdamW(List<Param> params, AdamWConfig cfg) {
        this.params = new ArrayList<>(params);
        this.cfg = cfg;
        for (Param p : params) {
            if (m.containsKey(p.name())) {
                throw new IllegalArgumentException("duplicate parameter name " + p.name());
            }
            m.put(p.name(), Nd4j.zeros(p.value().dataType(), p.shape()));
            v.put(p.name(), Nd4j.zeros(p.value().dataType(), p.shape()));
        }
    }

    /** Updates every parameter from its gradient with learning rate {@code lr}. */
    public void step(double lr) {
        t++;
        double bc1 = 1 - Math.pow(cfg.beta1(), t);
        double bc2 = 1 - Math.pow(cfg.beta2(), t);
        for (Param p : params) {
            update(p, lr, bc1, bc2);
        }
    }

    /** One fused pass over a parameter (in double, stored in its precision), parallel over chunks. */
    private void update(Param p, double lr, double bc1, double bc2) {
        Vec w = Vec.of(p.value());
        Vec g = Vec.read(p.grad());
        Vec mv = Vec.of(m.get(p.name()));
        Vec vv = Vec.of(v.get(p.name()));
        double b1 = cfg.beta1();
        double b2 = cfg.beta2();
        double eps = cfg.eps();
        double keep = decays(p) ? 1 - lr * cfg.weightDecay() : 1.0;
        Parallel.rows((int) p.size(), 4, (from, to) -> {
            for (int i = from; i < to; i++) {
                double gi = g.get(i);
                double mi = b1 * mv.get(i) + (1 - b1) * gi;
                double vi = b2 * vv.get(i) + (1 - b2) * gi * gi;
                mv.set(i, mi);
                vv.set(i, vi);
                double wi = w.get(i) * keep;
                w.set(i, wi - lr * (mi / bc1) / (Math.sqrt(vi / bc2) + eps));
            }
        });
    }

    public boolean decays(Param p) {
        return p.kind() == Param.Kind.WEIGHT || (cfg.decayEmbeddings() && p.kind() == Param.Kind.EMBEDDING);
    }

    /** Steps taken (t in the bias correction); restored from checkpoints. */
    public long stepCount() {
        return t;
    }

    public void setStepCount(long t) {
        this.t = t;
    }

    /** First moments by parameter name (live arrays: checkpoints read and restore them). */
    public Map<String, INDArray> firstMoments() {
        return m;
    }

    public Map<String, INDArray> secondMoments() {
        return v;
    }
}
