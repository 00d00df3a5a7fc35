package org.peerkit.notebook;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;

/**
 * The line charts of the paper's Fig. 3 (§3.3), for a {@link Fig3Tables} table of ours or of the
 * paper's: (a) perplexity against the number of experts N on a log axis, with the dense reference
 * as a horizontal line; (b) perplexity against the number of active experts h·k, one line per
 * number of heads h. Where the table has interval columns (several seeds), each point carries
 * its 95 % interval as an error bar.
 */
public final class Fig3Plots {

    private Fig3Plots() {
    }

    /**
     * Fig. 3a: {@code pplColumn} against column "N" (log x); rows with N = 0 (the dense reference)
     * are drawn as a dashed horizontal line across the PEER points instead.
     */
    public static XYChart versusExperts(String title, Table t, String pplColumn) {
        NumericColumn<?> n = (NumericColumn<?>) t.column("N");
        NumericColumn<?> ppl = (NumericColumn<?>) t.column(pplColumn);
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        List<Double> errs = new ArrayList<>();
        Double dense = null;
        for (int r = 0; r < t.rowCount(); r++) {
            if (n.getDouble(r) == 0) {
                dense = ppl.getDouble(r);
            } else {
                xs.add(n.getDouble(r));
                ys.add(ppl.getDouble(r));
                errs.add(errorBar(t, pplColumn, r));
            }
        }
        if (xs.isEmpty()) {
            throw new IllegalArgumentException("table '" + t.name() + "' has no row with N > 0: nothing to plot against N");
        }
        XYChart c = new XYChartBuilder().width(Plots.WIDTH).height(Plots.HEIGHT).title(title)
                .xAxisTitle("number of experts N (log)").yAxisTitle(pplColumn).build();
        c.getStyler().setXAxisLogarithmic(true).setLegendPosition(Styler.LegendPosition.OutsideE);
        c.addSeries("PEER", xs, ys, errs).setMarker(SeriesMarkers.CIRCLE);
        if (dense != null) {
            double lo = xs.stream().mapToDouble(Double::doubleValue).min().getAsDouble();
            double hi = xs.stream().mapToDouble(Double::doubleValue).max().getAsDouble();
            XYSeries d = c.addSeries("dense reference", new double[] {lo, hi}, new double[] {dense, dense});
            d.setMarker(SeriesMarkers.NONE).setLineColor(Color.GRAY)
                    .setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                            new float[] {8f, 6f}, 0f));
        }
        return c;
    }

    /** Fig. 3b: {@code pplColumn} against column "h·k" (log₂ spacing), one line per value of column "heads". */
    public static XYChart versusActive(String title, Table t, String pplColumn) {
        NumericColumn<?> heads = (NumericColumn<?>) t.column("heads");
        NumericColumn<?> hk = (NumericColumn<?>) t.column("h·k");
        NumericColumn<?> ppl = (NumericColumn<?>) t.column(pplColumn);
        TreeMap<Integer, TreeMap<Double, double[]>> byHeads = new TreeMap<>();
        for (int r = 0; r < t.rowCount(); r++) {
            byHeads.computeIfAbsent((int) heads.getDouble(r), h -> new TreeMap<>())
                    .put(hk.getDouble(r), new double[] {ppl.getDouble(r), errorBar(t, pplColumn, r)});
        }
        XYChart c = new XYChartBuilder().width(Plots.WIDTH).height(Plots.HEIGHT).title(title)
                .xAxisTitle("active experts h·k (log)").yAxisTitle(pplColumn).build();
        c.getStyler().setXAxisLogarithmic(true).setLegendPosition(Styler.LegendPosition.OutsideE);
        byHeads.forEach((h, pts) -> c.addSeries("h=" + h, new ArrayList<>(pts.keySet()),
                pts.values().stream().map(v -> v[0]).toList(), pts.values().stream().map(v -> v[1]).toList())
                .setMarker(SeriesMarkers.CIRCLE));
        return c;
    }

    /**
     * The error bar of row {@code r}: the larger side of its 95 % interval ({@code <column> lo} and
     * {@code <column> hi}, as {@link Fig3Tables} writes them), 0 where the table has none. XChart
     * draws symmetric bars; a perplexity interval is e^(loss interval) and so slightly longer
     * above, and taking the larger side keeps the bar from understating it.
     */
    static double errorBar(Table t, String column, int r) {
        if (!t.containsColumn(column + " lo") || !t.containsColumn(column + " hi")) {
            return 0;
        }
        NumericColumn<?> lo = (NumericColumn<?>) t.column(column + " lo");
        NumericColumn<?> hi = (NumericColumn<?>) t.column(column + " hi");
        if (lo.isMissing(r) || hi.isMissing(r)) {
            return 0;
        }
        double y = ((NumericColumn<?>) t.column(column)).getDouble(r);
        return Math.max(hi.getDouble(r) - y, y - lo.getDouble(r));
    }
}
