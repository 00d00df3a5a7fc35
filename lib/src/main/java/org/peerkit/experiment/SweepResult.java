package org.peerkit.experiment;

import java.util.List;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** What a sweep did: one entry per member, in grid order. */
public record SweepResult(String name, List<SweepMember> members) {

    public SweepResult {
        members = List.copyOf(members);
    }

    public List<SweepMember> failures() {
        return members.stream().filter(SweepMember::failed).toList();
    }

    public List<RunResult> results() {
        return members.stream().filter(m -> !m.failed()).map(SweepMember::result).toList();
    }

    /** The finished members as a {@link Results} table. */
    public Table table() {
        return Results.table(results(), "sweep " + name);
    }

    /** Every member with its status and error: what ran, what was loaded, what failed and why. */
    public Table statusTable() {
        Table t = Table.create("sweep " + name + " status", IntColumn.create("member"), StringColumn.create("id"),
                StringColumn.create("ffw"), StringColumn.create("status"), StringColumn.create("error"));
        for (SweepMember m : members) {
            t.intColumn("member").append(m.index());
            t.stringColumn("id").append(m.spec().id());
            t.stringColumn("ffw").append(m.spec().ffw().label());
            t.stringColumn("status").append(m.status());
            t.stringColumn("error").append(m.error() == null ? "" : m.error());
        }
        return t;
    }
}
