package org.peerkit.cli;

import java.util.concurrent.Callable;
import org.peerkit.notebook.Tables;
import org.peerkit.slurm.StatusTable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code peerkit runs}: the run store's runs with their status. */
@Command(name = "runs", description = "List the runs in the run store with their status (complete, partial, running, corrupt).")
public final class RunsCommand implements Callable<Integer> {

    @Mixin
    RunsOption runs;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var t = StatusTable.withSlurm(Tables.runs(runs.store()), runs.store());  // Slurm sweeps' task states
        spec.commandLine().getOut().println(t.rowCount() == 0 ? "no runs in " + runs.store().root() : t.printAll());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
