package org.peerkit.notebook;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.nn.Rng;
import org.peerkit.tensor.Backend;
import org.peerkit.tensor.CpuKernels;
import org.peerkit.tensor.ExhaustiveRetrieval;
import org.peerkit.tensor.Kernels;
import org.peerkit.tensor.Retrieval;
import org.peerkit.tensor.Timing;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * Retrieval time vs number of experts N (paper §2): product-key top-k, O((√N + k²)·d_key) per
 * query, against the exhaustive scan over all N full keys, O(N·d_key). Random queries and
 * sub-keys (retrieval cost does not depend on their values), float32, the kernels layers use.
 *
 * @param tokens queries per call are tokens·heads
 */
public record RetrievalScaling(int tokens, int heads, int k, int dKey, int warmup, int reps) {

    /** Untimed running of both retrievals at the first N before any timing. */
    static final double JIT_WARMUP_SECONDS = 0.5;

    public RetrievalScaling {
        if (tokens < 1 || heads < 1 || k < 1 || dKey < 2 || dKey % 2 != 0 || warmup < 0 || reps < 1) {
            throw new IllegalArgumentException("RetrievalScaling needs tokens, heads, k, reps >= 1, warmup >= 0 and an"
                    + " even dKey >= 2; got tokens=" + tokens + ", heads=" + heads + ", k=" + k + ", dKey=" + dKey
                    + ", warmup=" + warmup + ", reps=" + reps);
        }
    }

    /**
     * One N: the timings of both retrievals on the same queries and keys. Reported by the fastest
     * sample ({@link #productKeyMs()}, {@link #exhaustiveMs()}): other processes on a shared machine
     * only ever add time, so the minimum is the best estimate of the work itself.
     */
    public record Point(int side, Timing.Timed productKey, Timing.Timed exhaustive) {
        public long numExperts() {
            return (long) side * side;
        }

        public double productKeyMs() {
            return productKey.min() * 1e3;
        }

        public double exhaustiveMs() {
            return exhaustive.min() * 1e3;
        }

        /** How many times faster product keys are than the scan. */
        public double speedup() {
            return exhaustive.min() / productKey.min();
        }
    }

    /**
     * Least-squares slope of log(time) against log(N) over the last {@code lastPoints} points:
     * 1 for a cost ∝ N, ½ for ∝ √N, 0 for a constant.
     */
    public static double logLogSlope(List<Point> points, boolean productKey, int lastPoints) {
        if (lastPoints < 2 || lastPoints > points.size()) {
            throw new IllegalArgumentException("a slope needs 2 <= lastPoints <= " + points.size() + ", got " + lastPoints);
        }
        List<Point> use = points.subList(points.size() - lastPoints, points.size());
        double mx = 0, my = 0;
        for (Point p : use) {
            mx += Math.log(p.numExperts()) / lastPoints;
            my += Math.log(productKey ? p.productKeyMs() : p.exhaustiveMs()) / lastPoints;
        }
        double sxy = 0, sxx = 0;
        for (Point p : use) {
            double dx = Math.log(p.numExperts()) - mx;
            sxy += dx * (Math.log(productKey ? p.productKeyMs() : p.exhaustiveMs()) - my);
            sxx += dx * dx;
        }
        return sxy / sxx;
    }

