package org.peerkit.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.peerkit.experiment.Budget;
import org.peerkit.experiment.RunSpec;
import org.peerkit.experiment.RunStore;
import org.peerkit.experiment.SweepMember;
import org.peerkit.experiment.SweepResult;

/** Submission and status against stand-in Slurm clients: no Slurm needed. */
class SlurmSweepTest {

    /** Answers sbatch with the next job id, sacct as a cluster without accounting, squeue with {@link #queue}. */
    static final class FakeSlurm implements SlurmCommands {
        final List<List<String>> calls = new ArrayList<>();
        List<String> queue = List.of();
        List<String> sacct;
        Output sbatch = null;
        int nextJob = 77;

        @Override
        public Output run(List<String> command) {
            calls.add(command);
            switch (command.get(0)) {
                case "sbatch":
                    return sbatch != null ? sbatch : new Output(0, List.of(nextJob++ + ";peerkit"), "");
                case "sacct":
                    return sacct == null ? new Output(1, List.of(), "Slurm accounting storage is disabled")
                            : new Output(0, sacct, "");
                default:
                    return new Output(0, queue, "");
            }
        }

        List<String> sbatchCalls() {
            return calls.stream().filter(c -> c.get(0).equals("sbatch")).map(c -> c.get(2)).toList();
        }
    }

    static Path grid(Path dir, String seeds) throws Exception {
        RunSpec base = RunSpec.defaults().withBudget(Budget.tokens(8L * 4 * 16));
        Path f = dir.resolve("grid.json");
        Files.writeString(f, "{\"name\": \"t\", \"base\": " + base.toJson() + ", \"grid\": {\"seed\": [" + seeds + "]}}");
        return f;
    }

    static List<String> slurmColumn(SlurmSweep s) {
        return s.status().stream().map(m -> m.run().status().id() + " " + (m.task() == null ? "-"
                : m.task().taskId() + " " + m.task().describe() + " " + m.task().source())).toList();
    }

    @Test
    void onlyMembersNotCompleteAreSubmittedAndTheirStatesFollowQueueAndTaskFiles(@TempDir Path tmp) throws Exception {
        RunStore store = RunStore.at(tmp.resolve("runs"));
        FakeSlurm slurm = new FakeSlurm();
        SlurmSweep sweep = SlurmSweep.of(grid(tmp, "1, 2, 3"), store, slurm);
        store.run(sweep.sweep().specs().get(0));  // member 0 is complete before the submission
        Submission first = sweep.submit(SlurmOptions.defaults(), 100, false).orElseThrow();
        assertEquals("77", first.job());
        assertEquals(List.of("--array=1-2"), slurm.sbatchCalls());
        assertTrue(Files.readString(sweep.folder().script()).contains("#SBATCH --job-name=peerkit-t"));
        assertEquals(Files.readString(tmp.resolve("grid.json")), Files.readString(sweep.folder().grid()));

        slurm.queue = List.of("77_1|RUNNING", "99_0|RUNNING");
        Files.writeString(sweep.folder().dir().resolve("tasks/2.json"), "{\"job\": \"77\", \"index\": 2, \"exit\": 3}");
        assertEquals(List.of("complete -", "new 77_1 running squeue", "new 77_2 failed (exit 3) task file"),
                slurmColumn(sweep));

        // a plain submission skips the queued member; --resubmit-failed sends only the failed one
        Submission again = sweep.submit(SlurmOptions.defaults(), 100, true).orElseThrow();
        assertEquals("78", again.job());
        assertEquals(List.of("--array=1-2", "--array=2"), slurm.sbatchCalls());
        slurm.queue = List.of("77_1|RUNNING", "78_2|PENDING");
        assertTrue(sweep.submit(SlurmOptions.defaults(), 100, false).isEmpty(), "1 and 2 are queued or running");

        // both gone from the queue without an end written: lost, and resubmittable
        slurm.queue = List.of();
        assertEquals(List.of("complete -", "new 77_1 lost none", "new 78_2 lost none"), slurmColumn(sweep));
        assertTrue(sweep.status().get(1).resubmittable());
    }

