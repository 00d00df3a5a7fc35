package org.peerkit.notebook;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.knowm.xchart.XYChart;
import org.peerkit.experiment.BracketedIsoFlop;
import org.peerkit.experiment.Budget;
import org.peerkit.experiment.RunFlops;
import org.peerkit.experiment.RunResult;
import org.peerkit.experiment.SeedGroup;
import org.peerkit.flops.FfwKind;
import org.peerkit.flops.IsoFlopPlanner;
import org.peerkit.stats.Interval;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Finished runs of an isoFLOP sweep (paper §3.1, Fig. 1, Table 1), read budget by budget: one
 * curve of perplexity against total parameters per FFW kind, and each kind's compute-optimal run
 * (the lowest mean loss over seeds on the first evaluation split) with its perplexity on every set.
 * Runs that differ only in their seed are one point ({@link SeedGroup}).
 */
public final class IsoFlopResults {

    private IsoFlopResults() {
    }

    /** The distinct FLOP budgets of {@code runs}, ascending (runs with a token budget are left out). */
    public static List<Double> budgets(Collection<RunResult> runs) {
        Set<Double> b = new TreeSet<>();
        for (RunResult r : runs) {
            if (r.spec().budget().unit() == Budget.Unit.FLOPS) {
                b.add(r.spec().budget().amount());
            }
        }
        return List.copyOf(b);
    }

    /** The runs trained at {@code budget} FLOPs. */
    public static List<RunResult> at(Collection<RunResult> runs, double budget) {
        return runs.stream().filter(r -> r.spec().budget().equals(Budget.flops(budget))).toList();
    }

    /**
     * Our Fig. 1 at one budget: perplexity on the runs' first evaluation split against total
     * parameters (log axis), one curve per kind, each point the mean over its seeds with its 95 %
     * interval as an error bar, each curve's minimum marked.
     */
    public static XYChart chart(Collection<RunResult> runs, double budget) {
        List<RunResult> at = at(runs, budget);
        if (at.isEmpty()) {
            throw new IllegalArgumentException("no run at " + IsoFlopPlanner.sci(budget) + " FLOPs; budgets here: "
                    + budgets(runs).stream().map(IsoFlopPlanner::sci).toList());
        }
        Map<String, List<double[]>> by = new LinkedHashMap<>();
        for (FfwKind k : FfwKind.values()) {
            for (SeedGroup g : SeedGroup.of(at)) {
                if (g.spec().ffw().kind() == k) {
                    Interval ppl = g.perplexity();
                    double bar = ppl.bounded() ? Math.max(ppl.high() - ppl.estimate(), ppl.estimate() - ppl.low()) : 0;
                    by.computeIfAbsent(k.id(), x -> new ArrayList<>())
                            .add(new double[] {g.first().summary().totalParams(), ppl.estimate(), bar});
                }
            }
        }
        Map<String, double[][]> curves = new LinkedHashMap<>();
        by.forEach((k, v) -> curves.put(k, v.toArray(new double[0][])));
        String split = at.get(0).spec().data().evalSplits().get(0).id();
        XYChart c = Plots.isoFlop("ours, " + IsoFlopPlanner.sci(budget) + " FLOPs", split + " perplexity", curves);
        // XChart labels a log axis at powers of ten only: a ladder inside one decade would show no labels
        double lo = at.stream().mapToDouble(r -> r.summary().totalParams()).min().getAsDouble();
        double hi = at.stream().mapToDouble(r -> r.summary().totalParams()).max().getAsDouble();
        if (hi < 10 * lo) {
            c.getStyler().setXAxisLogarithmic(false);
        }
        return c;
    }

    /**
     * The compute-optimal configuration of each kind at each budget: the rung with the lowest mean
     * loss over its seeds on the first split; budget ascending, kinds in {@link FfwKind} order.
     */
    public static List<SeedGroup> optimalGroups(Collection<RunResult> runs) {
        List<SeedGroup> out = new ArrayList<>();
        for (double b : budgets(runs)) {
            List<SeedGroup> groups = SeedGroup.of(at(runs, b));
            for (FfwKind k : FfwKind.values()) {
                groups.stream().filter(g -> g.spec().ffw().kind() == k)
                        .min(Comparator.comparingDouble(g -> g.loss().estimate())).ifPresent(out::add);
            }
        }
        return out;
    }

    /** The lowest-seed run of each {@link #optimalGroups optimal configuration} (with one seed: the best run). */
    public static List<RunResult> optima(Collection<RunResult> runs) {
        return optimalGroups(runs).stream().map(SeedGroup::first).toList();
    }