    /** Times both retrievals for N = side² for every side (each side ≥ √k). */
    public List<Point> measure(int... sides) {
        Backend.start();
        List<Point> points = new ArrayList<>();
        boolean warm = false;
        for (int side : sides) {
            if ((long) side * side < k) {
                throw new IllegalArgumentException("side=" + side + " gives N=" + side * side + " < k=" + k);
            }
            Rng rng = new Rng(side);
            try (INDArray q = rng.normal(DataType.FLOAT, 1.0, tokens, (long) heads * dKey);
                 INDArray k1 = rng.normal(DataType.FLOAT, 1.0, side, dKey / 2);
                 INDArray k2 = rng.normal(DataType.FLOAT, 1.0, side, dKey / 2)) {
                Retrieval r = Retrieval.allocate(Nd4j.create(DataType.FLOAT, tokens, (long) heads * k));
                Kernels kernels = new CpuKernels();
                if (!warm) { // let the JIT compile both paths first, or the first N is timed interpreted
                    Timing.timeBatched(warmup, 1, JIT_WARMUP_SECONDS, () -> kernels.retrieve(q, k1, k2, heads, k, r));
                    Timing.timeBatched(0, 1, JIT_WARMUP_SECONDS, () -> ExhaustiveRetrieval.retrieve(q, k1, k2, heads, k, r));
                    warm = true;
                }
                Timing.Timed pk = Timing.timeBatched(warmup, reps, 0.02, () -> kernels.retrieve(q, k1, k2, heads, k, r));
                Timing.Timed ex = Timing.time(Math.min(warmup, 1), reps,
                        () -> ExhaustiveRetrieval.retrieve(q, k1, k2, heads, k, r));
                points.add(new Point(side, pk, ex));
            }
        }
        return points;
    }

    /** N, √N, both times in ms (fastest sample) and the speed-up. */
    public static Table table(List<Point> points) {
        Table t = Table.create("retrieval time vs N",
                DoubleColumn.create("N"), IntColumn.create("√N"), DoubleColumn.create("product keys (ms)"),
                DoubleColumn.create("exhaustive scan (ms)"), DoubleColumn.create("speed-up ×"));
        for (Point p : points) {
            t.doubleColumn(0).append(p.numExperts());
            t.intColumn(1).append(p.side());
            t.doubleColumn(2).append(round(p.productKeyMs(), 3));
            t.doubleColumn(3).append(round(p.exhaustiveMs(), 3));
            t.doubleColumn(4).append(round(p.speedup(), 1));
        }
        return t;
    }

    /** Rounds to {@code digits} significant digits, so the table shows what the timer can resolve. */
    static double round(double v, int digits) {
        if (v == 0 || !Double.isFinite(v)) {
            return v;
        }
        return new BigDecimal(v).round(new MathContext(digits)).doubleValue();
    }

    /**
     * Log-log chart of both measured times (fastest sample) with reference curves ∝ √N and ∝ N through the first
     * point of the product-key and exhaustive series respectively.
     */
    public static XYChart chart(List<Point> points) {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("no points to plot: measure at least one N");
        }
        int n = points.size();
        double[] x = new double[n];
        double[] pk = new double[n];
        double[] ex = new double[n];
        double[] sqrtRef = new double[n];
        double[] linRef = new double[n];
        Point first = points.get(0);
        for (int i = 0; i < n; i++) {
            Point p = points.get(i);
            x[i] = p.numExperts();
            pk[i] = p.productKeyMs();
            ex[i] = p.exhaustiveMs();
            sqrtRef[i] = first.productKeyMs() * Math.sqrt(x[i] / first.numExperts());
            linRef[i] = first.exhaustiveMs() * (x[i] / first.numExperts());
        }
        XYChart c = new XYChartBuilder().width(720).height(420).title("retrieval time vs number of experts N")
                .xAxisTitle("N (experts)").yAxisTitle("ms per call (fastest of reps)").build();
        c.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true)
                .setLegendPosition(Styler.LegendPosition.InsideNW);
        c.addSeries("exhaustive scan, O(N·d)", x, ex).setMarker(SeriesMarkers.CIRCLE);
        c.addSeries("product keys, O((√N+k²)·d)", x, pk).setMarker(SeriesMarkers.DIAMOND);
        XYSeries lin = c.addSeries("∝ N", x, linRef);
        lin.setMarker(SeriesMarkers.NONE).setLineStyle(SeriesLines.DASH_DASH);
        XYSeries sq = c.addSeries("∝ √N", x, sqrtRef);
        sq.setMarker(SeriesMarkers.NONE).setLineStyle(SeriesLines.DASH_DASH);
        return c;
    }
}
