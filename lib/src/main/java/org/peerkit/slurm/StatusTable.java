package org.peerkit.slurm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.peerkit.experiment.RunStore;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Sweep members' run states beside their Slurm states, as tables ({@code peerkit sweep --status}, {@code peerkit runs}). */
public final class StatusTable {

    private StatusTable() {
    }

    /** One row per member: run id, FFW, run state and detail, the latest task and its Slurm state, and who said so. */
    public static Table of(String sweep, List<MemberStatus> members) {
        Table t = Table.create("sweep " + sweep + " on Slurm", IntColumn.create("member"), StringColumn.create("id"),
                StringColumn.create("ffw"), StringColumn.create("run"), StringColumn.create("task"),
                StringColumn.create("slurm"), StringColumn.create("from"), StringColumn.create("detail"));
        for (MemberStatus m : members) {
            t.intColumn("member").append(m.index());
            t.stringColumn("id").append(m.spec().id());
            t.stringColumn("ffw").append(m.spec().ffw().label());
            t.stringColumn("run").append(m.run().status().id());
            t.stringColumn("task").append(m.task() == null ? "" : m.task().taskId());
            t.stringColumn("slurm").append(m.task() == null ? "not submitted" : m.task().describe());
            t.stringColumn("from").append(m.task() == null ? "" : m.task().source());
            t.stringColumn("detail").append(m.run().detail());
        }
        return t;
    }

    /** "2 of 4 complete, 1 running, 1 failed": the board's headline. */
    public static String summary(List<MemberStatus> members) {
        long complete = members.stream().filter(MemberStatus::complete).count();
        long active = members.stream().filter(m -> !m.complete() && m.active()).count();
        long failed = members.stream().filter(MemberStatus::resubmittable).count();
        return complete + " of " + members.size() + " complete, " + active + " queued or running, " + failed
                + " failed or cancelled";
    }

    /**
     * {@code runs} (a run-store listing with an {@code id} column) with a {@code slurm} column: the
     * latest task state of each run trained by a Slurm sweep of {@code store}; unchanged when the
     * store has no Slurm sweeps.
     */
    public static Table withSlurm(Table runs, RunStore store) {
        Map<String, String> byRun = new HashMap<>();
        for (Path grid : slurmGrids(store)) {
            List<MemberStatus> members;
            try {
                members = SlurmSweep.of(grid, store).status();
            } catch (IllegalArgumentException e) {  // an unreadable sweep folder must not hide the runs
                continue;
            }
            for (MemberStatus m : members) {
                if (m.task() != null) {
                    byRun.put(m.spec().id(), m.task().describe() + " (" + m.task().taskId() + ")");
                }
            }
        }
        if (byRun.isEmpty()) {
            return runs;
        }
        StringColumn c = StringColumn.create("slurm");
        runs.stringColumn("id").forEach(id -> c.append(byRun.getOrDefault(id, "")));
        return runs.addColumns(c);
    }

    /** The grid copies of the store's Slurm sweeps ({@code sweeps/<name>/grid.json}). */
    private static List<Path> slurmGrids(RunStore store) {
        Path sweeps = store.root().resolve("sweeps");
        if (!Files.isDirectory(sweeps)) {
            return List.of();
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(sweeps, Files::isDirectory)) {
            List<Path> out = new ArrayList<>();
            ds.forEach(d -> {
                if (Files.isRegularFile(d.resolve("grid.json"))) {
                    out.add(d.resolve("grid.json"));
                }
            });
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + sweeps, e);
        }
    }
}
