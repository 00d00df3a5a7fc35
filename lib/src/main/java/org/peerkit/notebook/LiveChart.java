package org.peerkit.notebook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.peerkit.train.StepMetrics;
import org.peerkit.train.TrainListener;
import org.peerkit.train.Trainer;

/**
 * A training-loss chart that redraws in place while a run trains: a {@link TrainListener} that
 * shows an XChart once through the notebook's {@code display} and then replaces it through
 * {@code updateDisplay}, at most once per {@code every} (default 1 s, so rendering PNGs does not
 * slow training), and once more at the end. Both kernels (ours and IJava) give cells
 * {@code display(Object) → id} and {@code updateDisplay(id, Object)}; the library takes them as
 * functions so it does not depend on a kernel:
 * <pre>{@code
 * store.run(spec, LiveChart.of(o -> display(o), (id, o) -> updateDisplay(id, o)));
 * }</pre>
 * Series: the raw step loss and an exponential moving average (α = 0.1).
 */
public final class LiveChart implements TrainListener {

    private static final double EMA = 0.1;
    private final Function<Object, String> display;
    private final BiConsumer<String, Object> update;
    private final long everyNanos;
    private final XYChart chart;
    private final List<Double> steps = new ArrayList<>();
    private final List<Double> loss = new ArrayList<>();
    private final List<Double> smooth = new ArrayList<>();
    private String id;
    private long lastDraw;

    private LiveChart(Function<Object, String> display, BiConsumer<String, Object> update, Duration every) {
        this.display = display;
        this.update = update;
        this.everyNanos = every.toNanos();
        this.chart = new XYChartBuilder().width(Plots.WIDTH).height(Plots.HEIGHT).title("training loss")
                .xAxisTitle("step").yAxisTitle("loss").build();
        chart.getStyler().setMarkerSize(0).setLegendPosition(Styler.LegendPosition.InsideNE);
    }

    /** Redraws at most once a second. */
    public static LiveChart of(Function<Object, String> display, BiConsumer<String, Object> updateDisplay) {
        return of(display, updateDisplay, Duration.ofSeconds(1));
    }

    public static LiveChart of(Function<Object, String> display, BiConsumer<String, Object> updateDisplay,
            Duration every) {
        return new LiveChart(display, updateDisplay, every);
    }

    @Override
    public void onStart(Trainer t) {
        chart.setTitle("training loss (" + t.config().steps() + " steps)");
    }

    @Override
    public void onStep(Trainer t, StepMetrics m) {
        steps.add((double) m.step());
        loss.add(m.loss());
        smooth.add(smooth.isEmpty() ? m.loss() : (1 - EMA) * smooth.get(smooth.size() - 1) + EMA * m.loss());
        long now = System.nanoTime();
        if (id == null || now - lastDraw >= everyNanos) {
            draw();
            lastDraw = now;
        }
    }

    @Override
    public void onEnd(Trainer t) {
        if (!steps.isEmpty()) {
            draw();
        }
    }

    private void draw() {
        if (chart.getSeriesMap().isEmpty()) {
            chart.addSeries("loss", steps, loss);
            chart.addSeries("EMA", steps, smooth);
        } else {
            chart.updateXYSeries("loss", steps, loss, null);
            chart.updateXYSeries("EMA", steps, smooth, null);
        }
        if (id == null) {
            id = display.apply(chart);
        } else {
            update.accept(id, chart);
        }
    }

    /** The chart as drawn so far (e.g. to end a cell with it after the run). */
    public XYChart chart() {
        return chart;
    }
}
