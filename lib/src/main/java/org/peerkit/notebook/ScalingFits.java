package org.peerkit.notebook;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.peerkit.experiment.RunFlops;
import org.peerkit.experiment.RunResult;
import org.peerkit.experiment.SeedGroup;
import org.peerkit.flops.FfwKind;
import org.peerkit.stats.Bootstrap;
import org.peerkit.stats.Crossover;
import org.peerkit.stats.Interval;
import org.peerkit.stats.PowerLaw;
import org.peerkit.stats.PowerLawFit;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Scaling fits over an isoFLOP sweep: per kind, the compute-optimal validation loss at each budget
 * ({@link IsoFlopResults#optimalGroups}) fitted by L(C) = E + A·C^(−α) ({@link PowerLawFit}), with
 * bootstrap intervals over seeds, and the budget at which each sparse kind's curve is predicted to
 * cross below dense's ({@link Crossover}). The smallest published isoFLOP win of a fine-grained
 * layer over dense is near 1e17 FLOPs (Schug 2026, linear experts, isoFLOP sweeps from 1e17;
 * Krajewski et al. 2024's fitted region starts near 3e17): {@link #LITERATURE_CROSSOVER} is set
 * beside ours.
 */
public final class ScalingFits {

    /** The smallest budget with a published fine-grained isoFLOP win over dense (see the class comment). */
    public static final double LITERATURE_CROSSOVER = 1e17;
    /** Upper end of the crossover search: far beyond anything fitted here, so "beyond range" means "never, as fitted". */
    public static final double SEARCH_LIMIT = 1e24;

    private ScalingFits() {
    }

    /** Which FLOP count the x axis uses (both are in every isoFLOP table). */
    public enum Count {
        /** The paper's count, which the budgets are spent in (FlopCount). */
        PAPER,
        /** Without the embedding and the output head, as the fine-grained MoE scaling literature counts. */
        NON_EMBEDDING;

        double of(RunResult r) {
            return this == PAPER ? r.summary().flops() : RunFlops.nonEmbedding(r);
        }
    }

    /** One kind's points: the optimal configuration per budget, its FLOPs and its seeds' losses. */
    record Points(double[] c, double[][] lossBySeed) {
    }

    static Map<FfwKind, Points> points(Collection<RunResult> runs, Count count) {
        Map<FfwKind, List<SeedGroup>> by = new EnumMap<>(FfwKind.class);
        for (SeedGroup g : IsoFlopResults.optimalGroups(runs)) {
            by.computeIfAbsent(g.spec().ffw().kind(), k -> new ArrayList<>()).add(g);
        }
        Map<FfwKind, Points> out = new EnumMap<>(FfwKind.class);
        by.forEach((k, gs) -> out.put(k, new Points(gs.stream().mapToDouble(g -> mean(g, count::of)).toArray(),
                gs.stream().map(g -> g.losses(g.split())).toArray(double[][]::new))));
        return out;
    }

    private static double mean(SeedGroup g, ToDoubleFunction<RunResult> f) {
        return g.mean(f).estimate();
    }

    /** Per kind: budgets, E, A and α with their 95 % bootstrap intervals (over seeds), and the law. */
    public static Table fits(Collection<RunResult> runs, Count count) {
        Table t = Table.create("L(C) = E + A·C^(-α) per kind (" + count.name().toLowerCase(Locale.ROOT).replace('_', '-')
                + " FLOPs)", StringColumn.create("kind"), IntColumn.create("budgets"), IntColumn.create("seeds"),
                DoubleColumn.create("E"), StringColumn.create("E (95 % bootstrap)"), DoubleColumn.create("α"),
                StringColumn.create("α (95 % bootstrap)"), StringColumn.create("A (95 % bootstrap)"),
                StringColumn.create("law"));
        points(runs, count).forEach((k, p) -> {
            PowerLawFit.Result r;
            try {
                r = PowerLawFit.bootstrap(p.c(), p.lossBySeed(), Bootstrap.REPLICATES);
            } catch (IllegalStateException e) {
                // points no saturating power law fits (e.g. loss flat or rising with budget): say so in the row
                appendFailed(t, k, p, e.getMessage());
                return;
            }
            t.stringColumn("kind").append(k.id());
            t.intColumn("budgets").append(p.c().length);
            t.intColumn("seeds").append(Arrays.stream(p.lossBySeed()).mapToInt(s -> s.length).min().orElse(0));
            t.doubleColumn("E").append(r.law().e());
            t.stringColumn("E (95 % bootstrap)").append(r.e().format(3));
            t.doubleColumn("α").append(r.law().alpha());
            t.stringColumn("α (95 % bootstrap)").append(r.alpha().format(4));
            t.stringColumn("A (95 % bootstrap)").append(r.a().bounded() ? String.format(Locale.ROOT, "%.3g [%.3g, %.3g]",
                    r.law().a(), r.a().low(), r.a().high()) : String.format(Locale.ROOT, "%.3g (no interval)", r.law().a()));
            t.stringColumn("law").append(r.law().toString());
        });
        return t;
    }

    private static void appendFailed(Table t, FfwKind k, Points p, String why) {
        t.stringColumn("kind").append(k.id());
        t.intColumn("budgets").append(p.c().length);
        t.intColumn("seeds").append(Arrays.stream(p.lossBySeed()).mapToInt(s -> s.length).min().orElse(0));
        t.doubleColumn("E").appendMissing();
        t.stringColumn("E (95 % bootstrap)").append("");
        t.doubleColumn("α").appendMissing();
        t.stringColumn("α (95 % bootstrap)").append("");
        t.stringColumn("A (95 % bootstrap)").append("");
        t.stringColumn("law").append("no fit: " + why);
    }

    /**
     * Each sparse kind against dense: the budget where its fitted curve drops below dense's, with
     * its 95 % bootstrap interval and the share of replicates that cross at all, beside the
     * literature's ~1e17.
     */
    public static Table crossovers(Collection<RunResult> runs, Count count) {
        Map<FfwKind, Points> ps = points(runs, count);
        Points dense = ps.get(FfwKind.DENSE);
        if (dense == null) {
            throw new IllegalArgumentException("no dense runs: the crossover is against dense's curve");
        }
        Table t = Table.create("where each kind's fitted curve crosses below dense's (" + count.name().toLowerCase(Locale.ROOT)
                .replace('_', '-') + " FLOPs)", StringColumn.create("kind"), DoubleColumn.create("crossover FLOPs"),
                StringColumn.create("crossover (95 % bootstrap)"), DoubleColumn.create("share of replicates crossing"),
                StringColumn.create("literature"));
        double lo = Arrays.stream(dense.c()).min().orElseThrow();
        String denseFails = null;
        try {
            PowerLawFit.fit(dense.c(), Arrays.stream(dense.lossBySeed()).mapToDouble(s -> Arrays.stream(s).average()
                    .orElseThrow()).toArray());
        } catch (IllegalStateException e) {
            denseFails = "dense has no fit: " + e.getMessage();
        }
        String denseError = denseFails;
        ps.forEach((k, p) -> {
            if (k != FfwKind.DENSE && denseError != null) {
                t.stringColumn("kind").append(k.id());
                t.doubleColumn("crossover FLOPs").appendMissing();
                t.stringColumn("crossover (95 % bootstrap)").append(denseError);
                t.doubleColumn("share of replicates crossing").appendMissing();
                t.stringColumn("literature").append("~1e17 (smallest published fine-grained isoFLOP win)");
            } else if (k != FfwKind.DENSE) {
                t.stringColumn("kind").append(k.id());
                try {
                    Crossover x = Crossover.bootstrap(p.c(), p.lossBySeed(), dense.c(), dense.lossBySeed(), lo,
                            SEARCH_LIMIT, Bootstrap.REPLICATES / 4);
                    t.doubleColumn("crossover FLOPs").append(x.budget());
                    t.stringColumn("crossover (95 % bootstrap)").append(x.format());
                    t.doubleColumn("share of replicates crossing").append(x.shareOvertaking());
                } catch (IllegalStateException e) {
                    t.doubleColumn("crossover FLOPs").appendMissing();
                    t.stringColumn("crossover (95 % bootstrap)").append(k.id() + " has no fit: " + e.getMessage());
                    t.doubleColumn("share of replicates crossing").appendMissing();
                }
                t.stringColumn("literature").append("~1e17 (smallest published fine-grained isoFLOP win)");
            }
        });
        return t;
    }

    /**
     * Loss against FLOPs (log x): each kind's optimal points with seed error bars and its fitted
     * curve drawn from the smallest budget to {@code extrapolateTo}, and a vertical line at the
     * literature's crossover.
     */
    public static XYChart chart(Collection<RunResult> runs, Count count, double extrapolateTo) {
        XYChart c = new XYChartBuilder().width(Plots.WIDTH).height(Plots.HEIGHT).title("compute-optimal loss vs FLOPs,"
                + " fitted and extrapolated").xAxisTitle(count.name().toLowerCase(Locale.ROOT).replace('_', '-') + " training FLOPs")
                .yAxisTitle("validation loss (nats)").build();
        c.getStyler().setXAxisLogarithmic(true).setLegendPosition(Styler.LegendPosition.OutsideE);
        double lo = Double.POSITIVE_INFINITY;
        double yLo = Double.POSITIVE_INFINITY;
        double yHi = Double.NEGATIVE_INFINITY;
        for (Map.Entry<FfwKind, Points> e : points(runs, count).entrySet()) {
            Points p = e.getValue();
            double[] y = Arrays.stream(p.lossBySeed()).mapToDouble(s -> Arrays.stream(s).average()
                    .orElseThrow()).toArray();
            double[] bars = Arrays.stream(p.lossBySeed()).mapToDouble(s -> s.length < 2 ? 0
                    : Interval.studentT(s).halfWidth()).toArray();
            c.addSeries(e.getKey().id(), p.c(), y, bars).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            lo = Math.min(lo, Arrays.stream(p.c()).min().orElseThrow());
            PowerLaw law;
            try {
                law = PowerLawFit.fit(p.c(), y);
            } catch (IllegalStateException ex) {
                continue;   // the fits table says why
            }
            double[] xs = new double[60];
            double[] ys = new double[60];
            double from = Arrays.stream(p.c()).min().orElseThrow();
            for (int i = 0; i < xs.length; i++) {
                xs[i] = from * Math.pow(extrapolateTo / from, i / (xs.length - 1.0));
                ys[i] = law.at(xs[i]);
                yLo = Math.min(yLo, ys[i]);
                yHi = Math.max(yHi, ys[i]);
            }
            c.addSeries(e.getKey().id() + " fit", xs, ys).setMarker(SeriesMarkers.NONE);
        }
        if (extrapolateTo >= LITERATURE_CROSSOVER && lo <= LITERATURE_CROSSOVER) {
            c.addSeries("literature ~1e17", new double[] {LITERATURE_CROSSOVER, LITERATURE_CROSSOVER},
                    new double[] {yLo, yHi}).setMarker(SeriesMarkers.NONE).setLineColor(Color.GRAY)
                    .setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                            new float[] {8f, 6f}, 0f));
        }
        return c;
    }
}
