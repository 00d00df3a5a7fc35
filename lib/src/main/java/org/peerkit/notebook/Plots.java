package org.peerkit.notebook;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.peerkit.experiment.RunResult;
import org.peerkit.flops.IsoFlopPlanner;
import org.peerkit.flops.PaperFig1;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;

/**
 * XChart figures a notebook cell ends with (the kernel shows them as PNG through
 * {@link Renderers}): isoFLOP curves, loss curves, ablation grids, expert-usage heatmaps, bars.
 * Each returns a ready chart; style it further with {@code chart.getStyler()} if needed.
 */
public final class Plots {

    static final int WIDTH = 720;
    static final int HEIGHT = 440;
    /** Widest side of an expert-usage heatmap: larger grids are summed into blocks (a 1024² grid has 1M cells). */
    static final int MAX_HEATMAP_SIDE = 64;

    private Plots() {
    }

    /**
     * isoFLOP curves (paper Fig. 1): x = total parameters (log), y = loss, one series per method,
     * each series' minimum marked by a separate "min" point series.
     *
     * @param curves method → (params, loss) points, in any order; a point {params, loss, bar}
     *     also carries an error bar (e.g. the larger side of a 95 % interval over seeds)
     */
    public static XYChart isoFlop(String title, String yTitle, Map<String, double[][]> curves) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("total parameters")
                .yAxisTitle(yTitle).build();
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        double[] minX = new double[curves.size()];
        double[] minY = new double[curves.size()];
        int i = 0;
        for (Map.Entry<String, double[][]> e : curves.entrySet()) {
            double[][] pts = e.getValue().clone();
            Arrays.sort(pts, (a, b) -> Double.compare(a[0], b[0]));
            double[] x = new double[pts.length];
            double[] y = new double[pts.length];
            double[] bars = new double[pts.length];
            int best = 0;
            for (int p = 0; p < pts.length; p++) {
                x[p] = pts[p][0];
                y[p] = pts[p][1];
                bars[p] = pts[p].length > 2 ? pts[p][2] : 0;
                best = y[p] < y[best] ? p : best;
            }
            c.addSeries(e.getKey(), x, y, bars).setMarker(SeriesMarkers.CIRCLE);
            minX[i] = x[best];
            minY[i] = y[best];
            i++;
        }
        XYSeries mins = c.addSeries("min", minX, minY);
        mins.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter).setMarker(SeriesMarkers.DIAMOND)
                .setMarkerColor(Color.BLACK);
        return c;
    }

    /** isoFLOP curves of finished runs: validation loss (first eval split) against total parameters, per FFW kind. */
    public static XYChart isoFlop(Collection<RunResult> runs) {
        Map<String, List<double[]>> by = new LinkedHashMap<>();
        for (RunResult r : runs) {
            by.computeIfAbsent(r.spec().ffw().kind().id(), k -> new ArrayList<>())
                    .add(new double[] {r.summary().totalParams(), Math.log(r.perplexity())});
        }
        Map<String, double[][]> curves = new LinkedHashMap<>();
        by.forEach((k, v) -> curves.put(k, v.toArray(new double[0][])));
        return isoFlop("isoFLOP curves", "eval loss", curves);
    }

    /** The paper's Fig. 1 curves at one budget (6e18 or 2e19), digitised: C4 perplexity against total parameters. */
    public static XYChart paperFig1(double budget) {
        Map<String, List<double[]>> by = new LinkedHashMap<>();
        for (PaperFig1.Point p : PaperFig1.points()) {
            if (p.budget() == budget) {
                by.computeIfAbsent(p.kind().id(), k -> new ArrayList<>()).add(new double[] {p.params(), p.c4Perplexity()});
            }
        }
        if (by.isEmpty()) {
            throw new IllegalArgumentException("Fig. 1 has curves at 6e18 and 2e19 FLOPs, not at " + budget);
        }
        Map<String, double[][]> curves = new LinkedHashMap<>();
        by.forEach((k, v) -> curves.put(k, v.toArray(new double[0][])));
        return isoFlop("paper Fig. 1, " + IsoFlopPlanner.sci(budget) + " FLOPs", "C4 perplexity",
                curves);
    }

    /** Training loss against tokens, one series per run (labelled by FFW and width). */
    public static XYChart lossCurves(Collection<RunResult> runs) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("training loss").xAxisTitle("tokens")
                .yAxisTitle("loss").build();
        c.getStyler().setMarkerSize(0).setLegendPosition(Styler.LegendPosition.OutsideE);
        for (RunResult r : runs) {
            Table m = r.metrics();
            c.addSeries(uniqueName(c, r.label()), ((NumericColumn<?>) m.column("tokens")).asDoubleArray(),
                    ((NumericColumn<?>) m.column("loss")).asDoubleArray());
        }
        return c;
    }

    /**
     * An ablation grid (e.g. Fig. 3b: active experts h·k by heads h) as a heatmap with the values
     * written in the cells.
     */
    public static HeatMapChart ablationGrid(Table results, String xColumn, String yColumn, String valueColumn) {
        List<String> xs = distinct(results, xColumn);
        List<String> ys = distinct(results, yColumn);
        List<Number[]> cells = new ArrayList<>();
        NumericColumn<?> v = (NumericColumn<?>) results.column(valueColumn);
        for (int r = 0; r < results.rowCount(); r++) {
            if (!v.isMissing(r)) {
                cells.add(new Number[] {xs.indexOf(results.column(xColumn).getString(r)),
                    ys.indexOf(results.column(yColumn).getString(r)), v.getDouble(r)});
            }
        }
        HeatMapChart c = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT).title(valueColumn + " by " + xColumn
                + " and " + yColumn).xAxisTitle(xColumn).yAxisTitle(yColumn).build();
        c.getStyler().setShowValue(true).setHeatMapValueDecimalPattern("0.00");
        c.addSeries(valueColumn, xs, ys, cells);
        return c;
    }

    /**
     * Expert usage of a product-key layer: per-expert hit counts laid out on the √N × √N grid of
     * the two sub-key indices (expert i = row·√N + column), summed into blocks when √N is larger
     * than {@value #MAX_HEATMAP_SIDE}. Dead experts show as the lowest colour.
     */
    public static HeatMapChart expertUsage(String title, double[] hitsPerExpert) {
        int side = (int) Math.round(Math.sqrt(hitsPerExpert.length));
        if ((long) side * side != hitsPerExpert.length) {
            throw new IllegalArgumentException("hitsPerExpert has " + hitsPerExpert.length + " entries, not a perfect"
                    + " square: pass one count per expert of a product-key layer (N = n²)");
        }
        int block = (side + MAX_HEATMAP_SIDE - 1) / MAX_HEATMAP_SIDE;
        int cellsPerSide = (side + block - 1) / block;
        double[][] grid = new double[cellsPerSide][cellsPerSide];
        for (int i = 0; i < hitsPerExpert.length; i++) {
            grid[(i / side) / block][(i % side) / block] += hitsPerExpert[i];
        }
        List<Integer> axis = new ArrayList<>();
        for (int i = 0; i < cellsPerSide; i++) {
            axis.add(i * block);
        }
        List<Number[]> cells = new ArrayList<>();
        for (int r = 0; r < cellsPerSide; r++) {
            for (int col = 0; col < cellsPerSide; col++) {
                cells.add(new Number[] {col, r, grid[r][col]});
            }
        }
        String unit = block == 1 ? "" : " (blocks of " + block + "×" + block + " experts)";
        HeatMapChart c = new HeatMapChartBuilder().width(WIDTH).height(WIDTH).title(title + unit)
                .xAxisTitle("second sub-key").yAxisTitle("first sub-key").build();
        c.getStyler().setShowValue(false);
        c.getStyler().setXAxisTicksVisible(cellsPerSide <= 16);
        c.getStyler().setYAxisTicksVisible(cellsPerSide <= 16);
        c.addSeries("hits", axis, axis, cells);
        return c;
    }

    /** {@link #expertUsage(String, double[])} of hit counts, e.g. {@code RoutingStats.hits()}. */
    public static HeatMapChart expertUsage(String title, long[] hitsPerExpert) {
        double[] d = new double[hitsPerExpert.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = hitsPerExpert[i];
        }
        return expertUsage(title, d);
    }

    /** Bars of one numeric column by a label column (e.g. perplexity per method). */
    public static CategoryChart bars(Table t, String labelColumn, String valueColumn) {
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(valueColumn + " by " + labelColumn)
                .xAxisTitle(labelColumn).yAxisTitle(valueColumn).build();
        c.getStyler().setLegendVisible(false);
        List<String> labels = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        NumericColumn<?> v = (NumericColumn<?>) t.column(valueColumn);
        for (int r = 0; r < t.rowCount(); r++) {
            labels.add(t.column(labelColumn).getString(r));
            values.add(v.getDouble(r));
        }
        c.addSeries(valueColumn, labels, values);
        return c;
    }

    private static List<String> distinct(Table t, String column) {
        List<String> out = new ArrayList<>();
        for (int r = 0; r < t.rowCount(); r++) {
            String s = t.column(column).getString(r);
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    private static String uniqueName(XYChart c, String name) {
        String n = name;
        for (int i = 2; c.getSeriesMap().containsKey(n); i++) {
            n = name + " #" + i;
        }
        return n;
    }
}
