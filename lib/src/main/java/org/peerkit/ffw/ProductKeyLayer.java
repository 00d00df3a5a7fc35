package org.peerkit.ffw;

import java.util.Map;
import org.peerkit.nn.Buffered;
import org.peerkit.nn.PassGuard;
import org.peerkit.tensor.Kernels;

/**
 * What {@link PeerLayer} and {@link PkmLayer} share around their {@link ProductKeyQuery}: the
 * train/eval switch of the query BN, its running statistics for checkpoints, the routing record,
 * and the expert rows the last backward touched (for the row-sparse optimiser).
 */
public abstract class ProductKeyLayer implements FeedForward, Buffered {

    final String name;
    final ProductKeyQuery router;
    final Kernels kernels;
    final PassGuard guard;
    int[] touchedRows = new int[0];

    ProductKeyLayer(String name, ProductKeyQuery router, Kernels kernels) {
        this.name = name;
        this.router = router;
        this.kernels = kernels;
        this.guard = new PassGuard(name);
    }

    /** Training mode (default) uses batch statistics in the query BN; evaluation its running ones. */
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