    @Test
    void sacctIsAskedFirstWhereTheClusterKeepsAccounting(@TempDir Path tmp) throws Exception {
        FakeSlurm slurm = new FakeSlurm();
        SlurmSweep sweep = SlurmSweep.of(grid(tmp, "1, 2"), RunStore.at(tmp.resolve("runs")), slurm);
        sweep.submit(SlurmOptions.defaults(), 100, false);
        slurm.sacct = List.of("77_0|CANCELLED by 1000|0:15", "77_1|OUT_OF_MEMORY|0:125", "12_0|FAILED|1:0");
        assertEquals(List.of("new 77_0 cancelled (signal 15) sacct", "new 77_1 out of memory sacct"), slurmColumn(sweep));
        List<String> sacct = slurm.calls.stream().filter(c -> c.get(0).equals("sacct")).reduce((a, b) -> b).orElseThrow();
        assertEquals(List.of("sacct", "-n", "-P", "-X", "-j", "77", "-o", "JobID,State,ExitCode"), sacct);
    }

    @Test
    void aRefusedSubmissionSaysWhatSbatchSaid(@TempDir Path tmp) throws Exception {
        FakeSlurm slurm = new FakeSlurm();
        slurm.sbatch = new SlurmCommands.Output(1, List.of(), "sbatch: error: invalid partition specified: gpu");
        SlurmSweep sweep = SlurmSweep.of(grid(tmp, "1"), RunStore.at(tmp.resolve("runs")), slurm);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sweep.submit(SlurmOptions.defaults(), 100, false));
        assertTrue(e.getMessage().startsWith("sbatch refused the sweep's job array (exit 1): sbatch: error: invalid"
                + " partition specified: gpu"), e.getMessage());
        assertTrue(sweep.folder().submissions().isEmpty());
    }

    @Test
    void anEditedGridWaitsForTheOldGridsQueuedTasks(@TempDir Path tmp) throws Exception {
        FakeSlurm slurm = new FakeSlurm();
        RunStore store = RunStore.at(tmp.resolve("runs"));
        SlurmSweep.of(grid(tmp, "1, 2"), store, slurm).submit(SlurmOptions.defaults(), 100, false);
        slurm.queue = List.of("77_0|PENDING");
        SlurmSweep edited = SlurmSweep.of(grid(tmp, "5, 6"), store, slurm);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> edited.submit(SlurmOptions.defaults(), 100, false));
        assertTrue(e.getMessage().startsWith("sweep 't' has tasks queued or running for a different grid"), e.getMessage());
        slurm.queue = List.of();
        assertEquals("78", edited.submit(SlurmOptions.defaults(), 100, false).orElseThrow().job());
    }

    @Test
    void theBoardFollowsUntilNothingIsQueuedAndReportsWhatDidNotFinish(@TempDir Path tmp) throws Exception {
        FakeSlurm slurm = new FakeSlurm();
        SlurmSweep sweep = SlurmSweep.of(grid(tmp, "1"), RunStore.at(tmp.resolve("runs")), slurm);
        sweep.submit(SlurmOptions.defaults(), 100, false);
        slurm.queue = List.of("77_0|RUNNING");
        List<Object> shown = new ArrayList<>();
        SweepResult r = SlurmBoard.follow(sweep, o -> {
            shown.add(o);
            slurm.queue = List.of();  // the task ends (without a task file: lost) before the next poll
            return "board";
        }, (id, o) -> shown.add(id), Duration.ofMillis(1));
        assertEquals(2, shown.size());
        assertEquals("board", shown.get(1));
        assertEquals(List.of("run new, task 77_0 lost"), r.failures().stream().map(SweepMember::error).toList());
    }
}
