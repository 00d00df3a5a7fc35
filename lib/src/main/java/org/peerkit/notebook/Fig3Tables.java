package org.peerkit.notebook;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.peerkit.experiment.RunResult;
import org.peerkit.experiment.SeedGroup;
import org.peerkit.flops.FfwSpec;
import org.peerkit.flops.PaperFig3;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * The tables of the paper's granularity ablations (§3.3, Fig. 3): ours from finished runs and the
 * paper's from {@link PaperFig3}, with the same column names so a notebook can plot either.
 *
 * <ul>
 *   <li>{@link #experts}: Fig. 3a, one row per run, the dense reference first (N = 0), then PEER
 *       runs by N; perplexity on the first evaluation split and the PEER layer's usage and
 *       unevenness from the run's summary (empty for the dense run).</li>
 *   <li>{@link #active}: Fig. 3b, one row per PEER run by h·k then h, with the PEER layer's forward
 *       FLOPs per token (it grows with h·k) and the measured training time.</li>
 * </ul>
 */
public final class Fig3Tables {

    private Fig3Tables() {
    }

    /**
     * Fig. 3a, ours, one row per configuration averaged over its seeds: columns ffw, N (0 = dense),
     * N label, active (h·k, or d_ff for dense), total params, seeds, ppl (e^mean loss) with its 95 %
     * t interval (ppl lo, ppl hi, ppl (95 % t)), usage % and unevenness (seed means, with their
     * intervals), train s (seed mean).
     */
    public static Table experts(Collection<RunResult> runs) {
        List<SeedGroup> groups = new ArrayList<>(SeedGroup.of(runs));
        groups.sort(Comparator.comparingInt(g -> expertsOf(g.first())));
        Table t = Table.create("Fig. 3a: number of experts", StringColumn.create("ffw"), IntColumn.create("N"),
                StringColumn.create("N label"), IntColumn.create("active"), LongColumn.create("total params"));
        addSeedColumns(t);
        for (SeedGroup g : groups) {
            RunResult r = g.first();
            int n = expertsOf(r);
            t.stringColumn("ffw").append(r.spec().ffw().label());
            t.intColumn("N").append(n);
            t.stringColumn("N label").append(n == 0 ? "dense" : (int) Math.round(Math.sqrt(n)) + "²");
            t.intColumn("active").append(r.spec().ffw() instanceof FfwSpec.Peer p ? p.heads() * p.topK()
                    : r.spec().model().dFf());
            t.longColumn("total params").append(r.summary().totalParams());
            appendSeedColumns(t, g);
        }
        return readable(t);
    }

    /**
     * Fig. 3b, ours, one row per (h, k) averaged over its seeds: columns heads, topK, h·k, N, seeds,
     * ppl with its interval, PEER FLOPs/token (forward), train FLOPs/token (whole model), train s,
     * usage % and unevenness with their intervals.
     */
    public static Table active(Collection<RunResult> runs) {
        for (RunResult r : runs) {
            if (!(r.spec().ffw() instanceof FfwSpec.Peer)) {
                throw new IllegalArgumentException("run " + r.id() + " is " + r.spec().ffw().kind().id()
                        + ", not PEER: the active-experts table has one row per PEER (h, k)");
            }
        }
        List<SeedGroup> groups = new ArrayList<>(SeedGroup.of(runs));
        groups.sort(Comparator.comparingInt((SeedGroup g) -> peer(g.first()).heads() * peer(g.first()).topK())
                .thenComparingInt(g -> peer(g.first()).heads()));
        Table t = Table.create("Fig. 3b: active experts", IntColumn.create("heads"), IntColumn.create("topK"),
                IntColumn.create("h·k"), IntColumn.create("N"), LongColumn.create("PEER FLOPs/token"),
                DoubleColumn.create("train FLOPs/token"));
        addSeedColumns(t);
        for (SeedGroup g : groups) {
            RunResult r = g.first();
            FfwSpec.Peer p = peer(r);
            t.intColumn("heads").append(p.heads());
            t.intColumn("topK").append(p.topK());
            t.intColumn("h·k").append(p.heads() * p.topK());
            t.intColumn("N").append(p.experts());
            t.longColumn("PEER FLOPs/token").append(p.count("ffw", r.spec().model().dModel(), r.spec().model().dFf(),
                    r.spec().model().bias()).forwardFlopsPerToken());
            t.doubleColumn("train FLOPs/token").append(r.summary().flops() / r.summary().tokens());
            appendSeedColumns(t, g);
        }
        return readable(t);
    }

    /** seeds, ppl, usage %, unevenness (intervals over seeds) and the mean training time. */
    /** The columns {@link #appendSeedColumns} fills: seeds, ppl, usage % and unevenness with intervals, train s. */
    private static void addSeedColumns(Table t) {
        IntervalCells.addSeeds(t);
        IntervalCells.add(t, "ppl");
        IntervalCells.add(t, "usage %");
        IntervalCells.add(t, "unevenness");
        t.addColumns(DoubleColumn.create("train s"));
    }

    private static void appendSeedColumns(Table t, SeedGroup g) {
        t.intColumn("seeds").append(g.runs().size());
        IntervalCells.append(t, "ppl", g.perplexity(), 2);
        Double usage = find(g.first().summary().routing(), "_usage_pct");
        if (usage == null) {
            IntervalCells.appendMissing(t, "usage %");
            IntervalCells.appendMissing(t, "unevenness");
        } else {
            IntervalCells.append(t, "usage %", g.mean(r -> find(r.summary().routing(), "_usage_pct")), 1);
            IntervalCells.append(t, "unevenness", g.mean(r -> find(r.summary().routing(), "_unevenness")), 2);
        }
        t.doubleColumn("train s").append(g.mean(r -> r.summary().trainSeconds()).estimate());
    }

    /**
     * The seed groups of {@code runs} in the order of {@link #experts}' rows (dense first, then N
     * ascending): the arms {@link Comparisons} pairs.
     */
    public static List<SeedGroup> expertGroups(Collection<RunResult> runs) {
        List<SeedGroup> groups = new ArrayList<>(SeedGroup.of(runs));
        groups.sort(Comparator.comparingInt(g -> expertsOf(g.first())));
        return groups;
    }

    /** "dense", "PEER 64²", "h=4 k=8 N=128²", ...: a short name for a seed group in comparison tables. */
    public static String label(SeedGroup g) {
        FfwSpec f = g.spec().ffw();
        if (f instanceof FfwSpec.Peer p) {
            return "h=" + p.heads() + " k=" + p.topK() + " N=" + (int) Math.round(Math.sqrt(p.experts())) + "²"
                    + (p.queryBatchNorm() ? "" : " no BN");
        }
        return f.kind().id();
    }

    /** Fig. 3a, the paper's: columns N (0 = dense), N label, total params, C4 ppl. */
    public static Table paperExperts() {
        Table t = Table.create("paper Fig. 3a (h=8, k=16; C4)", IntColumn.create("N"), StringColumn.create("N label"),
                LongColumn.create("total params"), DoubleColumn.create("C4 ppl"));
        for (PaperFig3.ExpertsPoint p : PaperFig3.fig3a()) {
            t.intColumn("N").append(p.experts());
            t.stringColumn("N label").append(p.label());
            t.longColumn("total params").append(p.totalParams());
            t.doubleColumn("C4 ppl").append(p.c4Perplexity());
        }
        return t;
    }

    /** Fig. 3b, the paper's: columns heads, topK, h·k, C4 ppl (N = 1024²). */
    public static Table paperActive() {
        Table t = Table.create("paper Fig. 3b (N=1024²; C4)", IntColumn.create("heads"), IntColumn.create("topK"),
                IntColumn.create("h·k"), DoubleColumn.create("C4 ppl"));
        for (PaperFig3.ActiveCell c : PaperFig3.fig3b()) {
            t.intColumn("heads").append(c.heads());
            t.intColumn("topK").append(c.topK());
            t.intColumn("h·k").append(c.active());
            t.doubleColumn("C4 ppl").append(c.c4Perplexity());
        }
        return t;
    }

    /** Prints measured numbers to the digits that mean something (the values keep full precision). */
    private static Table readable(Table t) {
        IntervalCells.printDigits(t, "ppl", 2);
        IntervalCells.printDigits(t, "unevenness", 2);
        IntervalCells.printDigits(t, "usage %", 1);
        t.doubleColumn("train s").setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(1));
        if (t.containsColumn("train FLOPs/token")) {
            t.doubleColumn("train FLOPs/token").setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(0));
        }
        return t;
    }

    private static int expertsOf(RunResult r) {
        if (r.spec().ffw() instanceof FfwSpec.Peer p) {
            return p.experts();
        }
        if (r.spec().ffw() instanceof FfwSpec.Dense) {
            return 0;
        }
        throw new IllegalArgumentException("run " + r.id() + " is " + r.spec().ffw().kind().id()
                + ": the number-of-experts table takes PEER runs and a dense reference");
    }

    private static FfwSpec.Peer peer(RunResult r) {
        return (FfwSpec.Peer) r.spec().ffw();
    }

    /** The expert layer's usage or unevenness as Evaluation stores them ({@code block<i>_usage_pct}, ...). */
    private static Double find(Map<String, Double> routing, String suffix) {
        return routing.entrySet().stream().filter(e -> e.getKey().endsWith(suffix)).map(Map.Entry::getValue).findFirst()
                .orElse(null);
    }
}