    /**
     * Our Table 1: one row per budget and kind, the compute-optimal configuration's shape,
     * parameters and tokens, the paper's and the non-embedding training FLOPs it spent, its seeds,
     * its perplexity on every evaluation split ({@code <split> ppl}: e^mean loss over seeds, and
     * {@code <split> ppl (95 % t)}), and how it compares with dense's optimum at the same budget
     * (paired by seed on the first split; "significant" only by the paired t-test at 95 %).
     */
    public static Table table(Collection<RunResult> runs) {
        List<SeedGroup> best = optimalGroups(runs);
        Set<String> splits = new LinkedHashSet<>();
        best.forEach(g -> splits.addAll(g.first().summary().evalLoss().keySet()));
        Table t = Table.create("our Table 1: perplexity of the isoFLOP-optimal models", StringColumn.create("budget"),
                StringColumn.create("kind"), StringColumn.create("ffw"), IntColumn.create("d_model"),
                IntColumn.create("layers"), LongColumn.create("total_params"), LongColumn.create("active_params"),
                LongColumn.create("tokens"), DoubleColumn.create("flops"), DoubleColumn.create("nonemb_flops"),
                IntColumn.create("seeds"));
        for (String s : splits) {
            t.addColumns(DoubleColumn.create(s + " ppl"), StringColumn.create(s + " ppl (95 % t)"));
        }
        t.addColumns(StringColumn.create("vs dense"));
        for (SeedGroup g : best) {
            RunResult r = g.first();
            t.stringColumn("budget").append(IsoFlopPlanner.sci(r.spec().budget().amount()));
            t.stringColumn("kind").append(r.spec().ffw().kind().id());
            t.stringColumn("ffw").append(r.spec().ffw().label());
            t.intColumn("d_model").append(r.spec().model().dModel());
            t.intColumn("layers").append(r.spec().model().nLayers());
            t.longColumn("total_params").append(r.summary().totalParams());
            t.longColumn("active_params").append(r.summary().activeParams());
            t.longColumn("tokens").append(r.summary().tokens());
            t.doubleColumn("flops").append(r.summary().flops());
            t.doubleColumn("nonemb_flops").append(RunFlops.nonEmbedding(r));
            t.intColumn("seeds").append(g.runs().size());
            for (String s : splits) {
                appendSplit(t, g, s);
            }
            t.stringColumn("vs dense").append(versusDense(g, best));
        }
        return t;
    }

    private static void appendSplit(Table t, SeedGroup g, String split) {
        if (!g.first().summary().evalLoss().containsKey(split)) {
            t.doubleColumn(split + " ppl").appendMissing();
            t.stringColumn(split + " ppl (95 % t)").append("");
            return;
        }
        Interval ppl = g.perplexity(split);
        t.doubleColumn(split + " ppl").append(Math.round(ppl.estimate() * 100) / 100.0);
        t.stringColumn(split + " ppl (95 % t)").append(ppl.format(2));
    }

    /** The paired verdict of {@code g} against dense's optimum at its budget ("" for dense itself or without one). */
    private static String versusDense(SeedGroup g, List<SeedGroup> best) {
        if (g.spec().ffw().kind() == FfwKind.DENSE) {
            return "";
        }
        return best.stream().filter(d -> d.spec().ffw().kind() == FfwKind.DENSE
                        && d.spec().budget().equals(g.spec().budget()))
                .findFirst().map(d -> g.compare(d).verdict(g.spec().ffw().kind().id(), "dense", 3)
                        .replace(" lower than ", " better than ").replace(" higher than ", " worse than "))
                .orElse("");
    }

    /**
     * How each ladder of a {@link BracketedIsoFlop} run ended: budget, kind, the rungs trained, the
     * optimum, bracketed or not (with the reason), and whether the loss rise to each side of the
     * optimum survives a paired comparison across seeds ("left rise", "right rise").
     */
    public static Table brackets(List<BracketedIsoFlop.Outcome> outcomes, Collection<RunResult> runs) {
        Table t = Table.create("isoFLOP ladders: is the optimum inside?", StringColumn.create("budget"),
                StringColumn.create("kind"), StringColumn.create("d_model rungs"), IntColumn.create("optimum d_model"),
                StringColumn.create("status"), StringColumn.create("left rise"), StringColumn.create("right rise"),
                StringColumn.create("why"));
        for (BracketedIsoFlop.Outcome o : outcomes) {
            t.stringColumn("budget").append(IsoFlopPlanner.sci(o.budget()));
            t.stringColumn("kind").append(o.kind().id());
            t.stringColumn("d_model rungs").append(o.widths().toString());
            t.intColumn("optimum d_model").append(o.decision().optimum());
            t.stringColumn("status").append(o.decision().status().name().toLowerCase(Locale.ROOT));
            Map<Integer, SeedGroup> byWidth = new TreeMap<>();
            SeedGroup.of(at(runs, o.budget())).stream().filter(g -> g.spec().ffw().kind() == o.kind())
                    .forEach(g -> byWidth.put(g.spec().model().dModel(), g));
            t.stringColumn("left rise").append(rise(byWidth, o.decision().optimum(), -1));
            t.stringColumn("right rise").append(rise(byWidth, o.decision().optimum(), +1));
            t.stringColumn("why").append(o.decision().reason());
        }
        return t;
    }

    /** The paired verdict of the neighbour rung on {@code side} (−1 narrower, +1 wider) against the optimum. */
    private static String rise(Map<Integer, SeedGroup> byWidth, int optimum, int side) {
        List<Integer> ws = new ArrayList<>(byWidth.keySet());
        int i = ws.indexOf(optimum);
        int j = i + side;
        if (i < 0 || j < 0 || j >= ws.size()) {
            return "no rung";
        }
        return byWidth.get(ws.get(j)).compare(byWidth.get(optimum)).verdict("d=" + ws.get(j), "d=" + optimum, 3);
    }

    /**
     * The kinds at one budget ordered by their optimum's perplexity on the first split (e^mean loss
     * over seeds), best first: "peer 154.4 < moe 160.2 < …". The order of two kinds whose paired
     * comparison is not significant is not a finding: read {@link #table}'s "vs dense" column.
     */
    public static String ordering(Collection<RunResult> runs, double budget) {
        return optimalGroups(at(runs, budget)).stream().sorted(Comparator.comparingDouble(g -> g.loss().estimate()))
                .map(g -> String.format(Locale.ROOT, "%s %.1f", g.spec().ffw().kind().id(), g.perplexity().estimate()))
                .reduce((a, b) -> a + " < " + b).orElse("");
    }
}
