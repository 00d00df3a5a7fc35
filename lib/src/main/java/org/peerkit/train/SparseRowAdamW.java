package org.peerkit.train;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.nn.Param;
import org.peerkit.tensor.Parallel;

/**
 * AdamW for expert tables (PEER's u and v, PKM values: [N, D] with only the routed rows
 * touched per step) that updates the touched rows only, so a step costs O(rows·D) instead of
 * O(N·D). Same formulas and bias correction (global step count, as PyTorch's SparseAdam) as
 * {@link AdamW} on the rows it touches.
 *
 * <p>Where it differs from the dense {@link AdamW} (which stays the paper-faithful choice): a
 * row <em>not</em> routed to this step keeps its value, m and v unchanged, whereas dense AdamW
 * decays its m and v (β₁, β₂), still moves it by the stale momentum −lr·m̂/(√v̂+ε), and applies
 * weight decay. A row touched in every step follows exactly the dense trajectory (tested).
 */
public final class SparseRowAdamW {

    private final List<Param> params;
    private final AdamWConfig cfg;
    private final Map<String, INDArray> m = new HashMap<>();
    private final Map<String, INDArray> v = new HashMap<>();
    private long t;

    /** {@code params}: 2-D tables whose gradient rows outside the touched set are zero. */
    public SparseRowAdamW(List<Param> params, AdamWConfig cfg) {
        for (Param p : params) {
            if (p.shape().length != 2) {
                throw new IllegalArgumentException("SparseRowAdamW updates rows of 2-D tables; " + p
                        + " has rank " + p.shape().length);
            }
            m.put(p.name(), Nd4j.zeros(p.value().dataType(), p.shape()));
            v.put(p.name(), Nd4j.zeros(p.value().dataType(), p.shape()));
        }
        this.params = List.copyOf(params);
        this.cfg = cfg;
    }

    /** Updates the given rows (e.g. {@code PeerLayer.touchedRows()}) of every table. */
    public void step(double lr, int[] rows) {
        t++;
        double bc1 = 1 - Math.pow(cfg.beta1(), t);
        double bc2 = 1 - Math.pow(cfg.beta2(), t);
        for (Param p : params) {
            update(p, rows, lr, bc1, bc2);
        }
    }

    private void update(Param p, int[] rows, double lr, double bc1, double bc2) {
        updateRows(p, m.get(p.name()), v.get(p.name()), rows, lr, bc1, bc2, cfg);
    }

    /**
     * The row update shared with {@link AdamW}'s sparse mode: the dense formula, element for element
     * in the same order and precision, applied to {@code rows} of {@code p} only.
     */
    static void updateRows(Param p, INDArray mArr, INDArray vArr, int[] rows, double lr, double bc1, double bc2,
            AdamWConfig cfg) {
        int n = (int) p.shape()[0];
        int d = (int) p.shape()[1];
        for (int row : rows) {
            if (row < 0 || row >= n) {
                throw new IllegalArgumentException("row " + row + " outside " + p);
            }
        }
        AdamWUpdate u = new AdamWUpdate(p, mArr, vArr, cfg, lr, bc1, bc2);
        Parallel.rows(rows.length, 4 * d, (from, to) -> u.applyRows(rows, from, to, d));
    }

    public long stepCount() {
        return t;
    }
}
