package org.peerkit.notebook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import org.peerkit.experiment.RunResult;
import org.peerkit.ffw.RoutingStats;
import org.peerkit.flops.FfwSpec;
import org.peerkit.flops.PaperTable2;
import org.peerkit.stats.Interval;
import org.peerkit.stats.Paired;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * The paper's Table 2 laid beside ours (query BatchNorm ablation, §3.3): one row per PEER
 * configuration (N, BN), averaged over its seeds, N ascending and BN off before on, with our
 * perplexity on the first evaluation split, usage and unevenness (each with its 95 % t interval
 * over seeds), and the paper's numbers for the N of the same rank (our smallest N beside the
 * paper's 16k, the next beside 65k, ...: our N are far smaller, so only the direction of a trend
 * compares). {@link #effects} tests BN on against off at each N, paired by seed.
 */
public final class QueryBnTable {

    private QueryBnTable() {
    }

    /** One seed's run of one (N, BN) configuration, with its routing statistics. */
    private record Arm(RunResult run, RoutingStats stats) {
        FfwSpec.Peer peer() {
            return (FfwSpec.Peer) run.spec().ffw();
        }

        double loss() {
            return run.summary().evalLoss().values().iterator().next();
        }
    }

    /**
     * @param runs finished PEER runs (any number of seeds per configuration)
     * @param stats the routing statistics of each run's PEER layer (same order), e.g. from
     *     {@code RunRouting.of(run, Split.VALID, batches).get(0)}
     */
    public static Table of(List<RunResult> runs, List<RoutingStats> stats) {
        Map<String, TreeMap<Long, Arm>> groups = groups(runs, stats);
        List<Integer> rank = new ArrayList<>(new TreeSet<>(groups.values().stream()
                .map(g -> g.firstEntry().getValue().peer().experts()).toList()));
        List<PaperTable2.Column> paper = PaperTable2.columns();
        Table t = Table.create("Table 2: expert usage and unevenness, ours beside the paper's",
                IntColumn.create("N"), BooleanColumn.create("BN"));
        IntervalCells.addSeeds(t);
        IntervalCells.add(t, "ppl");
        IntervalCells.add(t, "usage %");
        IntervalCells.add(t, "unevenness");
        t.addColumns(StringColumn.create("paper N"), DoubleColumn.create("paper ppl"),
                DoubleColumn.create("paper usage %"), DoubleColumn.create("paper unevenness"));
        for (TreeMap<Long, Arm> g : groups.values()) {
            List<Arm> arms = new ArrayList<>(g.values());
            FfwSpec.Peer p = arms.get(0).peer();
            t.intColumn("N").append(p.experts());
            t.booleanColumn("BN").append(p.queryBatchNorm());
            t.intColumn("seeds").append(arms.size());
            IntervalCells.append(t, "ppl", interval(arms, Arm::loss).map(Math::exp), 2);
            IntervalCells.append(t, "usage %", interval(arms, a -> a.stats().usagePercent()), 1);
            IntervalCells.append(t, "unevenness", interval(arms, a -> a.stats().unevenness()), 2);
            appendPaper(t, paper, rank.indexOf(p.experts()), p.queryBatchNorm());
        }
        IntervalCells.printDigits(t, "ppl", 2);
        IntervalCells.printDigits(t, "usage %", 1);
        IntervalCells.printDigits(t, "unevenness", 2);
        return t;
    }

    /**
     * BN on against BN off at each N, paired by seed: one row per N and metric (loss, usage %,
     * unevenness) with the mean difference on − off, its 95 % t interval, p and the verdict.
     */
    public static Table effects(List<RunResult> runs, List<RoutingStats> stats) {
        Map<String, TreeMap<Long, Arm>> groups = groups(runs, stats);
        Map<Integer, Map<Boolean, TreeMap<Long, Arm>>> byN = new TreeMap<>();
        groups.values().forEach(g -> byN.computeIfAbsent(g.firstEntry().getValue().peer().experts(),
                n -> new LinkedHashMap<>()).put(g.firstEntry().getValue().peer().queryBatchNorm(), g));
        Table t = Table.create("query BN on − off, paired by seed", IntColumn.create("N"), StringColumn.create("metric"),
                IntColumn.create("seeds"), DoubleColumn.create("on − off"), StringColumn.create("on − off (95 % t)"),
                DoubleColumn.create("p"), BooleanColumn.create("significant"), StringColumn.create("verdict"));
        Map<String, ToDoubleFunction<Arm>> metrics = new LinkedHashMap<>();
        metrics.put("loss", Arm::loss);
        metrics.put("usage %", a -> a.stats().usagePercent());
        metrics.put("unevenness", a -> a.stats().unevenness());
        byN.forEach((n, arms) -> {
            if (arms.containsKey(true) && arms.containsKey(false)) {
                metrics.forEach((name, m) -> {
                    Paired c = Paired.bySeed(bySeed(arms.get(true), m), bySeed(arms.get(false), m));
                    t.intColumn("N").append(n);
                    t.stringColumn("metric").append(name);
                    t.intColumn("seeds").append(c.seeds());
                    t.doubleColumn("on − off").append(c.difference().estimate());
                    t.stringColumn("on − off (95 % t)").append(c.difference().format(3));
                    t.doubleColumn("p").append(c.pValue());
                    t.booleanColumn("significant").append(c.significant());
                    t.stringColumn("verdict").append(c.verdict("BN on", "BN off", 3));
                });
            }
        });
        t.doubleColumn("on − off").setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(3));
        t.doubleColumn("p").setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(4));
        return t;
    }

    /** Runs grouped by (N, BN), keyed in row order: N ascending, BN off before on; each group by seed. */
    private static Map<String, TreeMap<Long, Arm>> groups(List<RunResult> runs, List<RoutingStats> stats) {
        if (runs.size() != stats.size()) {
            throw new IllegalArgumentException(runs.size() + " runs but " + stats.size() + " routing statistics");
        }
        TreeMap<String, TreeMap<Long, Arm>> out = new TreeMap<>();
        for (int i = 0; i < runs.size(); i++) {
            RunResult r = runs.get(i);
            if (!(r.spec().ffw() instanceof FfwSpec.Peer p)) {
                throw new IllegalArgumentException("run " + r.id() + " is " + r.spec().ffw().kind().id() + ", not PEER");
            }
            // sortable key: N zero-padded, then BN off (0) before on (1), then the rest of the spec
            String key = String.format(Locale.ROOT, "%012d/%d/%s", p.experts(), p.queryBatchNorm() ? 1 : 0, r.spec().withSeed(0).id());
            if (out.computeIfAbsent(key, k -> new TreeMap<>()).put(r.spec().seed(), new Arm(r, stats.get(i))) != null) {
                throw new IllegalArgumentException("run " + r.id() + " appears twice");
            }
        }
        return out;
    }

    private static Interval interval(List<Arm> arms, ToDoubleFunction<Arm> m) {
        return Interval.studentT(arms.stream().mapToDouble(m).toArray());
    }

    private static Map<Long, Double> bySeed(TreeMap<Long, Arm> g, ToDoubleFunction<Arm> m) {
        Map<Long, Double> out = new TreeMap<>();
        g.forEach((seed, a) -> out.put(seed, m.applyAsDouble(a)));
        return out;
    }

    private static void appendPaper(Table t, List<PaperTable2.Column> paper, int k, boolean bn) {
        if (k < 4) {
            PaperTable2.Column c = paper.get(2 * k + (bn ? 1 : 0));
            t.stringColumn("paper N").append(c.label());
            t.doubleColumn("paper ppl").append(c.perplexity());
            t.doubleColumn("paper usage %").append(c.usagePercent());
            t.doubleColumn("paper unevenness").append(c.unevenness());
        } else {
            t.stringColumn("paper N").append("");
            t.doubleColumn("paper ppl").appendMissing();
            t.doubleColumn("paper usage %").appendMissing();
            t.doubleColumn("paper unevenness").appendMissing();
        }
    }
}
