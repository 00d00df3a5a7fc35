package org.peerkit.ffw;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.peerkit.nn.Buffers;
import org.peerkit.nn.Linear;
import org.peerkit.nn.Param;
import org.peerkit.nn.PassGuard;
import org.peerkit.nn.Rng;
import org.peerkit.tensor.CpuKernels;
import org.peerkit.tensor.Kernels;
import org.peerkit.tensor.Retrieval;

/**
 * Product-key memory (Lample et al. 2019; paper.md §4): query (Linear, bias unless BN) →
 * optional BN → per-head product-key top-k → softmax over each head's k scores → weighted sum of
 * value <em>vectors</em> shared by all heads, summed over heads. Unlike PEER there is no
 * per-slot neuron σ(uᵀx): the value is added as is. Keys are per head (XLM default) or shared.
 *
 * <p>Letters: T tokens, D = d_model, H heads, K slots per head, M = H·K, Q = d_key, S = √N.
 * Per-head keys are stored as one [H·S, Q/2] table per half (head h owns rows h·S…h·S+S−1).
 */
public final class PkmLayer implements FeedForward, org.peerkit.nn.Buffered {

    private final String name;
    private final PkmConfig cfg;
    private final Linear query;
    private final QueryBatchNorm bn;
    private final Param keys1;
    private final Param keys2;
    private final Param values;
    private final Kernels kernels;
    private final PassGuard guard;
    private final Retrieval[] perHead;
    private INDArray[] qHeadTQ;
    private INDArray qTHQ;
    private INDArray scoresTM;
    private int[] expertTM;
    private INDArray gatesTM;
    private INDArray yTD;
    private INDArray dGatesTM;
    private INDArray dScoresTM;
    private INDArray dqTHQ;
    private int[] touchedRows = new int[0];

    /** Init as XLM: query N(0, 1/D), sub-keys N(0, 1/(Q/2)), values N(0, 1/D). */
    public PkmLayer(String name, PkmConfig cfg, DataType dtype, Rng rng) {
        this(name, cfg, dtype, rng, new CpuKernels());
    }

