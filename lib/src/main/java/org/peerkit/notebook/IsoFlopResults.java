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
import java.util.TreeSet;
import org.knowm.xchart.XYChart;
import org.peerkit.experiment.Budget;
import org.peerkit.experiment.RunResult;
import org.peerkit.flops.FfwKind;
import org.peerkit.flops.IsoFlopPlanner;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Finished runs of an isoFLOP sweep (paper §3.1, Fig. 1, Table 1), read budget by budget: one
 * curve of perplexity against total parameters per FFW kind, and each kind's compute-optimal run
 * (the lowest perplexity on the first evaluation split) with its perplexity on every set.
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
     * parameters (log axis), one curve per kind, each curve's minimum marked.
     */
    public static XYChart chart(Collection<RunResult> runs, double budget) {
        List<RunResult> at = at(runs, budget);
        if (at.isEmpty()) {
            throw new IllegalArgumentException("no run at " + IsoFlopPlanner.sci(budget) + " FLOPs; budgets here: "
                    + budgets(runs).stream().map(IsoFlopPlanner::sci).toList());
        }
        Map<String, List<double[]>> by = new LinkedHashMap<>();
        for (FfwKind k : FfwKind.values()) {
            for (RunResult r : at) {
                if (r.spec().ffw().kind() == k) {
                    by.computeIfAbsent(k.id(), x -> new ArrayList<>())
                            .add(new double[] {r.summary().totalParams(), r.perplexity()});
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

    /** The compute-optimal run of each kind at each budget: budget ascending, kinds in {@link FfwKind} order. */
    public static List<RunResult> optima(Collection<RunResult> runs) {
        List<RunResult> out = new ArrayList<>();
        for (double b : budgets(runs)) {
            for (FfwKind k : FfwKind.values()) {
                at(runs, b).stream().filter(r -> r.spec().ffw().kind() == k)
                        .min(Comparator.comparingDouble(RunResult::perplexity)).ifPresent(out::add);
            }
        }
        return out;
    }

    /**
     * Our Table 1: one row per budget and kind, the compute-optimal run's shape, parameters and
     * tokens, and its perplexity on every evaluation split ({@code <split> ppl}).
     */
    public static Table table(Collection<RunResult> runs) {
        List<RunResult> best = optima(runs);
        Set<String> splits = new LinkedHashSet<>();
        best.forEach(r -> splits.addAll(r.summary().evalLoss().keySet()));
        Table t = Table.create("our Table 1: perplexity of the isoFLOP-optimal models", StringColumn.create("budget"),
                StringColumn.create("kind"), StringColumn.create("ffw"), IntColumn.create("d_model"),
                IntColumn.create("layers"), LongColumn.create("total_params"), LongColumn.create("active_params"),
                LongColumn.create("tokens"));
        for (String s : splits) {
            t.addColumns(DoubleColumn.create(s + " ppl"));
        }
        for (RunResult r : best) {
            t.stringColumn("budget").append(IsoFlopPlanner.sci(r.spec().budget().amount()));
            t.stringColumn("kind").append(r.spec().ffw().kind().id());
            t.stringColumn("ffw").append(r.spec().ffw().label());
            t.intColumn("d_model").append(r.spec().model().dModel());
            t.intColumn("layers").append(r.spec().model().nLayers());
            t.longColumn("total_params").append(r.summary().totalParams());
            t.longColumn("active_params").append(r.summary().activeParams());
            t.longColumn("tokens").append(r.summary().tokens());
            for (String s : splits) {
                Double l = r.summary().evalLoss().get(s);
                if (l == null) {
                    t.doubleColumn(s + " ppl").appendMissing();
                } else {
                    t.doubleColumn(s + " ppl").append(Math.round(Math.exp(l) * 100) / 100.0);
                }
            }
        }
        return t;
    }

    /** The kinds at one budget ordered by their optimum's perplexity on the first split, best first: "peer < moe < …". */
    public static String ordering(Collection<RunResult> runs, double budget) {
        return optima(at(runs, budget)).stream().sorted(Comparator.comparingDouble(RunResult::perplexity))
                .map(r -> String.format(Locale.ROOT, "%s %.1f", r.spec().ffw().kind().id(), r.perplexity()))
                .reduce((a, b) -> a + " < " + b).orElse("");
    }
}
