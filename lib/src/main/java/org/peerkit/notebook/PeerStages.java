package org.peerkit.notebook;

import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.ffw.PeerConfig;
import org.peerkit.ffw.PeerLayer;
import org.peerkit.nn.Gemm;
import org.peerkit.nn.Rng;
import org.peerkit.tensor.Backend;
import org.peerkit.tensor.CpuKernels;
import org.peerkit.tensor.Kernels;
import org.peerkit.tensor.Retrieval;
import org.peerkit.tensor.Timing;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Where a PEER layer's time goes (paper Alg. 1, stage by stage): each forward stage is run on its
 * own with the layer's parameters and the kernels layers use — query projection x·W_q, query
 * BatchNorm (§3.3), product-key retrieval (Eq. 5), softmax over each head's k scores, and the
 * experts (gather u, v rows, σ(u·x)·v, Eq. 6) — and the backward of the whole layer is the
 * median of forward+backward minus the median of forward. The stage times should add up to about
 * the whole forward, which the table shows beside them.
 *
 * @param stages name and median milliseconds, in pipeline order, then "forward (whole layer)"
 *               and "backward (whole layer)"
 */
public record PeerStages(PeerConfig config, int tokens, List<Stage> stages) {

    /** One stage: its name and median time in milliseconds. */
    public record Stage(String name, double ms) {}

    public static PeerStages measure(PeerLayer layer, int tokens, int warmup, int reps) {
        Backend.start();
        PeerConfig cfg = layer.config();
        DataType dt = layer.u().value().dataType();
        int m = cfg.heads() * cfg.k();
        Rng rng = new Rng(tokens);
        INDArray x = rng.normal(dt, 1.0, tokens, cfg.dModel());
        INDArray dy = rng.normal(dt, 1.0, tokens, cfg.dModel());
        INDArray q = Nd4j.create(dt, tokens, (long) cfg.heads() * cfg.dKey());
        INDArray gates = Nd4j.create(dt, tokens, m);
        INDArray pre = Nd4j.create(dt, tokens, m);
        INDArray y = Nd4j.create(dt, tokens, cfg.dModel());
        Retrieval r = Retrieval.allocate(Nd4j.create(dt, tokens, m));
        Kernels kernels = new CpuKernels();
        List<Stage> stages = new ArrayList<>();
        stages.add(stage("query projection", warmup, reps,
                () -> Gemm.mm(x, layer.queryWeight().value(), q, false, false)));
        INDArray[] qn = {q};
        if (layer.queryBatchNorm() != null) {
            stages.add(stage("query BatchNorm", warmup, reps, () -> qn[0] = layer.queryBatchNorm().forward(q)));
        }
        stages.add(stage("retrieval (product-key top-k)", warmup, reps, () -> kernels.retrieve(qn[0],
                layer.subKeys1().value(), layer.subKeys2().value(), cfg.heads(), cfg.k(), r)));
        stages.add(stage("softmax gates", warmup, reps, () -> kernels.softmaxGroups(r.scoresTxHK(), cfg.k(), gates)));
        stages.add(stage("experts (gather + σ(u·x)·v)", warmup, reps, () -> kernels.mixForward(x, r.expertTHK(), gates,
                layer.u().value(), layer.v().value(), cfg.activation(), pre, y)));
        Timing.Timed[] whole = Timing.interleaved(warmup, reps, FfwThroughput.MIN_SAMPLE_SECONDS, () -> layer.forward(x), () -> {
            layer.forward(x);
            layer.backward(dy);
        });
        Timing.Timed fwd = whole[0];
        Timing.Timed fb = whole[1];
        stages.add(new Stage("forward (whole layer)", fwd.medianMs()));
        stages.add(new Stage("backward (whole layer)", Math.max(0, fb.medianMs() - fwd.medianMs())));
        return new PeerStages(cfg, tokens, List.copyOf(stages));
    }

    private static Stage stage(String name, int warmup, int reps, Runnable r) {
        return new Stage(name, Timing.timeBatched(warmup, reps, FfwThroughput.MIN_SAMPLE_SECONDS, r).medianMs());
    }

    /** Median ms of the named stage. */
    public double ms(String name) {
        return stages.stream().filter(s -> s.name().equals(name)).mapToDouble(Stage::ms).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no stage '" + name + "'; stages: " + stages));
    }

    /** The forward stages only (without the two whole-layer rows). */
    public List<Stage> forwardStages() {
        return stages.subList(0, stages.size() - 2);
    }

    /** Stage, ms and share of one training pass (forward + backward of the whole layer). */
    public Table table() {
        double pass = ms("forward (whole layer)") + ms("backward (whole layer)");
        Table t = Table.create("PEER stages, N=" + config.numExperts() + ", T=" + tokens, StringColumn.create("stage"),
                DoubleColumn.create("ms"), DoubleColumn.create("% of fwd+bwd"));
        for (Stage s : stages) {
            t.stringColumn(0).append(s.name());
            t.doubleColumn(1).append(RetrievalScaling.round(s.ms(), 3));
            t.doubleColumn(2).append(RetrievalScaling.round(100 * s.ms() / pass, 3));
        }
        return t;
    }

    /**
     * Bars of every stage's median ms, labelled with the stage name up to its parenthesis (the
     * table has the full names), so the forward stages can be compared with the whole layer.
     */
    public CategoryChart chart() {
        CategoryChart c = new CategoryChartBuilder().width(720).height(420)
                .title("PEER layer time by stage, N=" + config.numExperts() + ", T=" + tokens)
                .xAxisTitle("stage").yAxisTitle("ms (median)").build();
        c.getStyler().setXAxisLabelRotation(20);
        c.getStyler().setLegendVisible(false);
        List<String> labels = new ArrayList<>();
        List<Double> ms = new ArrayList<>();
        for (Stage s : stages) {
            int paren = s.name().indexOf(" (");
            labels.add(paren < 0 ? s.name() : s.name().substring(0, paren));
            ms.add(s.ms());
        }
        c.addSeries("ms", labels, ms);
        return c;
    }

    /**
     * Bytes a forward + backward keeps alive besides parameters and their gradients, from the
     * layer's buffers: queries before and after BN and their gradient [T, H·Q], scores, gates,
     * pre-activations and their gradients [T, H·K], expert/row/column indices (int) [T·H·K],
     * output and input gradient [T, D], and the retrieval scratch ([min(T,512)·H, Q/2 + √N] × 2).
     * An estimate (ND4J's off-heap allocations are not counted per layer), exact in its terms.
     */
    public static long activationBytes(PeerConfig cfg, int tokens, int bytesPerElement) {
        long t = tokens;
        long hq = (long) cfg.heads() * cfg.dKey();
        long m = (long) cfg.heads() * cfg.k();
        long chunk = Math.min(tokens, 512L) * cfg.heads();
        long elements = (cfg.keys().queryBatchNorm() ? 4 : 2) * t * hq // q, q after BN, dq, dq before BN
                + 5 * t * m // scores, gates, pre-activations, dGates, dScores
                + 2 * t * cfg.dModel() // y, dx
                + 2 * chunk * (cfg.dKey() / 2 + cfg.subKeys()); // half-queries and sub-key scores
        return elements * bytesPerElement + 3 * t * m * Integer.BYTES;
    }
}
