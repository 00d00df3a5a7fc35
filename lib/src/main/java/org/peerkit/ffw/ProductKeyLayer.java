package org.peerkit.ffw;

import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.peerkit.nn.Buffered;
import org.peerkit.nn.Buffers;
import org.peerkit.nn.Param;
import org.peerkit.nn.PassGuard;
import org.peerkit.nn.Rng;
import org.peerkit.tensor.Kernels;

/**
 * What {@link PeerLayer} and {@link PkmLayer} share around their {@link ProductKeyQuery}: the
 * train/eval switch of the query BN, its running statistics for checkpoints, the routing record,
 * and the expert rows the last backward touched (for the row-sparse optimiser).
 */
public abstract class ProductKeyLayer<C extends ProductKeyConfig<C>> implements FeedForward, Buffered {

    final String name;
    final C cfg;
    final DataType dtype;
    final ProductKeyQuery router;
    final Kernels kernels;
    final PassGuard guard;
    int[] touchedRows = new int[0];
    /** The output [T, D] and the gate gradients [T, H·K] of the last pass (module-owned, reused). */
    INDArray yTxD;
    INDArray dGatesTxM;

    /** The query network and sub-keys are drawn from {@code rng} first, then the subclass's tables. */
    ProductKeyLayer(String name, C cfg, ProductKeyQuery.Shape shape, DataType dtype, Rng rng, Kernels kernels) {
        this.name = name;
        this.cfg = cfg;
        this.dtype = dtype;
        this.router = new ProductKeyQuery(name, shape, dtype, rng, kernels);
        this.kernels = kernels;
        this.guard = new PassGuard(name);
    }

    /** Training mode (default) uses batch statistics in the query BN; evaluation its running ones. */
    /** The query network's shape for this config: its width, N, h, k, d_key and query BN. */
    static ProductKeyQuery.Shape queryShape(ProductKeyConfig<?> cfg, boolean sharedKeys, boolean queryBias) {
        return new ProductKeyQuery.Shape(cfg.dModel(), cfg.subKeys(), cfg.heads(), cfg.k(), cfg.dKey(), sharedKeys,
                queryBias, cfg.keys().queryBatchNorm());
    }

    /**
     * An N × D table of per-expert rows (PEER's u and v, PKM's values) drawn N(0, std²), with
     * row-sparse gradients: a step touches only the rows of the experts it used (Param class comment).
     */
    Param expertTable(String table, DataType dtype, Rng rng, double std) {
        Param p = new Param(name + "." + table, Param.Kind.EMBEDDING, rng.normal(dtype, std, cfg.numExperts(),
                cfg.dModel()));
        p.trackRows();
        return p;
    }

    /** Retrieval (the router's gates [T, H·K]), then the subclass's expert tables: y [T, D]. */
    @Override
    public final INDArray forward(INDArray x) {
        Buffers.requireCols(name, x, cfg.dModel());
        int t = (int) x.size(0);
        INDArray gatesTxM = router.forward(x);
        yTxD = Buffers.ensure(yTxD, dtype, t, cfg.dModel());
        tablesForward(x, gatesTxM, yTxD);
        guard.forwardDone();
        return yTxD;
    }

    /** The expert tables' backward (gradients of the gates and the tables), then the router's: dx [T, D]. */
    @Override
    public final INDArray backward(INDArray dy) {
        guard.beginBackward();
        int t = (int) dy.size(0);
        dGatesTxM = Buffers.ensure(dGatesTxM, dtype, t, cfg.heads() * cfg.k());
        INDArray dxTables = tablesBackward(dy, dGatesTxM);
        INDArray dxRouter = router.backward(dGatesTxM);
        return dxTables == null ? dxRouter : dxTables.addi(dxRouter);
    }

    /** y = Σ over each token's H·K retrieved experts of gate × that expert's output. */
    abstract void tablesForward(INDArray x, INDArray gatesTxM, INDArray yTxD);

    /**
     * Fills {@code dGatesTxM} and the tables' gradients from dy, sets {@link #touchedRows}, and returns
     * the part of dx that does not pass through the router, or null where the output does not read x.
     */
    abstract INDArray tablesBackward(INDArray dy, INDArray dGatesTxM);

    public Param queryWeight() {
        return router.query().weight();
    }

    public Param subKeys1() {
        return router.keys1();
    }

    public Param subKeys2() {
        return router.keys2();
    }

    /** The last forward's queries after BN [T, H·Q] (module-owned). */
    public INDArray queries() {
        return router.queriesTxHQ();
    }

    /** The last forward's router scores [T, H·K] before the softmax (module-owned). */
    public INDArray scores() {
        return router.scoresTxM();
    }

    /** The last forward's gates [T, H·K] (module-owned). */
    public INDArray gates() {
        return router.gatesTxM();
    }

    public void setTraining(boolean training) {
        router.setTraining(training);
    }

    /** The query BatchNorm, or null without one. */
    public QueryBatchNorm queryBatchNorm() {
        return router.batchNorm();
    }

    /** Expert (or value) rows the last backward wrote gradients to, ascending. */
    public int[] touchedRows() {
        return touchedRows.clone();
    }

    /** The last forward's choices (copies): expert index and gate per token, head and slot. */
    public RoutingRecord routing() {
        if (router.gatesTxM() == null) {
            throw new IllegalStateException(name + ": no forward yet, so no routing to report");
        }
        ProductKeyQuery.Shape s = router.shape();
        return new RoutingRecord(s.subKeys() * s.subKeys(), s.heads(), s.k(), router.expertTM().clone(),
                router.gatesTxM().dup().data().asDouble());
    }

    /** The query BatchNorm's running statistics (none without BN). */
    @Override
    public Map<String, double[]> buffers() {
        return router.buffers();
    }
}
