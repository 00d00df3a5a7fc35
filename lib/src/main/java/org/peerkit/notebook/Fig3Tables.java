package org.peerkit.notebook;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.peerkit.experiment.RunResult;
import org.peerkit.experiment.RunSummary;
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

    /** Fig. 3a, ours: columns ffw, N (0 = dense), N label, active (h·k, or d_ff for dense), total params, ppl, usage %, unevenness, train s. */
    public static Table experts(Collection<RunResult> runs) {
        List<RunResult> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingInt(Fig3Tables::expertsOf));
        Table t = Table.create("Fig. 3a: number of experts", StringColumn.create("ffw"), IntColumn.create("N"),
                StringColumn.create("N label"), IntColumn.create("active"), LongColumn.create("total params"),
                DoubleColumn.create("ppl"), DoubleColumn.create("usage %"), DoubleColumn.create("unevenness"),
                DoubleColumn.create("train s"));
        for (RunResult r : sorted) {
            int n = expertsOf(r);
            t.stringColumn("ffw").append(r.spec().ffw().label());
            t.intColumn("N").append(n);
            t.stringColumn("N label").append(n == 0 ? "dense" : (int) Math.round(Math.sqrt(n)) + "²");
            t.intColumn("active").append(r.spec().ffw() instanceof FfwSpec.Peer p ? p.heads() * p.topK()
                    : r.spec().model().dFf());
            t.longColumn("total params").append(r.summary().totalParams());
            t.doubleColumn("ppl").append(r.perplexity());
            appendRouting(t, r.summary());
            t.doubleColumn("train s").append(r.summary().trainSeconds());
        }
        return readable(t);
    }

    /** Fig. 3b, ours: columns heads, topK, h·k, ppl, PEER FLOPs/token (forward), train FLOPs/token (whole model), train s, usage %, unevenness. */
    public static Table active(Collection<RunResult> runs) {
        List<RunResult> sorted = new ArrayList<>(runs);
        for (RunResult r : sorted) {
            if (!(r.spec().ffw() instanceof FfwSpec.Peer)) {
                throw new IllegalArgumentException("run " + r.id() + " is " + r.spec().ffw().kind().id()
                        + ", not PEER: the active-experts table has one row per PEER (h, k)");
            }
        }
        sorted.sort(Comparator.comparingInt((RunResult r) -> peer(r).heads() * peer(r).topK())
                .thenComparingInt(r -> peer(r).heads()));
        Table t = Table.create("Fig. 3b: active experts", IntColumn.create("heads"), IntColumn.create("topK"),
                IntColumn.create("h·k"), IntColumn.create("N"), DoubleColumn.create("ppl"),
                LongColumn.create("PEER FLOPs/token"), DoubleColumn.create("train FLOPs/token"),
                DoubleColumn.create("train s"), DoubleColumn.create("usage %"), DoubleColumn.create("unevenness"));
        for (RunResult r : sorted) {
            FfwSpec.Peer p = peer(r);
            t.intColumn("heads").append(p.heads());
            t.intColumn("topK").append(p.topK());
            t.intColumn("h·k").append(p.heads() * p.topK());
            t.intColumn("N").append(p.experts());
            t.doubleColumn("ppl").append(r.perplexity());
            t.longColumn("PEER FLOPs/token").append(p.count("ffw", r.spec().model().dModel(), r.spec().model().dFf(),
                    r.spec().model().bias()).forwardFlopsPerToken());
            t.doubleColumn("train FLOPs/token").append(r.summary().flops() / r.summary().tokens());
            t.doubleColumn("train s").append(r.summary().trainSeconds());
            appendRouting(t, r.summary());
        }
        return readable(t);
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
        for (String c : List.of("ppl", "unevenness")) {
            t.doubleColumn(c).setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(2));
        }
        for (String c : List.of("usage %", "train s")) {
            t.doubleColumn(c).setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(1));
        }
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

    /** The expert layer's usage and unevenness as Evaluation stores them ({@code block<i>_usage_pct}, ...). */
    private static void appendRouting(Table t, RunSummary s) {
        Double usage = find(s.routing(), "_usage_pct");
        Double uneven = find(s.routing(), "_unevenness");
        if (usage == null) {
            t.doubleColumn("usage %").appendMissing();
        } else {
            t.doubleColumn("usage %").append(usage);
        }
        if (uneven == null) {
            t.doubleColumn("unevenness").appendMissing();
        } else {
            t.doubleColumn("unevenness").append(uneven);
        }
    }

    private static Double find(Map<String, Double> routing, String suffix) {
        return routing.entrySet().stream().filter(e -> e.getKey().endsWith(suffix)).map(Map.Entry::getValue).findFirst()
                .orElse(null);
    }
}
