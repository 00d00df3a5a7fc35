package org.peerkit.notebook;

import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.peerkit.ffw.FeedForward;
import org.peerkit.nn.Param;
import org.peerkit.nn.Rng;
import org.peerkit.tensor.Backend;
import org.peerkit.tensor.Timing;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Throughput of one feed-forward layer (dense, MoE, PKM or PEER) on a batch of random tokens:
 * median time of a forward and of a forward + backward, as tokens/s and as achieved GFLOP/s from
 * the layer's analytic {@link FeedForward#forwardFlopsPerToken()} (a training step counts 3× the
 * forward: the backward computes gradients for inputs and weights, each as costly as the forward).
 * Parameter gradients accumulate across repetitions, which costs the same as a fresh pass.
 *
 * @param label               how tables and charts name it
 * @param paramBytes          bytes of all parameters (values only; gradients and optimiser state
 *                            would add 1× and 2× more under AdamW)
 */
public record FfwThroughput(String label, String kind, int tokens, Timing.Timed forward, Timing.Timed forwardBackward,
        long forwardFlopsPerToken, long activeParams, long paramBytes) {

    /** Each timed sample repeats a pass until it lasts this long, so small layers are not timer noise. */
    static final double MIN_SAMPLE_SECONDS = 0.05;

    /** Untimed forward+backward passes before timing (when warmup > 0). */
    static final double JIT_WARMUP_SECONDS = 0.3;

    /** Times {@code layer} on {@code tokens} random rows of its width (N(0,1), float32 if the layer is). */
    public static FfwThroughput measure(String label, FeedForward layer, int dModel, int tokens, int warmup, int reps) {
        if (tokens < 1) {
            throw new IllegalArgumentException("throughput of '" + label + "' needs tokens >= 1, got " + tokens);
        }
        Backend.start();
        DataType dt = layer.params().get(0).value().dataType();
        Rng rng = new Rng(tokens);
        INDArray x = rng.normal(dt, 1.0, tokens, dModel);
        INDArray dy = rng.normal(dt, 1.0, tokens, dModel);
        // a forward+backward first warms both code paths; samples alternate so load swings hit both alike
        Runnable pass = () -> {
            layer.forward(x);
            layer.backward(dy);
        };
        if (warmup > 0) { // at least ~0.3 s of passes, so the JIT has compiled the layer's loops
            Timing.timeBatched(warmup, 1, JIT_WARMUP_SECONDS, pass);
        }
        Timing.Timed[] t = Timing.interleaved(warmup, reps, MIN_SAMPLE_SECONDS, () -> layer.forward(x), pass);
        Timing.Timed fwd = t[0];
        Timing.Timed fb = t[1];
        long bytes = 0;
        for (Param p : layer.params()) {
            bytes += p.value().length() * p.value().dataType().width();
        }
        return new FfwThroughput(label, layer.kind(), tokens, fwd, fb, layer.forwardFlopsPerToken(),
                layer.activeParams(), bytes);
    }

    public double forwardTokensPerSecond() {
        return forward.rate(tokens);
    }

    public double trainTokensPerSecond() {
        return forwardBackward.rate(tokens);
    }

    /** Achieved forward GFLOP/s (analytic FLOPs over measured time). */
    public double forwardGflops() {
        return forwardFlopsPerToken * forwardTokensPerSecond() / 1e9;
    }

    /** Achieved training GFLOP/s, counting forward + backward as 3× the forward FLOPs. */
    public double trainGflops() {
        return 3.0 * forwardFlopsPerToken * trainTokensPerSecond() / 1e9;
    }

    /**
     * One row per layer: tokens/s forward and training, achieved GFLOP/s and its fraction of the
     * machine's sgemm GFLOP/s measured alongside ({@link org.peerkit.tensor.SgemmProbe}).
     */
    public static Table table(String title, List<FfwThroughput> rows, double sgemmGflops) {
        if (!(sgemmGflops > 0)) {
            throw new IllegalArgumentException("sgemm GFLOP/s must be > 0 (measure it with SgemmProbe), got " + sgemmGflops);
        }
        Table t = Table.create(title, StringColumn.create("layer"), DoubleColumn.create("params (MB)"),
                DoubleColumn.create("active params"), DoubleColumn.create("fwd MFLOP/token"),
                DoubleColumn.create("fwd tokens/s"), DoubleColumn.create("fwd+bwd tokens/s"),
                DoubleColumn.create("fwd % of sgemm"), DoubleColumn.create("fwd+bwd % of sgemm"));
        for (FfwThroughput r : rows) {
            t.stringColumn(0).append(r.label());
            t.doubleColumn(1).append(RetrievalScaling.round(r.paramBytes() / 1e6, 3));
            t.doubleColumn(2).append(r.activeParams());
            t.doubleColumn(3).append(RetrievalScaling.round(r.forwardFlopsPerToken() / 1e6, 3));
            t.doubleColumn(4).append(RetrievalScaling.round(r.forwardTokensPerSecond(), 3));
            t.doubleColumn(5).append(RetrievalScaling.round(r.trainTokensPerSecond(), 3));
            t.doubleColumn(6).append(RetrievalScaling.round(100 * r.forwardGflops() / sgemmGflops, 2));
            t.doubleColumn(7).append(RetrievalScaling.round(100 * r.trainGflops() / sgemmGflops, 2));
        }
        return t;
    }

    /** Forward and training tokens/s against x (e.g. the number of experts N), log x. */
    public static XYChart chart(String title, String xTitle, double[] x, List<FfwThroughput> rows) {
        if (x.length != rows.size() || rows.isEmpty()) {
            throw new IllegalArgumentException("chart needs one x per measurement: " + x.length + " x for "
                    + rows.size() + " measurements");
        }
        double[] fwd = rows.stream().mapToDouble(FfwThroughput::forwardTokensPerSecond).toArray();
        double[] fb = rows.stream().mapToDouble(FfwThroughput::trainTokensPerSecond).toArray();
        XYChart c = new XYChartBuilder().width(720).height(420).title(title).xAxisTitle(xTitle)
                .yAxisTitle("tokens / s (median)").build();
        c.getStyler().setXAxisLogarithmic(true).setYAxisMin(0.0).setLegendPosition(Styler.LegendPosition.OutsideS)
                .setLegendLayout(Styler.LegendLayout.Horizontal);
        c.addSeries("forward", x, fwd).setMarker(SeriesMarkers.CIRCLE);
        c.addSeries("forward + backward", x, fb).setMarker(SeriesMarkers.DIAMOND);
        return c;
    }
}
