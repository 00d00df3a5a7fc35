package org.peerkit.ffw;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.peerkit.nn.Buffers;
import org.peerkit.nn.Linear;
import org.peerkit.nn.Param;
import org.peerkit.nn.PassGuard;
import org.peerkit.nn.Rng;
import org.peerkit.tensor.CpuKernels;
import org.peerkit.tensor.Kernels;
import org.peerkit.tensor.Retrieval;

/**
 * PEER, Parameter Efficient Expert Retrieval (He 2024, paper.md §1): h query networks (one Linear
 * producing h·d_key features), optional query BatchNorm, product-key top-k with sub-keys shared by
 * all heads, softmax over each head's k scores, and N single-neuron experts σ(uᵢᵀx)·vᵢ shared by
 * all heads. Conventions (query layout, half split, expert index i·√N + j, exact-erf GELU) follow
 * the yardstick (yardstick/peer_ref.py) so {@code reference/peer_small.json} checks it.
 *
 * <p>Letters: T tokens, D = d_model, H heads, K experts per head, M = H·K, Q = d_key, S = √N.
 */
public final class PeerLayer implements FeedForward, org.peerkit.nn.Buffered {

    private final String name;
    private final PeerConfig cfg;
    private final Linear query;
    private final QueryBatchNorm bn;
    private final Param keys1;
    private final Param keys2;
    private final Param u;
    private final Param v;
    private final Kernels kernels;
    private final PassGuard guard;
    private INDArray xTD;
    private INDArray qTHQ;
    private Retrieval retrieval;
    private INDArray gatesTM;
    private INDArray preTM;
    private INDArray yTD;
    private INDArray dGatesTM;
    private INDArray dScoresTM;
    private INDArray dqTHQ;
    private INDArray dxTD;
    private int[] touchedRows = new int[0];

    /**
     * Initialisation as the yardstick: query N(0, 1/D), sub-keys N(0, 1/(Q/2)), u N(0, 1/D),
     * v N(0, 1/(H·K)) so the sum over the H·K active experts keeps unit scale.
     */
    public PeerLayer(String name, PeerConfig cfg, DataType dtype, Rng rng) {
        this(name, cfg, dtype, rng, new CpuKernels());
    }

    public PeerLayer(String name, PeerConfig cfg, DataType dtype, Rng rng, Kernels kernels) {
        this.name = name;
        this.cfg = cfg;
        int half = cfg.dKey() / 2;
        this.query = new Linear(name + ".query", cfg.dModel(), cfg.heads() * cfg.dKey(), false,
                1 / Math.sqrt(cfg.dModel()), dtype, rng);
        this.bn = cfg.queryBatchNorm() ? new QueryBatchNorm(name + ".query_bn", cfg.heads() * cfg.dKey(), dtype) : null;
        this.keys1 = new Param(name + ".sub_keys1", Param.Kind.WEIGHT, rng.normal(dtype, 1 / Math.sqrt(half),
                cfg.subKeys(), half));
        this.keys2 = new Param(name + ".sub_keys2", Param.Kind.WEIGHT, rng.normal(dtype, 1 / Math.sqrt(half),
                cfg.subKeys(), half));
        this.u = new Param(name + ".u", Param.Kind.EMBEDDING, rng.normal(dtype, 1 / Math.sqrt(cfg.dModel()),
                cfg.numExperts(), cfg.dModel()));
        this.v = new Param(name + ".v", Param.Kind.EMBEDDING, rng.normal(dtype,
                1 / Math.sqrt(cfg.heads() * cfg.k()), cfg.numExperts(), cfg.dModel()));
        u.trackRows();  // row-sparse expert gradients (Param class comment)
        v.trackRows();
        this.kernels = kernels;
        this.guard = new PassGuard(name);
    }

    public PeerConfig config() {
        return cfg;
    }

    /** Training mode (default) uses batch statistics in the query BN; evaluation its running ones. */
    public void setTraining(boolean training) {
        if (bn != null) {
            bn.setTraining(training);
        }
    }

    @Override
    public List<Param> params() {
        List<Param> ps = new ArrayList<>(query.params());
        if (bn != null) {
            ps.addAll(bn.params());
        }
        ps.addAll(List.of(keys1, keys2, u, v));
        return ps;
    }

    public Param queryWeight() {
        return query.weight();
    }

    public QueryBatchNorm queryBatchNorm() {
        return bn;
    }

    public Param subKeys1() {
        return keys1;
    }

    public Param subKeys2() {
        return keys2;
    }

    public Param u() {
        return u;
    }

    public Param v() {
        return v;
    }

    /** Alg. 1: queries → product-key top-k → softmax per head → weighted single-neuron experts. */
    @Override
    public INDArray forward(INDArray x) {
        Buffers.requireCols(name, x, cfg.dModel());
        xTD = x;
        int t = (int) x.size(0);
        int m = cfg.heads() * cfg.k();
        DataType dt = u.value().dataType();
        INDArray q = query.forward(x);
        qTHQ = bn == null ? q : bn.forward(q);
        INDArray scores = Buffers.ensure(retrieval == null ? null : retrieval.scoresTHK(), dt, t, m);
        if (retrieval == null || retrieval.scoresTHK() != scores) {
            retrieval = Retrieval.allocate(scores);
        }
        kernels.retrieve(qTHQ, keys1.value(), keys2.value(), cfg.heads(), cfg.k(), retrieval);
        gatesTM = Buffers.ensure(gatesTM, dt, t, m);
        kernels.softmaxGroups(scores, cfg.k(), gatesTM);
        preTM = Buffers.ensure(preTM, dt, t, m);
        yTD = Buffers.ensure(yTD, dt, t, cfg.dModel());
        kernels.mixForward(x, retrieval.expertTHK(), gatesTM, u.value(), v.value(), cfg.activation(), preTM, yTD);
        guard.forwardDone();
        return yTD;
    }

