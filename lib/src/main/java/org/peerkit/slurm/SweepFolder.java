package org.peerkit.slurm;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.peerkit.data.DataFiles;
import org.peerkit.experiment.RunStore;

/**
 * A Slurm sweep's files, {@code <store>/sweeps/<name>/} next to the store's runs, so every node that
 * sees the store sees them:
 * <pre>
 *   grid.json          the grid the tasks read (a copy: editing the original cannot change queued tasks)
 *   sweep.sbatch       the batch script of the latest submission
 *   submissions.json   every submission: job id and which run each array index trains
 *   tasks/&lt;i&gt;.json     the state member i's latest task wrote (job, exit status: -1 while running)
 *   logs/&lt;job&gt;_&lt;i&gt;.out the tasks' output
 * </pre>
 */
public final class SweepFolder {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Path dir;

    private SweepFolder(Path dir) {
        this.dir = dir;
    }

    public static SweepFolder of(RunStore store, String sweep) {
        return new SweepFolder(store.root().resolve("sweeps").resolve(sweep));
    }

    public Path dir() {
        return dir;
    }

    public Path grid() {
        return dir.resolve("grid.json");
    }

    public Path script() {
        return dir.resolve("sweep.sbatch");
    }

    public Path logs() {
        return dir.resolve("logs");
    }

    /** The output file of one task. */
    public Path log(TaskState t) {
        return logs().resolve(t.taskId() + ".out");
    }

    /** Writes the grid copy and the script, and makes the folders the tasks write into. */
    public void prepare(String gridText, String scriptText) {
        try {
            Files.createDirectories(logs());
            Files.createDirectories(dir.resolve("tasks"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the sweep folder " + dir, e);
        }
        DataFiles.writeStringAtomically(grid(), gridText);
        DataFiles.writeStringAtomically(script(), scriptText);
    }

    /** Every submission so far, oldest first. */
    public List<Submission> submissions() {
        Path f = dir.resolve("submissions.json");
        if (!Files.exists(f)) {
            return List.of();
        }
        try {
            return JSON.readValue(f.toFile(), new TypeReference<List<Submission>>() { });
        } catch (IOException e) {
            throw new IllegalArgumentException(f + " is unreadable (" + e.getMessage() + "); it lists the sweep's"
                    + " Slurm jobs: fix or delete it (the runs themselves are safe)", e);
        }
    }

    public void record(Submission s) {
        List<Submission> all = new ArrayList<>(submissions());
        all.add(s);
        DataFiles.writeAtomically(dir.resolve("submissions.json"), out -> out.write(JSON.writeValueAsBytes(all)));
    }

    /**
     * What member {@code index}'s task of job {@code job} wrote: running (exit -1), completed (0),
     * cancelled (killed by a signal: exit 128 + signal) or failed; empty if that task wrote nothing.
     */
    public Optional<TaskState> taskFile(String job, int index) {
        Path f = dir.resolve("tasks").resolve(index + ".json");
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(f.toFile());
            if (!job.equals(n.path("job").asText())) {
                return Optional.empty();  // an earlier job's task
            }
            int exit = n.path("exit").asInt(-1);
            SlurmState s = exit < 0 ? SlurmState.RUNNING : exit == 0 ? SlurmState.COMPLETED
                    : exit > 128 ? SlurmState.CANCELLED : SlurmState.FAILED;
            return Optional.of(new TaskState(job, index, s, exit > 128 ? -1 : exit, exit > 128 ? exit - 128 : 0,
                    "task file"));
        } catch (IOException e) {
            return Optional.empty();  // written by rename, so a bad file is one from elsewhere: no record
        }
    }
}
