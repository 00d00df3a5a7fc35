package org.peerkit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.peerkit.experiment.RunStore;
import org.peerkit.slurm.ArraySpec;
import org.peerkit.slurm.MemberStatus;
import org.peerkit.slurm.SlurmOptions;
import org.peerkit.slurm.SlurmSweep;
import org.peerkit.slurm.StatusTable;
import org.peerkit.slurm.Submission;
import picocli.CommandLine.Option;

/** {@code peerkit sweep}'s Slurm options: submit the grid as a job array, show its status, resubmit failures. */
final class SlurmSweepOptions {

    @Option(names = "--slurm", description = "Submit one Slurm array task per member not yet complete (sbatch), and return.")
    boolean slurm;

    @Option(names = "--status", description = "Show each member's run state beside its Slurm task's state, and return.")
    boolean status;

    @Option(names = "--resubmit-failed",
            description = "Submit again only the members whose last task failed or was cancelled (a partial run resumes).")
    boolean resubmitFailed;

    @Option(names = "--partition", paramLabel = "NAME", description = "Slurm partition (default: the cluster's).")
    String partition;

    @Option(names = "--time", paramLabel = "LIMIT", description = "Time limit per member: 90, 1:30:00, 2-00 (default: the partition's).")
    String time;

    @Option(names = "--mem", paramLabel = "SIZE", description = "Memory per member, e.g. 8G; the JVM's heap and off-heap limits follow it.")
    String mem;

    @Option(names = "--cpus", paramLabel = "N", description = "CPUs per member (default: 1).")
    Integer cpus;

    @Option(names = "--account", paramLabel = "NAME", description = "Slurm account to charge (default: yours).")
    String account;

    @Option(names = "--sbatch", paramLabel = "OPTION",
            description = "Another #SBATCH option, repeatable, e.g. --sbatch=--gres=gpu:1 --sbatch=--qos=long.")
    List<String> extra;

    boolean requested() {
        return slurm || status || resubmitFailed;
    }

    /** Submits, resubmits or shows the status of the sweep in {@code grid}; returns the exit code. */
    int run(Path grid, RunStore store, int checkpointEvery, PrintWriter out) {
        if (status && (slurm || resubmitFailed)) {
            throw new IllegalArgumentException("--status only shows the sweep; give it without --slurm or --resubmit-failed");
        }
        SlurmSweep sweep = SlurmSweep.of(grid, store);
        if (status) {
            List<MemberStatus> members = sweep.status();
            out.println("sweep " + sweep.sweep().name() + ": " + StatusTable.summary(members));
            out.println(StatusTable.of(sweep.sweep().name(), members).printAll());
            out.flush();
            return 0;
        }
        Optional<Submission> s = sweep.submit(options(), checkpointEvery, resubmitFailed);
        if (s.isEmpty()) {
            out.println(resubmitFailed ? "no member of sweep '" + sweep.sweep().name() + "' failed or was cancelled"
                    : "nothing to submit: every member of sweep '" + sweep.sweep().name() + "' is complete, queued or running");
            out.println(StatusTable.of(sweep.sweep().name(), sweep.status()).printAll());
        } else {
            printSubmitted(out, sweep, s.get(), "--grid " + grid + " --runs " + store.root());
        }
        out.flush();
        return 0;
    }

    /** The resources; only meaningful with a submission. */
    SlurmOptions options() {
        return new SlurmOptions(partition, time, mem, cpus == null ? 1 : cpus, account, extra);
    }

    /** Fails if a resource option came without --slurm or --resubmit-failed (it would silently do nothing). */
    void checkUsage() {
        if (!slurm && !resubmitFailed && (partition != null || time != null || mem != null || cpus != null
                || account != null || extra != null)) {
            throw new IllegalArgumentException("--partition, --time, --mem, --cpus, --account and --sbatch only apply"
                    + " to a Slurm submission: add --slurm (or --resubmit-failed)");
        }
    }

    private static void printSubmitted(PrintWriter out, SlurmSweep sweep, Submission s, String args) {
        List<Integer> idx = s.members().keySet().stream().map(Integer::parseInt).sorted().toList();
        out.printf("submitted %d member%s of sweep '%s' as Slurm job %s (array %s)%n", idx.size(),
                idx.size() == 1 ? "" : "s", sweep.sweep().name(), s.job(), ArraySpec.of(idx));
        out.println("  script   " + sweep.folder().script());
        out.println("  logs     " + sweep.folder().logs().resolve(s.job() + "_<member>.out"));
        out.println("  watch    squeue --me -j " + s.job());
        out.println("  status   peerkit sweep " + args + " --status");
        out.println("  retry    peerkit sweep " + args + " --resubmit-failed");
    }
}
