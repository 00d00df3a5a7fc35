package org.peerkit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.peerkit.experiment.RunCorruptException;
import org.peerkit.experiment.RunResult;
import org.peerkit.experiment.RunSpec;
import org.peerkit.experiment.RunStore;
import org.peerkit.experiment.Sweep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code peerkit sweep-task}: one member of a Slurm sweep, run by each array task of the script
 * {@code peerkit sweep --slurm} writes ({@link org.peerkit.slurm.SbatchScript}); hidden from the help.
 */
@Command(name = "sweep-task", hidden = true,
        description = "Train member --index of the grid in a Slurm sweep's folder (what each array task runs).")
public final class SweepTaskCommand implements Callable<Integer> {

    /** Member indices ("1" or "0,2") whose tasks fail on purpose before training: the CI's fault for --resubmit-failed. */
    static final String FAULT_ENV = "PEERKIT_SWEEP_FAULT";
    /** The exit status of such a task, distinct from an ordinary error's 1 so a check can tell them apart. */
    static final int FAULT_EXIT = 3;
    /** Another task training the same member holds its lock: wait for it (Slurm's --time bounds the wait). */
    private static final Duration LOCK_WAIT = Duration.ofDays(30);

    @Option(names = "--folder", required = true, paramLabel = "DIR", description = "The sweep's folder (holds grid.json).")
    Path folder;

    @Option(names = "--index", required = true, paramLabel = "I", description = "The member to train ($SLURM_ARRAY_TASK_ID).")
    int index;

    @Mixin
    TrainStoreOptions training;

    @Override
    public Integer call() {
        Sweep sweep = Sweep.fromFile(folder.resolve("grid.json"));
        if (index < 0 || index >= sweep.specs().size()) {
            throw new IllegalArgumentException("--index=" + index + " is not a member of sweep '" + sweep.name()
                    + "' (members 0-" + (sweep.specs().size() - 1) + ")");
        }
        PrintWriter out = training.commandLine().getOut();
        RunSpec s = sweep.specs().get(index);
        out.printf("sweep %s, member %d of %d: run %s (%s)%n", sweep.name(), index, sweep.specs().size(), s.id(),
                s.ffw().label());
        out.flush();
        if (faulty(System.getenv(FAULT_ENV), index)) {
            training.commandLine().getErr().println("error: deliberate fault: " + FAULT_ENV + "=" + System.getenv(FAULT_ENV)
                    + " fails member " + index + " before it trains; submit again without it (--resubmit-failed)");
            return FAULT_EXIT;
        }
        RunStore store = training.store().withLockWait(LOCK_WAIT);
        try {
            RunResult r = store.run(s);
            TrainCommand.print(out, r);
            return 0;
        } catch (RunCorruptException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Whether {@code fault} (a comma-separated list of member indices, or null) names {@code index}. */
    static boolean faulty(String fault, int index) {
        return fault != null && Arrays.stream(fault.split(",")).map(String::trim).anyMatch(f -> f.equals(Integer.toString(index)));
    }
}
