package org.peerkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.peerkit.experiment.Budget;
import org.peerkit.experiment.RunSpec;

/** The Slurm options of {@code peerkit sweep}: bad values fail before anything is submitted (no Slurm needed). */
class SlurmSweepOptionsTest extends InProcessCli {

    static Path grid(Path dir) throws Exception {
        Path f = dir.resolve("g.json");
        Files.writeString(f, "{\"name\": \"g\", \"base\": " + RunSpec.defaults().withBudget(Budget.tokens(512)).toJson()
                + ", \"grid\": {\"seed\": [1, 2]}}");
        return f;
    }

    @Test
    void badResourceValuesAreNamed(@TempDir Path tmp) throws Exception {
        String g = grid(tmp).toString();
        String runs = tmp.resolve("runs").toString();
        assertEquals(1, run("sweep", "--grid", g, "--runs", runs, "--slurm", "--mem", "12X"));
        assertTrue(err.toString().contains("error: --mem=12X is not a Slurm memory size"), err.toString());
        assertEquals(1, run("sweep", "--grid", g, "--runs", runs, "--slurm", "--time", "2h"));
        assertTrue(err.toString().contains("error: --time=2h is not a Slurm time limit"), err.toString());
        assertEquals(1, run("sweep", "--grid", g, "--runs", runs, "--slurm", "--cpus", "0"));
        assertTrue(err.toString().contains("error: --cpus=0 must be at least 1"), err.toString());
        assertEquals(2, run("sweep", "--grid", g, "--runs", runs, "--slurm", "--cpus", "many"));
        assertFalse(Files.exists(tmp.resolve("runs/sweeps/g/submissions.json")), "nothing was submitted");
    }

    @Test
    void resourcesWithoutASubmissionAndStatusWithOneAreRefused(@TempDir Path tmp) throws Exception {
        String g = grid(tmp).toString();
        assertEquals(1, run("sweep", "--grid", g, "--partition", "gpu"));
        assertTrue(err.toString().contains("error: --partition, --time, --mem, --cpus, --account and --sbatch only apply"
                + " to a Slurm submission: add --slurm"), err.toString());
        assertEquals(1, run("sweep", "--grid", g, "--status", "--slurm"));
        assertTrue(err.toString().contains("error: --status only shows the sweep"), err.toString());
    }

    @Test
    void statusOfASweepNeverSubmittedListsItsMembers(@TempDir Path tmp) throws Exception {
        assertEquals(0, run("sweep", "--grid", grid(tmp).toString(), "--runs", tmp.resolve("runs").toString(), "--status"),
                err.toString());
        assertTrue(out.toString().contains("sweep g: 0 of 2 complete, 0 queued or running, 0 failed or cancelled"),
                out.toString());
        assertEquals(2, out.toString().split("not submitted", -1).length - 1, out.toString());
    }

    @Test
    void theTaskEntryChecksItsIndexAndReadsTheFaultList(@TempDir Path tmp) throws Exception {
        Files.copy(grid(tmp), tmp.resolve("grid.json"));
        assertEquals(1, run("sweep-task", "--folder", tmp.toString(), "--index", "5", "--runs", tmp.toString()));
        assertTrue(err.toString().contains("error: --index=5 is not a member of sweep 'g' (members 0-1)"), err.toString());
        assertTrue(SweepTaskCommand.faulty("1", 1));
        assertTrue(SweepTaskCommand.faulty("0, 3", 3));
        assertFalse(SweepTaskCommand.faulty("13", 1));
        assertFalse(SweepTaskCommand.faulty(null, 0));
    }
}
