package org.peerkit.ffw;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.peerkit.nn.Buffers;
import org.peerkit.nn.Linear;
import org.peerkit.nn.Param;
import org.peerkit.nn.Rng;
import org.peerkit.tensor.Kernels;
import org.peerkit.tensor.Retrieval;

/**
 * The product-key machinery PEER and PKM share (paper §2, Eqs. 4–5; Lample et al. 2019): a query
 * network D → H·Q (one Linear), optional query BatchNorm, product-key top-K per head over S² keys,
 * and a softmax over each head's K scores. Forward turns x [T, D] into the chosen experts
 * {@link #expertTM} and their gates [T, M]; backward turns dgates into the query path's dx.
 *
 * <p>Sub-keys are shared by all heads (PEER, one [S, Q/2] table per half) or per head (PKM's
 * default, one [H·S, Q/2] table per half, head h owning rows h·S … h·S + S − 1).
 *
 * <p>Parameters and their order (query, BN, sub-keys) are those of the layer that owns it, so
 * checkpoints keep their names ({@code name.query}, {@code name.query_bn},
 * {@code name.sub_keys1}, {@code name.sub_keys2}).
 */
final class ProductKeyQuery {

    /**
     * The query's shape.
     *
     * @param queryBias  a bias on the query Linear (XLM's PKM has one; with BN it is dead weight)
     * @param sharedKeys one sub-key table per half for all heads, else one per head
     */
    record Shape(int dModel, int subKeys, int heads, int k, int dKey, boolean sharedKeys, boolean queryBias,
            boolean batchNorm) {

        int slots() {
            return heads * k;
        }

        /** Query GEMM and the sub-key scores (2 halves × S keys × Q/2 per head): 2·D·H·Q + 2·H·S·Q. */
        long forwardFlopsPerToken() {
            return 2L * dModel * heads * dKey + 2L * heads * subKeys * dKey;
        }

        /** The query network's parameters (sub-keys are shared by every token, so not counted). */
        long activeParams() {
            long perFeature = (queryBias ? 1 : 0) + (batchNorm ? 2 : 0);
            return (long) heads * dKey * (dModel + perFeature);
        }
    }

    private final String name;
    private final Shape shape;
    private final Linear query;
    private final QueryBatchNorm bn;
    private final Param keys1;
    private final Param keys2;
    private final Kernels kernels;
    private final Retrieval[] perHead;
    private INDArray[] qHeadTxQ;
    private INDArray qTxHQ;
    private INDArray scoresTxM;
    private int[] expertTM;
    private INDArray gatesTxM;
    private INDArray dScoresTxM;
    private INDArray dqTxHQ;

    /** Init: query N(0, 1/D), sub-keys N(0, 1/(Q/2)), drawn in that order. */
    ProductKeyQuery(String name, Shape shape, DataType dtype, Rng rng, Kernels kernels) {
        this.name = name;
        this.shape = shape;
        int half = shape.dKey() / 2;
        int keyRows = (shape.sharedKeys() ? 1 : shape.heads()) * shape.subKeys();
        int features = shape.heads() * shape.dKey();
        this.query = new Linear(name + ".query", shape.dModel(), features, shape.queryBias(),
                1 / Math.sqrt(shape.dModel()), dtype, rng);
        this.bn = shape.batchNorm() ? new QueryBatchNorm(name + ".query_bn", features, dtype) : null;
        this.keys1 = new Param(name + ".sub_keys1", Param.Kind.WEIGHT, rng.normal(dtype, 1 / Math.sqrt(half),
                keyRows, half));
        this.keys2 = new Param(name + ".sub_keys2", Param.Kind.WEIGHT, rng.normal(dtype, 1 / Math.sqrt(half),
                keyRows, half));
        this.kernels = kernels;
        this.perHead = new Retrieval[shape.sharedKeys() ? 1 : shape.heads()];
    }

    /** Query weight and bias, BN scale and shift, both sub-key tables. */
    List<Param> params() {
        List<Param> ps = new ArrayList<>(query.params());
        if (bn != null) {
            ps.addAll(bn.params());
        }
        ps.addAll(List.of(keys1, keys2));
        return ps;
    }

    /** Training mode (default) uses batch statistics in the query BN; evaluation its running ones. */
    void setTraining(boolean training) {
        if (bn != null) {
            bn.setTraining(training);
        }
    }

    /** Queries → product-key top-K → softmax per head; returns the gates [T, M] (module-owned). */
    INDArray forward(INDArray x) {
        int t = (int) x.size(0);
        DataType dt = keys1.value().dataType();
        INDArray q = query.forward(x);
        qTxHQ = bn == null ? q : bn.forward(q);
        scoresTxM = Buffers.ensure(scoresTxM, dt, t, shape.slots());
        if (expertTM == null || expertTM.length != t * shape.slots()) {
            expertTM = new int[t * shape.slots()];
        }
        if (shape.sharedKeys()) {
            retrieveShared();
        } else {
            retrievePerHead(t, dt);
        }
        gatesTxM = Buffers.ensure(gatesTxM, dt, t, shape.slots());
        kernels.softmaxGroups(scoresTxM, shape.k(), gatesTxM);
        return gatesTxM;
    }

