package org.peerkit.notebook;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.peerkit.experiment.RunResult;
import org.peerkit.ffw.RoutingStats;
import org.peerkit.flops.FfwSpec;
import org.peerkit.flops.PaperTable2;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The paper's Table 2 laid beside ours (query BatchNorm ablation, §3.3): one row per PEER run,
 * N ascending and BN off before on, with our perplexity on the first evaluation split, usage and
 * unevenness, and the paper's numbers for the N of the same rank (our smallest N beside the
 * paper's 16k, the next beside 65k, ...: our N are far smaller, so only the direction of a trend
 * compares).
 */
public final class QueryBnTable {

    private QueryBnTable() {
    }

    /**
     * @param runs finished PEER runs
     * @param stats the routing statistics of each run's PEER layer (same order), e.g. from
     *     {@code RunRouting.of(run, Split.VALID, batches).get(0)}
     */
    public static Table of(List<RunResult> runs, List<RoutingStats> stats) {
        if (runs.size() != stats.size()) {
            throw new IllegalArgumentException(runs.size() + " runs but " + stats.size() + " routing statistics");
        }
        List<Integer> order = bySizeThenBn(runs);
        TreeSet<Integer> ns = new TreeSet<>();
        for (RunResult r : runs) {
            ns.add(((FfwSpec.Peer) r.spec().ffw()).experts());
        }
        List<Integer> rank = new ArrayList<>(ns);
        List<PaperTable2.Column> paper = PaperTable2.columns();
        Table t = Table.create("Table 2: expert usage and unevenness, ours beside the paper's",
                IntColumn.create("N"), BooleanColumn.create("BN"), DoubleColumn.create("ppl"),
                DoubleColumn.create("usage %"), DoubleColumn.create("unevenness"), StringColumn.create("paper N"),
                DoubleColumn.create("paper ppl"), DoubleColumn.create("paper usage %"),
                DoubleColumn.create("paper unevenness"));
        for (int i : order) {
            RunResult r = runs.get(i);
            FfwSpec.Peer p = (FfwSpec.Peer) r.spec().ffw();
            String split = r.summary().evalLoss().keySet().iterator().next();
            t.intColumn("N").append(p.experts());
            t.booleanColumn("BN").append(p.queryBatchNorm());
            t.doubleColumn("ppl").append(r.summary().perplexity(split));
            t.doubleColumn("usage %").append(stats.get(i).usagePercent());
            t.doubleColumn("unevenness").append(stats.get(i).unevenness());
            int k = rank.indexOf(p.experts());
            appendPaper(t, k < 4 ? paper.get(2 * k + (p.queryBatchNorm() ? 1 : 0)) : null);
        }
        return t;
    }

    /** Run indices ordered by N, then without BN before with; every run must be PEER. */
    private static List<Integer> bySizeThenBn(List<RunResult> runs) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            RunResult r = runs.get(i);
            if (!(r.spec().ffw() instanceof FfwSpec.Peer)) {
                throw new IllegalArgumentException("run " + r.id() + " is " + r.spec().ffw().kind().id() + ", not PEER");
            }
            order.add(i);
        }
        order.sort((a, b) -> {
            FfwSpec.Peer x = (FfwSpec.Peer) runs.get(a).spec().ffw();
            FfwSpec.Peer y = (FfwSpec.Peer) runs.get(b).spec().ffw();
            return x.experts() != y.experts() ? Integer.compare(x.experts(), y.experts())
                    : Boolean.compare(x.queryBatchNorm(), y.queryBatchNorm());
        });
        return order;
    }

    /** The paper's column for this row, or blanks where the paper has none. */
    private static void appendPaper(Table t, PaperTable2.Column c) {
        if (c == null) {
            t.stringColumn("paper N").append("");
            t.doubleColumn("paper ppl").appendMissing();
            t.doubleColumn("paper usage %").appendMissing();
            t.doubleColumn("paper unevenness").appendMissing();
            return;
        }
        t.stringColumn("paper N").append(c.label());
        t.doubleColumn("paper ppl").append(c.perplexity());
        t.doubleColumn("paper usage %").append(c.usagePercent());
        t.doubleColumn("paper unevenness").append(c.unevenness());
    }
}