    @Override
    public INDArray backward(INDArray dy) {
        guard.beginBackward();
        int t = (int) dy.size(0);
        int m = cfg.heads() * cfg.k();
        DataType dt = u.value().dataType();
        dxTD = Buffers.ensure(dxTD, dt, t, cfg.dModel());
        dGatesTM = Buffers.ensure(dGatesTM, dt, t, m);
        touchedRows = kernels.mixBackward(dy, xTD, retrieval.expertTHK(), gatesTM, u.value(), v.value(),
                cfg.activation(), preTM, dxTD, dGatesTM, u.grad(), v.grad());
        u.markRows(touchedRows);
        v.markRows(touchedRows);
        dScoresTM = Buffers.ensure(dScoresTM, dt, t, m);
        kernels.softmaxGroupsBackward(gatesTM, dGatesTM, cfg.k(), dScoresTM);
        dqTHQ = Buffers.ensure(dqTHQ, dt, t, (long) cfg.heads() * cfg.dKey());
        dqTHQ.assign(0);
        kernels.retrieveBackward(dScoresTM, qTHQ, keys1.value(), keys2.value(), cfg.heads(), retrieval, dqTHQ,
                keys1.grad(), keys2.grad());
        INDArray dq = bn == null ? dqTHQ : bn.backward(dqTHQ);
        dxTD.addi(query.backward(dq));
        return dxTD;
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
        g.query.weight().value().assign(query.weight().value());
        if (bn != null) {
            g.bn.gamma().value().assign(bn.gamma().value());
            g.bn.beta().value().assign(bn.beta().value());
            System.arraycopy(bn.runningMean(), 0, g.bn.runningMean(), 0, bn.runningMean().length);
            System.arraycopy(bn.runningVar(), 0, g.bn.runningVar(), 0, bn.runningVar().length);
        }
        org.nd4j.linalg.indexing.INDArrayIndex first = org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n);
        org.nd4j.linalg.indexing.INDArrayIndex all = org.nd4j.linalg.indexing.NDArrayIndex.all();
        g.keys1.value().get(first, all).assign(keys1.value());
        g.keys2.value().get(first, all).assign(keys2.value());
        for (int i = 0; i < n; i++) {
            org.nd4j.linalg.indexing.INDArrayIndex from = org.nd4j.linalg.indexing.NDArrayIndex.interval(i * n, i * n + n);
            org.nd4j.linalg.indexing.INDArrayIndex to = org.nd4j.linalg.indexing.NDArrayIndex.interval(i * newSide,
                    i * newSide + n);
            g.u.value().get(to, all).assign(u.value().get(from, all));
            g.v.value().get(to, all).assign(v.value().get(from, all));
        }
        return g;
    }

    /** Rows of u and v the last backward wrote gradients to (ascending), for row-sparse updates. */
    public int[] touchedRows() {
        return touchedRows.clone();
    }

    /** The last forward's choices (copies): expert index and gate per token, head and slot. */
    public RoutingRecord routing() {
        if (retrieval == null) {
            throw new IllegalStateException(name + ": no forward yet, so no routing to report");
        }
        return new RoutingRecord(cfg.numExperts(), cfg.heads(), cfg.k(), retrieval.expertTHK().clone(),
                gatesTM.dup().data().asDouble());
    }

    /** The last forward's router scores [T, H·K] before the softmax (module-owned). */
    public INDArray scores() {
        return retrieval.scoresTHK();
    }

    /** The last forward's gates [T, H·K] (module-owned). */
    public INDArray gates() {
        return gatesTM;
    }

    /** The last forward's u·x per slot [T, H·K] (module-owned). */
    public INDArray preActivations() {
        return preTM;
    }

    /** The last forward's queries after BN [T, H·Q] (module-owned). */
    public INDArray queries() {
        return qTHQ;
    }

    @Override
    public String kind() {
        return "peer";
    }

    /** Query network (+ BN) and the H·K experts a token uses; sub-keys are counted as shared. */
    @Override
    public long activeParams() {
        long q = (long) cfg.dModel() * cfg.heads() * cfg.dKey() + (bn == null ? 0 : 2L * cfg.heads() * cfg.dKey());
        return q + 2L * cfg.heads() * cfg.k() * cfg.dModel();
    }

    /** Query GEMM, sub-key scores (2 halves × S keys × Q/2 per head) and the H·K dot + axpy. */
    @Override
    public long forwardFlopsPerToken() {
        long h = cfg.heads();
        return 2L * cfg.dModel() * h * cfg.dKey() + 2L * h * cfg.subKeys() * cfg.dKey()
                + 4L * h * cfg.k() * cfg.dModel();
    }

    /** The query BatchNorm's running statistics (none without BN). */
    @Override
    public java.util.Map<String, double[]> buffers() {
        return bn == null ? java.util.Map.of() : bn.buffers();
    }
}
