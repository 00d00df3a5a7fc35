package org.peerkit.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.nn.Param;
import org.peerkit.tensor.Parallel;

/**
 * Dense AdamW with decoupled weight decay, as PyTorch's {@code AdamW}:
 * m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p·(1 − lr·λ) − lr·m̂/(√v̂ + ε), with bias-corrected
 * m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ). λ applies to {@link Param.Kind#WEIGHT} (and embeddings when
 * configured), never to norms or biases.
 *
 * <p>Each parameter is updated in one fused Java pass over preallocated moments (no allocation per
 * step; ~10 separate ND4J ops per parameter were several times slower).
 *
 * <p><b>Sparse expert updates</b> ({@code sparseRows}, {@link TrainConfig#sparseExpertUpdates()}):
 * parameters with {@linkplain Param#trackRows() row-tracked} gradients (PEER's u and v, PKM's
 * values) are updated on their touched rows only, with {@link SparseRowAdamW}'s row update: a step
 * costs O(touched rows·D) instead of O(N·D) (N = 1024² experts). These are lazy-Adam semantics and
 * differ numerically from dense AdamW exactly as follows. For a row that no token routed to in the
 * step (its gradient is exactly zero) dense AdamW still (1) decays its moments, m ← β₁m and
 * v ← β₂v, (2) moves it by the stale momentum, p ← p − lr·m̂/(√v̂+ε), and (3) applies decoupled
 * weight decay p ← p·(1 − lr·λ) when λ applies to it (embeddings only with
 * {@code decayEmbeddings}); the sparse update does none of the three: value, m and v of that row stay
 * as they are. Bias correction uses the global step count t in both (as PyTorch's SparseAdam), so
 * when a row is next touched its moments have skipped the decays of the steps it sat out. A row
 * touched in every step, and every parameter without row tracking, follows the dense trajectory bit
 * for bit (same formula, same order, same precision; tested).
 */
public final class AdamW {

    private final List<Param> params;
    private final AdamWConfig cfg;
    private final Map<String, INDArray> m = new LinkedHashMap<>();
    private final Map<String, INDArray> v = new LinkedHashMap<>();
    private final boolean sparseRows;
    private long t;

    /** Dense AdamW over every parameter. */
    public AdamW(List<Param> params, AdamWConfig cfg) {
        this(params, cfg, false);
    }

    /**
     * @param sparseRows update row-tracked parameters on their touched rows only (class comment)
     */
    public AdamW(List<Param> params, AdamWConfig cfg, boolean sparseRows) {
        this.params = new ArrayList<>(params);
        this.cfg = cfg;
        this.sparseRows = sparseRows;
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
            if (sparseRows && p.rowTracked()) {
                SparseRowAdamW.updateRows(p, m.get(p.name()), v.get(p.name()), p.touchedRows(), lr, bc1, bc2, cfg);
            } else {
                update(p, lr, bc1, bc2);
            }
        }
    }

    /** Whether row-tracked parameters get lazy row updates (class comment). */
    public boolean sparseRows() {
        return sparseRows;
    }

    /** One fused pass over a parameter (in double, stored in its precision), parallel over chunks. */
    private void update(Param p, double lr, double bc1, double bc2) {
        AdamWUpdate u = new AdamWUpdate(p, m.get(p.name()), v.get(p.name()), cfg, lr, bc1, bc2);
        Parallel.rows((int) p.size(), 4, u::apply);
    }

    public boolean decays(Param p) {
        return AdamWUpdate.decays(p, cfg);
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