    /** One retrieval over all heads on the shared sub-keys. */
    private void retrieveShared() {
        if (perHead[0] == null || perHead[0].scoresTxHK() != scoresTxM) {
            perHead[0] = Retrieval.allocate(scoresTxM);
        }
        kernels.retrieve(qTxHQ, keys1.value(), keys2.value(), shape.heads(), shape.k(), perHead[0]);
        System.arraycopy(perHead[0].expertTHK(), 0, expertTM, 0, expertTM.length);
    }

    /** One retrieval per head on its own sub-keys, scattered into the [T, H·K] layout. */
    private void retrievePerHead(int t, DataType dt) {
        int k = shape.k();
        int h = shape.heads();
        if (qHeadTxQ == null || qHeadTxQ[0].size(0) != t || qHeadTxQ[0].dataType() != dt) {
            qHeadTxQ = new INDArray[h];
        }
        for (int head = 0; head < h; head++) {
            qHeadTxQ[head] = Buffers.ensure(qHeadTxQ[head], dt, t, shape.dKey());
            qHeadTxQ[head].assign(qTxHQ.get(NDArrayIndex.all(), cols(head, shape.dKey())));
            INDArray s = perHead[head] == null ? null : perHead[head].scoresTxHK();
            INDArray ensured = Buffers.ensure(s, dt, t, k);
            if (ensured != s) {
                perHead[head] = Retrieval.allocate(ensured);
            }
            kernels.retrieve(qHeadTxQ[head], keyRows(keys1.value(), head), keyRows(keys2.value(), head), 1, k,
                    perHead[head]);
            scoresTxM.get(NDArrayIndex.all(), cols(head, k)).assign(perHead[head].scoresTxHK());
            int[] e = perHead[head].expertTHK();
            for (int tok = 0; tok < t; tok++) {
                System.arraycopy(e, tok * k, expertTM, (tok * h + head) * k, k);
            }
        }
    }

    /** Backward of {@link #forward} from dL/dgates [T, M]: accumulates the query's and keys' gradients, returns dx. */
    INDArray backward(INDArray dGatesTxM) {
        int t = (int) dGatesTxM.size(0);
        DataType dt = keys1.value().dataType();
        dScoresTxM = Buffers.ensure(dScoresTxM, dt, t, shape.slots());
        kernels.softmaxGroupsBackward(gatesTxM, dGatesTxM, shape.k(), dScoresTxM);
        dqTxHQ = Buffers.ensure(dqTxHQ, dt, t, (long) shape.heads() * shape.dKey());
        dqTxHQ.assign(0);
        if (shape.sharedKeys()) {
            kernels.retrieveBackward(dScoresTxM, qTxHQ, keys1.value(), keys2.value(), shape.heads(), perHead[0], dqTxHQ,
                    keys1.grad(), keys2.grad());
        } else {
            retrieveBackwardPerHead();
        }
        INDArray dq = bn == null ? dqTxHQ : bn.backward(dqTxHQ);
        return query.backward(dq);
    }

    private void retrieveBackwardPerHead() {
        for (int head = 0; head < shape.heads(); head++) {
            INDArray dsHead = dScoresTxM.get(NDArrayIndex.all(), cols(head, shape.k())).dup('c');
            INDArray dqHead = qHeadTxQ[head].ulike();
            kernels.retrieveBackward(dsHead, qHeadTxQ[head], keyRows(keys1.value(), head),
                    keyRows(keys2.value(), head), 1, perHead[head], dqHead, keyRows(keys1.grad(), head),
                    keyRows(keys2.grad(), head));
            dqTxHQ.get(NDArrayIndex.all(), cols(head, shape.dKey())).assign(dqHead);
        }
    }

    /**
     * Copies this query into {@code bigger} (same shape but more sub-keys): query network, BN and
     * the first S rows of each sub-key table (shared keys only).
     */
    void copyInto(ProductKeyQuery bigger) {
        bigger.query.weight().value().assign(query.weight().value());
        if (bn != null) {
            bigger.bn.copyFrom(bn);
        }
        INDArrayIndex first = NDArrayIndex.interval(0, shape.subKeys());
        bigger.keys1.value().get(first, NDArrayIndex.all()).assign(keys1.value());
        bigger.keys2.value().get(first, NDArrayIndex.all()).assign(keys2.value());
    }

    private INDArray keyRows(INDArray table, int head) {
        int s = shape.subKeys();
        return table.get(NDArrayIndex.interval(head * s, head * s + s), NDArrayIndex.all());
    }

    private static INDArrayIndex cols(int head, int width) {
        return NDArrayIndex.interval(head * width, head * width + width);
    }

    /** The chosen experts, flat [T·M] (module-owned). */
    int[] expertTM() {
        return expertTM;
    }

    /** The last forward's router scores [T, M] before the softmax (module-owned). */
    INDArray scoresTxM() {
        return scoresTxM;
    }

    /** The last forward's gates [T, M] (module-owned), or null before the first forward. */
    INDArray gatesTxM() {
        return gatesTxM;
    }

    /** The last forward's queries after BN [T, H·Q] (module-owned). */
    INDArray queriesTxHQ() {
        return qTxHQ;
    }

    Linear query() {
        return query;
    }

    QueryBatchNorm batchNorm() {
        return bn;
    }

    Param keys1() {
        return keys1;
    }

    Param keys2() {
        return keys2;
    }

    /** The query BatchNorm's running statistics (none without BN). */
    Map<String, double[]> buffers() {
        return bn == null ? Map.of() : bn.buffers();
    }

    Shape shape() {
        return shape;
    }
}
