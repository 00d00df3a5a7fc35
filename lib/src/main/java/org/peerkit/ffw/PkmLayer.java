package org.peerkit.ffw;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.peerkit.nn.Param;
import org.peerkit.nn.Rng;
import org.peerkit.tensor.CpuKernels;
import org.peerkit.tensor.Kernels;

/**
 * Product-key memory (Lample et al. 2019; the PEER paper's PKM baseline, §3.1): query (Linear,
 * bias unless BN) → optional BN → per-head product-key top-k → softmax over each head's k scores
 * ({@link ProductKeyQuery}) → weighted sum of value <em>vectors</em> shared by all heads, summed
 * over heads. Unlike PEER there is no per-slot neuron σ(uᵀx): the value is added as is. Keys are
 * per head (XLM default) or shared.
 *
 * <p>Letters as in the {@code ffw} package doc: T tokens, D = d_model, H heads, K slots per head,
 * M = H·K, Q = d_key, S = √N.
 */
public final class PkmLayer extends ProductKeyLayer<PkmConfig> {

    private final Param values;

    /** Init as XLM: query N(0, 1/D), sub-keys N(0, 1/(Q/2)), values N(0, 1/D). */
    public PkmLayer(String name, PkmConfig cfg, DataType dtype, Rng rng) {
        this(name, cfg, dtype, rng, new CpuKernels());
    }

    public PkmLayer(String name, PkmConfig cfg, DataType dtype, Rng rng, Kernels kernels) {
        super(name, cfg, shape(cfg), dtype, rng, kernels);
        this.values = expertTable("values", dtype, rng, 1 / Math.sqrt(cfg.dModel()));
    }

    /**
     * PKM's product keys: a query bias as XLM, but only without BN (training-mode BN subtracts the
     * batch mean, so a bias before it has exactly zero gradient and is dead weight).
     */
    private static ProductKeyQuery.Shape shape(PkmConfig cfg) {
        return queryShape(cfg, cfg.sharedKeys(), !cfg.keys().queryBatchNorm());
    }

    /**
     * The analytic FLOPs per token of a PKM layer, the one formula {@code FfwSpec.Pkm} and
     * {@link #forwardFlopsPerToken} use: the query GEMM, the sub-key scores and H·K value rows
     * of 2·D FLOPs each.
     */
    public static long forwardFlopsPerToken(long dModel, long subKeys, long heads, long k, long dKey) {
        return 2 * dModel * heads * dKey + 2 * heads * subKeys * dKey + 2 * heads * k * dModel;
    }

    @Override
    public List<Param> params() {
        List<Param> ps = new ArrayList<>(router.params());
        ps.add(values);
        return ps;
    }

    /** The query BatchNorm, or null without one. */
    public Param values() {
        return values;
    }

    /** Value vectors added as they are: y[t] = Σ gate · values[slot]. */
    @Override
    void tablesForward(INDArray x, INDArray gatesTxM, INDArray yTxD) {
        kernels.bagForward(router.expertTM(), gatesTxM, values.value(), yTxD);
    }

    /** The output does not read x except through the router, so no dx of its own. */
    @Override
    INDArray tablesBackward(INDArray dy, INDArray dGatesTxM) {
        touchedRows = kernels.bagBackward(dy, router.expertTM(), router.gatesTxM(), values.value(), dGatesTxM,
                values.grad());
        values.markRows(touchedRows);
        return null;
    }

    @Override
    public String kind() {
        return "pkm";
    }

    @Override
    public long activeParams() {
        return shape(cfg).activeParams() + (long) cfg.heads() * cfg.k() * cfg.dModel();
    }

    @Override
    public long forwardFlopsPerToken() {
        return forwardFlopsPerToken(cfg.dModel(), cfg.subKeys(), cfg.heads(), cfg.k(), cfg.dKey());
    }
}
