package org.peerkit.notebook;

import java.util.Collection;
import java.util.Locale;
import org.peerkit.experiment.Results;
import org.peerkit.experiment.RunInfo;
import org.peerkit.experiment.RunResult;
import org.peerkit.experiment.RunStore;
import org.peerkit.flops.IsoFlopPlanner;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Tablesaw tables a cell ends with (shown as HTML by {@link Renderers}). */
public final class Tables {

    private Tables() {
    }

    /** Finished runs as one results table (spec fields, final metrics, per-split perplexities). */
    public static Table of(Collection<RunResult> runs) {
        return Results.table(runs, "runs");
    }

    /** Every run dir in a store with its status: complete, partial, running or corrupt. */
    public static Table runs(RunStore store) {
        Table t = Table.create("runs in " + store.root(), StringColumn.create("id"), StringColumn.create("status"),
                StringColumn.create("ffw"), StringColumn.create("d_model"), StringColumn.create("budget"),
                StringColumn.create("detail"));
        for (RunInfo i : store.list()) {
            t.stringColumn("id").append(i.id());
            t.stringColumn("status").append(i.status().id());
            t.stringColumn("ffw").append(i.spec() == null ? "?" : i.spec().ffw().label());
            t.stringColumn("d_model").append(i.spec() == null ? "?" : Integer.toString(i.spec().model().dModel()));
            t.stringColumn("budget").append(i.spec() == null ? "?"
                    : IsoFlopPlanner.sci(i.spec().budget().amount()) + " "
                            + i.spec().budget().unit().name().toLowerCase(Locale.ROOT));
            t.stringColumn("detail").append(i.detail());
        }
        return t;
    }
}
