package org.peerkit.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.peerkit.nn.Param;

/**
 * Dense AdamW with decoupled weight decay, as PyTorch's {@code AdamW}:
 * m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p·(1 − lr·λ) − lr·m̂/(√v̂ + ε), with bias-corrected
 * m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ). λ applies to {@link Param.Kind#WEIGHT} (and embeddings when
 * configured), never to norms or biases.
 *
 * <p>All updates are in-place ND4J ops on preallocated moments and one scratch buffer per
 * parameter (no allocation per step).
 */
public final class AdamW {

    private final List<Param> params;
    private final AdamWConfig cfg;
    private final Map<String, INDArray> m = new LinkedHashMap<>();
    private final Map<String, INDArray> v = new LinkedHashMap<>();
    private final Map<String, INDArray> scratch = new LinkedHashMap<>();
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
            scratch.put(p.name(), Nd4j.zeros(p.value().dataType(), p.shape()));
        }
    }

    /** Updates every parameter from its gradient with learning rate {@code lr}. */
    public void step(double lr) {
        t++;
        double bc1 = 1 - Math.pow(cfg.beta1(), t);
        double bc2 = 1 - Math.pow(cfg.beta2(), t);
        for (Param p : params) {
            INDArray g = p.grad();
            INDArray mp = m.get(p.name());
            INDArray vp = v.get(p.name());
            INDArray tmp = scratch.get(p.name());
            mp.muli(cfg.beta1()).addi(tmp.assign(g).muli(1 - cfg.beta1()));
            vp.muli(cfg.beta2()).addi(tmp.assign(g).muli(g).muli(1 - cfg.beta2()));
            if (decays(p)) {
                p.value().muli(1 - lr * cfg.weightDecay());
            }
            // tmp = m̂ / (√v̂ + ε)
            tmp.assign(vp).divi(bc2);
            Transforms.sqrt(tmp, false).addi(cfg.eps()).rdivi(mp).divi(bc1);
            p.value().subi(tmp.muli(lr));
        }
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