    public PkmLayer(String name, PkmConfig cfg, DataType dtype, Rng rng, Kernels kernels) {
        this.name = name;
        this.cfg = cfg;
        int half = cfg.dKey() / 2;
        int keyRows = (cfg.sharedKeys() ? 1 : cfg.heads()) * cfg.subKeys();
        // query bias as XLM, but only without BN: training-mode BN subtracts the batch mean, so a
        // bias before it has exactly zero gradient and is dead weight
        this.query = new Linear(name + ".query", cfg.dModel(), cfg.heads() * cfg.dKey(), !cfg.queryBatchNorm(),
                1 / Math.sqrt(cfg.dModel()), dtype, rng);
        this.bn = cfg.queryBatchNorm() ? new QueryBatchNorm(name + ".query_bn", cfg.heads() * cfg.dKey(), dtype) : null;
        this.keys1 = new Param(name + ".sub_keys1", Param.Kind.WEIGHT, rng.normal(dtype, 1 / Math.sqrt(half), keyRows, half));
        this.keys2 = new Param(name + ".sub_keys2", Param.Kind.WEIGHT, rng.normal(dtype, 1 / Math.sqrt(half), keyRows, half));
        this.values = new Param(name + ".values", Param.Kind.EMBEDDING, rng.normal(dtype,
                1 / Math.sqrt(cfg.dModel()), cfg.numValues(), cfg.dModel()));
        values.trackRows();  // row-sparse value gradients (Param class comment)
        this.kernels = kernels;
        this.guard = new PassGuard(name);
        this.perHead = new Retrieval[cfg.heads()];
    }

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
        ps.addAll(List.of(keys1, keys2, values));
        return ps;
    }

    /** The query BatchNorm, or null without one. */
    public QueryBatchNorm queryBatchNorm() {
        return bn;
    }

    public Param values() {
        return values;
    }

    @Override
    public INDArray forward(INDArray x) {
        Buffers.requireCols(name, x, cfg.dModel());
        int t = (int) x.size(0);
        int m = cfg.heads() * cfg.k();
        DataType dt = values.value().dataType();
        INDArray q = query.forward(x);
        qTHQ = bn == null ? q : bn.forward(q);
        scoresTM = Buffers.ensure(scoresTM, dt, t, m);
        if (expertTM == null || expertTM.length != t * m) {
            expertTM = new int[t * m];
        }
        retrieve(t, dt);
        gatesTM = Buffers.ensure(gatesTM, dt, t, m);
        kernels.softmaxGroups(scoresTM, cfg.k(), gatesTM);
        yTD = Buffers.ensure(yTD, dt, t, cfg.dModel());
        kernels.bagForward(expertTM, gatesTM, values.value(), yTD);
        guard.forwardDone();
        return yTD;
    }

    /** Shared keys: one call over all heads. Per-head keys: one call per head on its own keys. */
    private void retrieve(int t, DataType dt) {
        int k = cfg.k();
        int h = cfg.heads();
        if (cfg.sharedKeys()) {
            Retrieval r = Retrieval.allocate(scoresTM);
            kernels.retrieve(qTHQ, keys1.value(), keys2.value(), h, k, r);
            System.arraycopy(r.expertTHK(), 0, expertTM, 0, expertTM.length);
            perHead[0] = r;
            return;
        }
        if (qHeadTQ == null || qHeadTQ[0].size(0) != t || qHeadTQ[0].dataType() != dt) {
            qHeadTQ = new INDArray[h];
        }
        for (int head = 0; head < h; head++) {
            qHeadTQ[head] = Buffers.ensure(qHeadTQ[head], dt, t, cfg.dKey());
            qHeadTQ[head].assign(qTHQ.get(NDArrayIndex.all(), cols(head, cfg.dKey())));
            INDArray s = perHead[head] == null ? null : perHead[head].scoresTHK();
            INDArray ensured = Buffers.ensure(s, dt, t, k);
            if (ensured != s) {
                perHead[head] = Retrieval.allocate(ensured);
            }
            kernels.retrieve(qHeadTQ[head], keyRows(keys1.value(), head), keyRows(keys2.value(), head), 1, k,
                    perHead[head]);
            scoresTM.get(NDArrayIndex.all(), cols(head, k)).assign(perHead[head].scoresTHK());
            int[] e = perHead[head].expertTHK();
            for (int tok = 0; tok < t; tok++) {
                System.arraycopy(e, tok * k, expertTM, (tok * h + head) * k, k);
            }
        }
    }

    @Override
    public INDArray backward(INDArray dy) {
        guard.beginBackward();
        int t = (int) dy.size(0);
        int m = cfg.heads() * cfg.k();
        DataType dt = values.value().dataType();
        dGatesTM = Buffers.ensure(dGatesTM, dt, t, m);
        touchedRows = kernels.bagBackward(dy, expertTM, gatesTM, values.value(), dGatesTM, values.grad());
        values.markRows(touchedRows);
        dScoresTM = Buffers.ensure(dScoresTM, dt, t, m);
        kernels.softmaxGroupsBackward(gatesTM, dGatesTM, cfg.k(), dScoresTM);
        dqTHQ = Buffers.ensure(dqTHQ, dt, t, (long) cfg.heads() * cfg.dKey());
        dqTHQ.assign(0);
        if (cfg.sharedKeys()) {
            kernels.retrieveBackward(dScoresTM, qTHQ, keys1.value(), keys2.value(), cfg.heads(), perHead[0], dqTHQ,
                    keys1.grad(), keys2.grad());
        } else {
            for (int head = 0; head < cfg.heads(); head++) {
                INDArray dsHead = dScoresTM.get(NDArrayIndex.all(), cols(head, cfg.k())).dup('c');
                INDArray dqHead = qHeadTQ[head].ulike();
                kernels.retrieveBackward(dsHead, qHeadTQ[head], keyRows(keys1.value(), head),
                        keyRows(keys2.value(), head), 1, perHead[head], dqHead, keyRows(keys1.grad(), head),
                        keyRows(keys2.grad(), head));
                dqTHQ.get(NDArrayIndex.all(), cols(head, cfg.dKey())).assign(dqHead);
            }
        }
        INDArray dq = bn == null ? dqTHQ : bn.backward(dqTHQ);
        return query.backward(dq);
    }

    private INDArray keyRows(INDArray table, int head) {
        int s = cfg.subKeys();
        return table.get(NDArrayIndex.interval(head * s, head * s + s), NDArrayIndex.all());
    }

    private static INDArrayIndex cols(int head, int width) {
        return NDArrayIndex.interval(head * width, head * width + width);
    }

    /** Value rows the last backward touched (ascending), for {@code SparseRowAdamW}. */
    public int[] touchedRows() {
        return touchedRows.clone();
    }

    public RoutingRecord routing() {
        if (gatesTM == null) {
            throw new IllegalStateException(name + ": no forward yet, so no routing to report");
        }
        return new RoutingRecord(cfg.numValues(), cfg.heads(), cfg.k(), expertTM.clone(), gatesTM.dup().data().asDouble());
    }

    @Override
    public String kind() {
        return "pkm";
    }

    @Override
    public long activeParams() {
        long q = (long) cfg.dModel() * cfg.heads() * cfg.dKey() + (bn == null ? 1L : 2L) * cfg.heads() * cfg.dKey();
        return q + (long) cfg.heads() * cfg.k() * cfg.dModel();
    }

    @Override
    public long forwardFlopsPerToken() {
        long h = cfg.heads();
        return 2L * cfg.dModel() * h * cfg.dKey() + 2L * h * cfg.subKeys() * cfg.dKey() + 2L * h * cfg.k() * cfg.dModel();
    }

    /** The query BatchNorm's running statistics (none without BN). */
    @Override
    public java.util.Map<String, double[]> buffers() {
        return bn == null ? java.util.Map.of() : bn.buffers();
    }
}
