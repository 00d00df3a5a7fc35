package org.peerkit.ffw;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.peerkit.nn.Buffers;
import org.peerkit.nn.Param;
import org.peerkit.nn.PassGuard;
import org.peerkit.nn.Rng;
import org.peerkit.tensor.Vec;

/**
 * Coarse mixture of experts: a {@link Router} assigns tokens to E expert MLPs ({@link DenseFfw},
 * d_model → d_hidden → d_model, with biases), each expert runs once on its gathered tokens and
 * the outputs are added back weighted by the gates: y[t] = Σ_{e ∋ t} gate·MLPₑ(x[t]). Dropped
 * tokens get no expert (y[t] = 0 from that slot). The router's auxiliary loss is reported by
 * {@link #auxLoss()} and its gradient is added in backward.
 *
 * <p>Letters as in the package doc: T tokens, D width, N experts, C an expert's capacity, n ≤ C its tokens this step.
 * Each expert runs on a fixed [C, D] buffer: its n tokens' rows, then zero rows — the
 * fixed-capacity dispatch of GShard and Switch. Fixed shapes let every buffer (the gathered
 * inputs here, the experts' activations in {@link DenseFfw}) be allocated once, where a [n, D]
 * gather that changes shape each step reallocated all of them (lib/README.md, ND4J on the CPU: steady steps
 * allocate no large arrays), and rows are copied in bulk rather than by ND4J's per-row {@code getRows}.
 * The price is E·C ≥ T·k expert rows, at most cf× the useful work; padding rows get a zero
 * output gradient, so they add nothing to any gradient.
 */
public final class MoeFfw implements FeedForward {

    private final String name;
    private final MoeConfig cfg;
    private final Router router;
    private final List<DenseFfw> experts = new ArrayList<>();
    private final PassGuard guard;
    private Dispatch dispatch;
    private INDArray[] expertOut;
    private INDArray[] inCxD;   // per expert: gathered input rows, zero padded to capacity
    private INDArray[] dyCxD;   // per expert: gate-weighted output gradient, zero padded
    private INDArray xTxD;
    private INDArray yTxD;
    private INDArray dxTxD;

    public MoeFfw(String name, MoeConfig cfg, DataType dtype, Rng rng) {
        this.name = name;
        this.cfg = cfg;
        this.router = cfg.router() == MoeConfig.RouterKind.TOKEN_CHOICE
                ? new TopKRouter(name, cfg, dtype, rng) : new ExpertChoiceRouter(name, cfg, dtype, rng);
        for (int e = 0; e < cfg.numExperts(); e++) {
            experts.add(new DenseFfw(name + ".experts." + e, cfg.dModel(), cfg.dHidden(), cfg.activation(), true,
                    1 / Math.sqrt(cfg.dModel()), 1 / Math.sqrt(cfg.dHidden()), dtype, rng));
        }
        this.guard = new PassGuard(name);
    }

    public Router router() {
        return router;
    }

    public DenseFfw expert(int e) {
        return experts.get(e);
    }

    /** The last forward's routing, with dropped-token counts. */
    public Dispatch lastDispatch() {
        return dispatch;
    }

    @Override
    public List<Param> params() {
        List<Param> ps = new ArrayList<>(router.params());
        for (DenseFfw e : experts) {
            ps.addAll(e.params());
        }
        return ps;
    }

    @Override
    public INDArray forward(INDArray x) {
        Buffers.requireCols(name, x, cfg.dModel());
        xTxD = x;
        dispatch = router.route(x);
        int e = cfg.numExperts();
        allocate(x.dataType(), dispatch.capacity());
        yTxD = Buffers.ensure(yTxD, x.dataType(), x.size(0), cfg.dModel());
        yTxD.assign(0);
        Vec xs = Vec.read(x);
        Vec y = Vec.of(yTxD);
        for (int ex = 0; ex < e; ex++) {
            int[] tok = dispatch.tokens()[ex];
            if (tok.length == 0) {
                expertOut[ex] = null;
                continue;
            }
            gatherRows(xs, tok, Vec.of(inCxD[ex]));
            expertOut[ex] = experts.get(ex).forward(inCxD[ex]);
            addRows(Vec.read(expertOut[ex]), tok, dispatch.gates()[ex], y);
        }
        guard.forwardDone();
        return yTxD;
    }

