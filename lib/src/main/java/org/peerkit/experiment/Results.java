package org.peerkit.experiment;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.peerkit.flops.IsoFlopPlanner;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * One table over many finished runs: the spec fields that vary in experiments, the final
 * metrics, loss and perplexity per evaluation split ({@code <split>_loss}, {@code <split>_ppl}),
 * and routing statistics ({@code routing_<name>}) when a run has them. Missing values (a split a
 * run did not evaluate) are empty cells.
 */
public final class Results {

    private Results() {
    }

    /** Every complete run in the store. */
    public static Table of(RunStore store) {
        return table(store.results(), "runs in " + store.root());
    }

    public static Table table(Collection<RunResult> runs, String name) {
        Set<String> splits = new LinkedHashSet<>();
        Set<String> routing = new LinkedHashSet<>();
        for (RunResult r : runs) {
            splits.addAll(r.summary().evalLoss().keySet());
            routing.addAll(r.summary().routing().keySet());
        }
        Table t = emptyTable(name, splits, routing);
        for (RunResult r : runs) {
            appendSpec(t, r);
            appendSummary(t, r.summary(), splits, routing);
        }
        return t;
    }

    /** The columns, spec's then summary's, then a loss and perplexity per split and a routing column per key. */
    private static Table emptyTable(String name, Set<String> splits, Set<String> routing) {
        Table t = Table.create(name, StringColumn.create("id"), StringColumn.create("kind"), StringColumn.create("ffw"),
                StringColumn.create("placement"), IntColumn.create("d_model"), IntColumn.create("layers"),
                IntColumn.create("heads"), IntColumn.create("vocab"), StringColumn.create("data"),
                StringColumn.create("budget"), IntColumn.create("batch"), IntColumn.create("seq"),
                DoubleColumn.create("peak_lr"), LongColumn.create("seed"), LongColumn.create("steps"),
                LongColumn.create("tokens"), DoubleColumn.create("flops"), LongColumn.create("total_params"),
                LongColumn.create("active_params"), DoubleColumn.create("train_loss"), DoubleColumn.create("train_s"));
        for (String s : splits) {
            t.addColumns(DoubleColumn.create(s + "_loss"), DoubleColumn.create(s + "_ppl"));
        }
        for (String k : routing) {
            t.addColumns(DoubleColumn.create("routing_" + k));
        }
        return t;
    }

    private static void appendSpec(Table t, RunResult r) {
        RunSpec s = r.spec();
        t.stringColumn("id").append(r.id());
        t.stringColumn("kind").append(s.ffw().kind().id());
        t.stringColumn("ffw").append(s.ffw().label());
        t.stringColumn("placement").append(s.placement().name().toLowerCase(Locale.ROOT));
        t.intColumn("d_model").append(s.model().dModel());
        t.intColumn("layers").append(s.model().nLayers());
        t.intColumn("heads").append(s.model().nHeads());
        t.intColumn("vocab").append(s.model().vocabSize());
        t.stringColumn("data").append(s.data().source().name().toLowerCase(Locale.ROOT));
        t.stringColumn("budget").append(IsoFlopPlanner.sci(s.budget().amount()) + " "
                + s.budget().unit().name().toLowerCase(Locale.ROOT));
        t.intColumn("batch").append(s.batchSize());
        t.intColumn("seq").append(s.seqLen());
        t.doubleColumn("peak_lr").append(s.schedule().peakLr());
        t.longColumn("seed").append(s.seed());
    }

    private static void appendSummary(Table t, RunSummary m, Set<String> splits, Set<String> routing) {
        t.longColumn("steps").append(m.steps());
        t.longColumn("tokens").append(m.tokens());
        t.doubleColumn("flops").append(m.flops());
        t.longColumn("total_params").append(m.totalParams());
        t.longColumn("active_params").append(m.activeParams());
        t.doubleColumn("train_loss").append(m.trainLoss());
        t.doubleColumn("train_s").append(m.trainSeconds());
        for (String sp : splits) {
            Double l = m.evalLoss().get(sp);
            appendOrMissing(t.doubleColumn(sp + "_loss"), l);
            appendOrMissing(t.doubleColumn(sp + "_ppl"), l == null ? null : Math.exp(l));
        }
        for (String k : routing) {
            appendOrMissing(t.doubleColumn("routing_" + k), m.routing().get(k));
        }
    }

    private static void appendOrMissing(DoubleColumn c, Double v) {
        if (v == null) {
            c.appendMissing();
        } else {
            c.append(v);
        }
    }
}
