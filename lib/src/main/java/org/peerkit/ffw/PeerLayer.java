package org.peerkit.ffw;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.peerkit.nn.Buffers;
import org.peerkit.nn.Param;
import org.peerkit.nn.Rng;
import org.peerkit.tensor.CpuKernels;
import org.peerkit.tensor.Kernels;

/**
 * PEER, Parameter Efficient Expert Retrieval (He 2024, paper §2): h query networks (one Linear
 * producing h·d_key features), optional query BatchNorm, product-key top-k with sub-keys shared by
 * all heads, softmax over each head's k scores ({@link ProductKeyQuery}), and N single-neuron
 * experts σ(uᵢᵀx)·vᵢ shared by all heads. Conventions (query layout, half split, expert index
 * i·√N + j, exact-erf GELU) follow the PyTorch reference whose fixed-seed outputs
 * the test resource {@code peer_small.json} holds ({@code PeerReferenceTest}; lib/README.md, the PEER
 * reference).
 *
 * <p>Letters as in the {@code ffw} package doc: T tokens, D = d_model, H heads, K experts per
 * head, M = H·K, Q = d_key, S = √N.
 */
public final class PeerLayer extends ProductKeyLayer<PeerConfig> {

    private final Param u;
    private final Param v;
    private INDArray xTxD;
    private INDArray preTxM;
    private INDArray dxTxD;

    /**
     * Initialisation as the reference: query N(0, 1/D), sub-keys N(0, 1/(Q/2)), u N(0, 1/D),
     * v N(0, 1/(H·K)) so the sum over the H·K active experts keeps unit scale.
     */
    public PeerLayer(String name, PeerConfig cfg, DataType dtype, Rng rng) {
        this(name, cfg, dtype, rng, new CpuKernels());
    }

    public PeerLayer(String name, PeerConfig cfg, DataType dtype, Rng rng, Kernels kernels) {
        super(name, cfg, shape(cfg), dtype, rng, kernels);
        this.u = expertTable("u", dtype, rng, 1 / Math.sqrt(cfg.dModel()));
        this.v = expertTable("v", dtype, rng, 1 / Math.sqrt(cfg.heads() * cfg.k()));
    }

    /** PEER's product keys: no query bias, sub-keys shared by all heads. */
    private static ProductKeyQuery.Shape shape(PeerConfig cfg) {
        return queryShape(cfg, true, false);
    }

    /**
     * The analytic FLOPs per token of a PEER layer, the one formula {@code FfwSpec.Peer} and
     * {@link #forwardFlopsPerToken} use: the query GEMM, the sub-key scores and H·K experts of
     * 4·D FLOPs each (u·x, then g·σ·v).
     */
    public static long forwardFlopsPerToken(long dModel, long subKeys, long heads, long k, long dKey) {
        return 2 * dModel * heads * dKey + 2 * heads * subKeys * dKey + 4 * heads * k * dModel;
    }

    public PeerConfig config() {
        return cfg;
    }

    @Override
    public List<Param> params() {
        List<Param> ps = new ArrayList<>(router.params());
        ps.addAll(List.of(u, v));
        return ps;
    }

    public Param u() {
        return u;
    }

    public Param v() {
        return v;
    }

    /** Alg. 1: queries → product-key top-k → softmax per head → weighted single-neuron experts. */
    @Override
    void tablesForward(INDArray x, INDArray gatesTxM, INDArray yTxD) {
        xTxD = x;
        preTxM = Buffers.ensure(preTxM, dtype, (int) x.size(0), cfg.heads() * cfg.k());
        kernels.mixForward(x, router.expertTM(), gatesTxM, u.value(), v.value(), cfg.activation(), preTxM, yTxD);
    }

    /** dx through the experts' u (the router adds its part); du and dv on the touched rows only. */
    @Override
    INDArray tablesBackward(INDArray dy, INDArray dGatesTxM) {
        dxTxD = Buffers.ensure(dxTxD, dtype, (int) dy.size(0), cfg.dModel());
        touchedRows = kernels.mixBackward(dy, xTxD, router.expertTM(), router.gatesTxM(), u.value(), v.value(),
                cfg.activation(), preTxM, dxTxD, dGatesTxM, u.grad(), v.grad());
        u.markRows(touchedRows);
        v.markRows(touchedRows);
        return dxTxD;
    }

    /**
     * A layer with N′ = m² experts holding this one's (the paper's lifelong-learning motivation,
     * §1): query network, BN and the first √N sub-keys of each half are copied, and expert
     * i·√N + j keeps its u and v bit-identical as expert i·m + j, so its product key [c_i; c′_j]
     * is unchanged. New sub-keys and experts are drawn as at construction.
     */
    public PeerLayer grow(int newSide, Rng rng) {
        int n = cfg.subKeys();
        if (newSide < n) {
            throw new IllegalArgumentException(name + ": grow to newSide=" + newSide + " must be ≥ current √N = " + n);
        }
        PeerLayer g = new PeerLayer(name, cfg.withNumExperts(newSide * newSide), u.value().dataType(), rng, kernels);
        router.copyInto(g.router);
        INDArrayIndex all = NDArrayIndex.all();
        for (int i = 0; i < n; i++) {
            INDArrayIndex from = NDArrayIndex.interval(i * n, i * n + n);
            INDArrayIndex to = NDArrayIndex.interval(i * newSide, i * newSide + n);
            g.u.value().get(to, all).assign(u.value().get(from, all));
            g.v.value().get(to, all).assign(v.value().get(from, all));
        }
        return g;
    }

    /** The last forward's u·x per slot [T, H·K] (module-owned). */
    public INDArray preActivations() {
        return preTxM;
    }

    @Override
    public String kind() {
        return "peer";
    }

    /** Query network (+ BN) and the H·K experts a token uses; sub-keys are counted as shared. */
    @Override
    public long activeParams() {
        return shape(cfg).activeParams() + 2L * cfg.heads() * cfg.k() * cfg.dModel();
    }

    @Override
    public long forwardFlopsPerToken() {
        return forwardFlopsPerToken(cfg.dModel(), cfg.subKeys(), cfg.heads(), cfg.k(), cfg.dKey());
    }
}
