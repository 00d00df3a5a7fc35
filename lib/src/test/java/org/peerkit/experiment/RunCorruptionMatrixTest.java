package org.peerkit.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.peerkit.data.FileDamage;
import org.peerkit.model.DecoderLm;
import org.peerkit.train.Checkpoint;
import org.peerkit.train.CheckpointException;

/**
 * The corruption matrix of a run dir: for every file a finished run leaves (spec, manifest,
 * metrics, evaluations, final numbers, checksums, and the checkpoint's tensors, state and
 * checksums), a flipped byte and a truncation each end in a clear error or in a verified rebuild
 * that gives the same numbers: never in silently different results.
 */
class RunCorruptionMatrixTest {

    @Test
    void everyDamagedFileIsRefusedOrRebuilt(@TempDir Path tmp) throws Exception {
        RunSpec spec = RunStoreTest.quick();
        RunResult clean = RunStore.at(tmp.resolve("clean")).run(spec);
        Map<String, byte[]> snapshot = snapshot(clean.dir());
        assertTrue(snapshot.keySet().containsAll(List.of("spec.json", "manifest.json", "metrics.csv",
                "evals.csv", "complete.json", "checksums.sha256")), snapshot.keySet().toString());
        int n = 0;
        for (String file : snapshot.keySet()) {
            for (Map.Entry<String, UnaryOperator<byte[]>> d : FileDamage.KINDS.entrySet()) {
                String what = file + " " + d.getKey();
                RunStore store = RunStore.at(tmp.resolve("case-" + n++));
                Path dir = store.dir(spec);
                for (Map.Entry<String, byte[]> e : snapshot.entrySet()) {
                    Files.createDirectories(dir.resolve(e.getKey()).getParent());
                    Files.write(dir.resolve(e.getKey()), file.equals(e.getKey()) ? d.getValue().apply(e.getValue())
                            : e.getValue());
                }
                checkRun(store, spec, clean, what);
                if (file.startsWith("checkpoint/")) {
                    Path ckpt = Checkpoint.latest(dir.resolve("checkpoint")).orElseThrow();
                    DecoderLm lm = RunModels.build(spec);
                    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(ckpt, lm, null),
                            what + " was loaded silently");
                    assertTrue(e.getMessage().contains(ckpt.toString()), what + ": " + e.getMessage());
                }
            }
        }
    }

    /** Asking for the run either fails clearly or gives the clean run's numbers. */
    private static void checkRun(RunStore store, RunSpec spec, RunResult clean, String what) {
        try {
            RunResult r = store.run(spec);
            assertEquals(clean.summary().evalLoss(), r.summary().evalLoss(), what);
            assertEquals(clean.summary().trainLoss(), r.summary().trainLoss(), what);
            assertEquals(clean.summary().steps(), r.summary().steps(), what);
            assertEquals(clean.metrics().rowCount(), r.metrics().rowCount(), what);
        } catch (IllegalStateException | IllegalArgumentException e) {  // RunCorruptException among them
            assertTrue(e.getMessage() != null && e.getMessage().contains(store.dir(spec).toString()),
                    what + ": " + e.getMessage());
        } catch (RuntimeException e) {
            fail(what + ": raw " + e, e);
        }
    }

    /** The run dir's files, less the lock file (held, or not, by whoever last ran). */
    private static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> out = FileDamage.snapshot(dir);
        out.remove(RunLock.FILE);
        return out;
    }
}