    /** Per-expert [C, D] buffers, reallocated only when the capacity (a function of T) changes. */
    private void allocate(DataType dt, int capacity) {
        int e = cfg.numExperts();
        if (inCxD == null) {
            inCxD = new INDArray[e];
            dyCxD = new INDArray[e];
            expertOut = new INDArray[e];
        }
        for (int ex = 0; ex < e; ex++) {
            inCxD[ex] = Buffers.ensure(inCxD[ex], dt, capacity, cfg.dModel());
            dyCxD[ex] = Buffers.ensure(dyCxD[ex], dt, capacity, cfg.dModel());
        }
    }

    /** into[i] = x[tok[i]] for i < n, zero rows after (row copies, not ND4J's per-row getRows). */
    private void gatherRows(Vec x, int[] tok, Vec into) {
        int d = cfg.dModel();
        for (int i = 0; i < tok.length; i++) {
            into.copyFrom(x, tok[i] * d, i * d, d);
        }
        into.zero(tok.length * d, padRows(tok.length) * d);
    }

    private int padRows(int n) {
        return dispatch.capacity() - n;
    }

    @Override
    public INDArray backward(INDArray dy) {
        guard.beginBackward();
        int d = cfg.dModel();
        dxTxD = Buffers.ensure(dxTxD, dy.dataType(), dy.size(0), d);
        dxTxD.assign(0);
        Vec dyv = Vec.read(dy);
        Vec dx = Vec.of(dxTxD);
        double[][] dGates = new double[cfg.numExperts()][];
        for (int e = 0; e < cfg.numExperts(); e++) {
            int[] tok = dispatch.tokens()[e];
            double[] g = dispatch.gates()[e];
            dGates[e] = new double[tok.length];
            if (tok.length == 0) {
                continue;
            }
            // dL/dgate = dy[t]·MLP(x[t]); the expert sees dy[t]·gate, and zero on its padding rows
            Vec ye = Vec.read(expertOut[e]);
            Vec ds = Vec.of(dyCxD[e]);
            for (int i = 0; i < tok.length; i++) {
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    double v = dyv.get(tok[i] * d + j);
                    dot += v * ye.get(i * d + j);
                    ds.set(i * d + j, g[i] * v);
                }
                dGates[e][i] = dot;
            }
            ds.zero(tok.length * d, padRows(tok.length) * d);
            addRows(Vec.read(experts.get(e).backward(dyCxD[e])), tok, null, dx);
        }
        dxTxD.addi(router.backward(dGates));
        return dxTxD;
    }

    /** into[tok[i]] += w[i]·rows[i] (w null: weight 1). */
    private void addRows(Vec rows, int[] tok, double[] w, Vec into) {
        int d = cfg.dModel();
        for (int i = 0; i < tok.length; i++) {
            double wi = w == null ? 1 : w[i];
            for (int j = 0; j < d; j++) {
                into.set(tok[i] * d + j, into.get(tok[i] * d + j) + wi * rows.get(i * d + j));
            }
        }
    }

    @Override
    public double auxLoss() {
        return router.auxLoss();
    }

    @Override
    public String kind() {
        return "moe";
    }

    /** Router plus top-k experts' weights (token choice; expert choice averages cf experts per token). */
    @Override
    public long activeParams() {
        long expert = 2L * cfg.dModel() * cfg.dHidden() + cfg.dHidden() + cfg.dModel();
        return (long) cfg.dModel() * cfg.numExperts() + cfg.topK() * expert;
    }

    @Override
    public long forwardFlopsPerToken() {
        return 2L * cfg.dModel() * cfg.numExperts() + cfg.topK() * 4L * cfg.dModel() * cfg.dHidden();
    }
}
