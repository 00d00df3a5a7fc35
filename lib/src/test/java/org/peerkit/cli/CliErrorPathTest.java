package org.peerkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.peerkit.experiment.Budget;
import org.peerkit.experiment.RunSpec;
import org.peerkit.experiment.SpecJson;

/** Bad inputs and faults driven through the command line in-process: one clear error each, never a stack trace. */
class CliErrorPathTest extends InProcessCli {

    /** Exit 1 and an error line containing {@code expected}, with no stack trace. */
    void assertFails(String expected, String... args) {
        assertEquals(1, run(args), "out: " + out + "\nerr: " + err);
        String e = err.toString();
        assertTrue(e.startsWith("error: ") && e.contains(expected), "expected '" + expected + "' in: " + e);
        assertFalse(e.contains("\tat ") || e.contains("Exception:") || e.contains("Caused by"), "stack trace in: " + e);
        assertTrue(e.strip().lines().count() <= 2, "more than two lines: " + e);
    }

    @Test
    void aBadRunStoreIsNamed(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
        assertFails("the run store " + file + " is a file, not a folder", "runs", "--runs", file.toString());
        Path spec = Files.writeString(dir.resolve("s.json"), SpecJson.pretty(quick()));
        assertFails(file + "/" + quick().id() + " is in the way: a file stands where a folder is needed",
                "train", "--spec", spec.toString(), "--runs", file.toString());
        assertEquals(1, run("train", "--spec", spec.toString(), "--runs", file.toString(), "--verbose"));
        assertTrue(err.toString().startsWith("error: " + file + "/" + quick().id() + " is in the way")
                && err.toString().contains("\tat "), "--verbose adds the stack trace: " + err);
    }

    @Test
    void aBadJobsCountIsNamed(@TempDir Path dir) throws Exception {
        Path grid = Files.writeString(dir.resolve("g.json"), "{\"grid\": {\"seed\": [1, 2]}}");
        String runs = dir.resolve("runs").toString();
        assertFails("--jobs=0 must be at least 1", "sweep", "--grid", grid.toString(), "--jobs", "0", "--runs", runs);
        assertFails("--jobs is for a sweep on this machine; with --slurm each member is its own array task",
                "sweep", "--grid", grid.toString(), "--jobs", "2", "--slurm", "--runs", runs);
    }

    @Test
    void aFileWhereTheDataCacheShouldBeIsNamed(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("cache"), "x");
        System.setProperty("peerkit.data", file.toString());
        assertFails(file + " is a file, but the data cache needs a folder there", "data", "prepare", "--no-progress");
    }

    @Test
    void aTruncatedFinalCheckpointAndAGarbageMetricsRowAreNamed(@TempDir Path dir) throws Exception {
        Path spec = Files.writeString(dir.resolve("s.json"), SpecJson.pretty(quick()));
        String runs = dir.resolve("runs").toString();
        assertEquals(0, run("train", "--spec", spec.toString(), "--runs", runs), err.toString());
        Path runDir = dir.resolve("runs").resolve(quick().id());
        Path params;
        try (var w = Files.walk(runDir.resolve("checkpoint"))) {
            params = w.filter(p -> p.getFileName().toString().equals("params.safetensors")).findFirst().orElseThrow();
        }
        byte[] b = Files.readAllBytes(params);
        Files.write(params, Arrays.copyOf(b, b.length / 2));
        assertFails("params.safetensors is corrupt, truncated or edited", "eval", quick().id(), "--runs", runs);

        Files.write(params, b);
        Files.delete(runDir.resolve("complete.json"));  // a partial run, to be resumed
        List<String> rows = Files.readAllLines(runDir.resolve("metrics.csv"));
        rows.set(3, "3,oops");
        Files.write(runDir.resolve("metrics.csv"), rows);
        assertFails("metrics.csv line 4 is not a metrics row ('3,oops')", "train", "--spec", spec.toString(),
                "--runs", runs);
    }

    @Test
    void failuresFromBelowBecomeSentencesWithTheFix() {
        String heap = CliErrors.describe(new OutOfMemoryError("Java heap space"));
        assertTrue(heap.startsWith("out of Java heap memory (Java heap space) with a heap of at most")
                && heap.contains("PEERKIT_JAVA_OPTS=-Xmx8g"), heap);
        String offHeap = CliErrors.describe(new RuntimeException("step failed", new OutOfMemoryError(
                "Cannot allocate new FloatPointer(1000000000): totalBytes = 3G, physicalBytes = 5G")));
        assertTrue(offHeap.contains("FloatPointer(1000000000)") && offHeap.contains("org.bytedeco.javacpp.maxbytes"),
                offHeap);
        IllegalStateException original = new IllegalStateException("loss is NaN at step 7; lower the learning rate");
        original.addSuppressed(new UncheckedIOException("could not write error.txt",
                new IOException("No space left on device")));
        String masked = CliErrors.describe(original);
        assertTrue(masked.startsWith("loss is NaN at step 7; lower the learning rate (Then recording that failed too:"
                + " the disk is full"), masked);
        String bug = CliErrors.describe(new NullPointerException("x is null"));
        assertTrue(bug.startsWith("unexpected NullPointerException: x is null. This is a bug"), bug);
    }

    @Test
    void unknownKnobValuesAreErrors() {
        for (Map.Entry<String, String> bad : Map.of("PEERKIT_SCALE", "ful", "PEERKIT_BACKEND", "gpu",
                "PEERKIT_SIMD", "yes").entrySet()) {
            var e = assertThrows(IllegalArgumentException.class, () -> Knobs.check(Map.of(bad.getKey(), bad.getValue())));
            assertTrue(e.getMessage().startsWith(bad.getKey() + "=" + bad.getValue() + " is not a"), e.getMessage());
        }
        Knobs.check(Map.of("PEERKIT_SCALE", "full", "PEERKIT_SIMD", "off"));
    }

    private static RunSpec quick() {
        return RunSpec.defaults().withBudget(Budget.tokens(8L * 4 * 16));
    }
}
