package org.peerkit.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.peerkit.experiment.Sweep;
import org.peerkit.experiment.SweepListener;
import org.peerkit.experiment.SweepResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code peerkit sweep --grid FILE}: every member of a grid, here one after another (or {@code --jobs}
 * at a time) or on Slurm; only missing runs train.
 */
@Command(name = "sweep",
        description = "Run a grid of specs one after another, or --jobs at a time (finished members are loaded, failed ones recorded), "
                + "then print the status of each member and a results table; or, with --slurm, submit the members "
                + "not yet complete as a Slurm job array (--status, --resubmit-failed follow it up).")
public final class SweepCommand implements Callable<Integer> {

    @Option(names = "--grid", required = true, paramLabel = "FILE",
            description = "Grid file: {\"name\": ..., \"base\": {spec, optional}, \"grid\": {\"model.dModel\": [32, 64], ...}}.")
    Path grid;

    @Option(names = "--jobs", paramLabel = "J",
            description = "Members trained at once, each in its own JVM with 1/J of the cores; results are "
                    + "bit-identical to one at a time (default: ${DEFAULT-VALUE}; see README, Sweeps on one machine).")
    int jobs = 1;

    @Mixin
    TrainStoreOptions training;

    @Mixin
    SlurmSweepOptions slurm;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (!Files.exists(grid)) {
            throw new IllegalArgumentException("grid file " + grid + " does not exist");
        }
        PrintWriter out = spec.commandLine().getOut();
        slurm.checkUsage();
        if (jobs < 1) {
            throw new IllegalArgumentException("--jobs=" + jobs + " must be at least 1 (1 trains the members one after"
                    + " another)");
        }
        if (slurm.requested()) {
            if (jobs != 1) {
                throw new IllegalArgumentException("--jobs is for a sweep on this machine; with --slurm each member is"
                        + " its own array task (set its cores with --cpus)");
            }
            return slurm.run(grid, training.runs.store(), training.checkpointEvery, out);
        }
        Sweep sweep = Sweep.fromFile(grid);
        SweepResult r = sweep.withConcurrency(jobs).run(training.store(), SweepListener.progressBar(System.err));
        out.println(r.statusTable().printAll());
        out.println();
        out.println(r.table().printAll());
        out.flush();
        if (!r.failures().isEmpty()) {
            throw new IllegalArgumentException(r.failures().size() + " of " + r.members().size() + " members of sweep '"
                    + r.name() + "' failed (errors above); fix them and run the sweep again: finished members are kept");
        }
        return 0;
    }
}
