package org.peerkit.slurm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.peerkit.data.DataLocation;
import org.peerkit.experiment.RunSpec;
import org.peerkit.experiment.RunStore;
import org.peerkit.experiment.Sweep;

/**
 * A sweep run as a Slurm job array: one array task per member, each training its member into the
 * shared run store ({@code peerkit sweep --grid FILE --slurm}). Runs are keyed by their spec's
 * hash, so a member trained by a task, by a local {@code peerkit sweep} or by a notebook is the
 * same run, and a submission only sends the members that are not complete yet.
 *
 * <p>Task states come from {@code sacct} where the cluster keeps accounting; elsewhere (no
 * slurmdbd, as on a single-node test cluster) from {@code squeue} while a task is queued or
 * running, and from the task file the batch script writes ({@link SbatchScript}) once it ended.
 */
public final class SlurmSweep {

    private final Path gridFile;
    private final Sweep sweep;
    private final RunStore store;
    private final SweepFolder folder;
    private final SlurmCommands slurm;

    private SlurmSweep(Path gridFile, RunStore store, SlurmCommands slurm) {
        if (!Files.isRegularFile(gridFile)) {
            throw new IllegalArgumentException("grid file " + gridFile + " does not exist");
        }
        this.gridFile = gridFile;
        this.sweep = Sweep.fromFile(gridFile);
        this.store = store;
        this.folder = SweepFolder.of(store, sweep.name());
        this.slurm = slurm;
    }

    /** The sweep of {@code gridFile} on the Slurm clients found on PATH. */
    public static SlurmSweep of(Path gridFile, RunStore store) {
        return of(gridFile, store, SlurmCommands.system());
    }

    public static SlurmSweep of(Path gridFile, RunStore store, SlurmCommands slurm) {
        return new SlurmSweep(gridFile, store, slurm);
    }

    public Sweep sweep() {
        return sweep;
    }

    public RunStore store() {
        return store;
    }

    public SweepFolder folder() {
        return folder;
    }

    /**
     * Submits one array task per member that is not complete and not queued or running (with
     * {@code failedOnly}: per member whose last task failed, was cancelled or was lost).
     *
     * @return the submission, empty if no member needed one
     */
    public Optional<Submission> submit(SlurmOptions options, int checkpointEvery, boolean failedOnly) {
        List<MemberStatus> now = status();
        List<Integer> send = now.stream().filter(m -> failedOnly ? m.resubmittable() : m.toSubmit())
                .map(MemberStatus::index).toList();
        if (send.isEmpty()) {
            return Optional.empty();
        }
        checkGridUnchanged();
        SbatchScript script = new SbatchScript(sweep.name(), folder.dir(), store.root(),
                DataLocation.projectRoot().toAbsolutePath().normalize(), options, checkpointEvery);
        folder.prepare(read(gridFile), script.text());
        SlurmCommands.Output o = slurm.run(List.of("sbatch", "--parsable", "--array=" + ArraySpec.of(send),
                folder.script().toString()));
        if (o.exit() != 0 || o.lines().isEmpty()) {
            throw new IllegalArgumentException("sbatch refused the sweep's job array (exit " + o.exit() + "): "
                    + o.error() + "; the script is " + folder.script());
        }
        String job = o.lines().get(0).split(";")[0].trim();  // --parsable: "<job id>[;<cluster>]"
        Map<String, String> members = new LinkedHashMap<>();
        send.forEach(i -> members.put(Integer.toString(i), sweep.specs().get(i).id()));
        Submission s = new Submission(job, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), members);
        folder.record(s);
        return Optional.of(s);
    }

    /** Every member's run beside its latest array task, in grid order. */
    public List<MemberStatus> status() {
        Map<Integer, String> latestJob = latestJobs();
        Map<String, TaskState> seen = query(new LinkedHashSet<>(latestJob.values()));
        List<MemberStatus> out = new ArrayList<>();
        List<RunSpec> specs = sweep.specs();
        for (int i = 0; i < specs.size(); i++) {
            String job = latestJob.get(i);
            TaskState t = job == null ? null : seen.get(job + "_" + i);
            if (job != null && t == null) {
                t = taskFileState(job, i);
            }
            out.add(new MemberStatus(i, specs.get(i), store.status(specs.get(i)), t));
        }
        return out;
    }

    /**
     * A task Slurm does not list (not queued or running, and no accounting): its task file's exit
     * status. "Running" there, or no file, means it ended without writing one: killed by SIGKILL or
     * with its node, or cancelled before it started.
     */
    private TaskState taskFileState(String job, int index) {
        Optional<TaskState> f = folder.taskFile(job, index);
        if (f.isPresent() && f.get().state() != SlurmState.RUNNING) {
            return f.get();
        }
        return new TaskState(job, index, SlurmState.LOST, -1, 0, f.isPresent() ? "task file" : "none");
    }

    /** Member index → the job of its latest submission whose run id is still this member's. */
    private Map<Integer, String> latestJobs() {
        Map<Integer, String> out = new HashMap<>();
        for (Submission s : folder.submissions()) {
            s.members().forEach((idx, id) -> {
                int i = Integer.parseInt(idx);
                if (i < sweep.specs().size() && sweep.specs().get(i).id().equals(id)) {
                    out.put(i, s.job());
                }
            });
        }
        return out;
    }

    /**
     * Task id ("12_3") → state: sacct's where the cluster keeps accounting, squeue's for the queued
     * and running tasks sacct has no record of (all of them without accounting, or just submitted).
     */
    Map<String, TaskState> query(Set<String> jobs) {
        Map<String, TaskState> out = new HashMap<>();
        if (jobs.isEmpty()) {
            return out;
        }
        Optional<SlurmCommands.Output> acct = tryRun(List.of("sacct", "-n", "-P", "-X", "-j", String.join(",", jobs),
                "-o", "JobID,State,ExitCode"));
        if (acct.isPresent() && acct.get().exit() == 0) {  // else "Slurm accounting storage is disabled"
            SlurmParse.sacct(acct.get().lines()).forEach(t -> out.put(t.taskId(), t));
        }
        Optional<SlurmCommands.Output> q = tryRun(List.of("squeue", "-h", "-r", "--me", "-o", "%i|%T"));
        if (q.isPresent() && q.get().exit() == 0) {
            SlurmParse.squeue(q.get().lines()).forEach(t -> out.putIfAbsent(t.taskId(), t));
        }
        out.values().removeIf(t -> !jobs.contains(t.jobId()));
        return out;
    }

    /**
     * Refuses to replace the tasks' grid copy with a different grid while tasks of the old one are
     * queued: they read it when they start, and would train the new grid's members under old indices.
     */
    private void checkGridUnchanged() {
        if (!Files.exists(folder.grid())) {
            return;
        }
        List<String> before = Sweep.fromFile(folder.grid()).specs().stream().map(RunSpec::id).toList();
        List<String> now = sweep.specs().stream().map(RunSpec::id).toList();
        if (before.equals(now)) {
            return;
        }
        Set<String> jobs = new LinkedHashSet<>();
        folder.submissions().forEach(s -> jobs.add(s.job()));
        if (query(jobs).values().stream().anyMatch(t -> t.state().active())) {
            throw new IllegalArgumentException("sweep '" + sweep.name() + "' has tasks queued or running for a"
                    + " different grid (" + folder.grid() + "); wait for them (squeue --me) or scancel them, or give"
                    + " the edited grid another \"name\"");
        }
    }

    /** A query's output; empty where the client is not installed (the task files still tell). */
    private Optional<SlurmCommands.Output> tryRun(List<String> command) {
        try {
            return Optional.of(slurm.run(command));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
