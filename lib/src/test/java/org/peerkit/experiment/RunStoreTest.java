package org.peerkit.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.peerkit.data.Split;
import org.peerkit.flops.FfwSpec;
import org.peerkit.train.StepMetrics;
import org.peerkit.train.TrainListener;
import org.peerkit.train.Trainer;
import org.peerkit.testing.ChildJvm;

class RunStoreTest {

    /** 24 steps of the tiny model, evaluated every 6 steps. */
    static RunSpec killSpec() {
        return RunSpec.defaults().withBudget(Budget.tokens(24L * 4 * 16))
                .withData(new DataSpec(DataSpec.Source.SYNTHETIC, List.of(Split.VALID,
                        Split.BROWN), 2, 6));
    }

    /** 8 steps: for tests about the run dir, not the training. */
    static RunSpec quick() {
        return RunSpec.defaults().withBudget(Budget.tokens(8L * 4 * 16));
    }

    static final class StepCounter implements TrainListener {
        final AtomicInteger steps = new AtomicInteger();

        @Override
        public void onStep(Trainer t, StepMetrics m) {
            steps.incrementAndGet();
        }
    }

    @Test
    void aTinyRunCompletesAndAskingAgainLoadsItWithoutTrainingOrData(@TempDir Path root) throws Exception {
        CountingData data = new CountingData();
        RunStore store = RunStore.at(root).withData(data);
        RunSpec spec = RunSpec.defaults();
        StepCounter first = new StepCounter();
        RunResult r = store.run(spec, first);
        assertEquals(RunResult.Origin.TRAINED, r.origin());
        assertEquals(40, first.steps.get());
        assertEquals(40, r.summary().steps());
        assertEquals(40, r.metrics().rowCount());
        assertTrue(r.summary().trainLoss() < Math.log(64), "loss fell below ln V: " + r.summary().trainLoss());
        Path dir = root.resolve(spec.id());
        for (String f : List.of("spec.json", "manifest.json", "metrics.csv", "evals.csv", "complete.json")) {
            assertTrue(Files.exists(dir.resolve(f)), f);
        }
        assertEquals(RunStatus.COMPLETE, store.status(spec).status());

        int callsBefore = data.calls.get();
        StepCounter second = new StepCounter();
        RunResult again = store.run(spec, second);
        assertEquals(RunResult.Origin.LOADED, again.origin());
        assertEquals(0, second.steps.get(), "the trainer ran again");
        assertEquals(callsBefore, data.calls.get(), "loading a finished run opened data");
        assertEquals(r.summary(), again.summary());
    }

    @Test
    void aRunKilledMidwayResumesOntoTheUninterruptedCurveBitForBit(@TempDir Path tmp) throws Exception {
        RunResult straight = RunStore.at(tmp.resolve("straight")).withCheckpointEvery(5).run(killSpec());

        Path root = tmp.resolve("killed");
        Process p = java(RunChild.class, "run", root.toString(), "60").redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        for (String line; (line = out.readLine()) != null;) {
            seen.add(line);
            if (line.equals("step 13")) {
                break;  // checkpoint at 10, evaluation at 12, rows up to 13 written: kill it now
            }
        }
        assertTrue(seen.contains("step 13"), () -> "child did not get to step 13: " + seen);
        p.destroyForcibly();  // SIGKILL: no shutdown hooks
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        RunStore store = RunStore.at(root).withCheckpointEvery(5);
        RunInfo partial = store.status(killSpec());
        assertEquals(RunStatus.PARTIAL, partial.status());
        // checkpoints every 5 steps: normally step 10; 15 or 20 if the child outran the kill
        Matcher m = Pattern.compile("checkpoint at step (\\d+)").matcher(partial.detail());
        assertTrue(m.lookingAt(), partial.detail());
        int at = Integer.parseInt(m.group(1));
        assertTrue(at >= 10 && at < 24, partial.detail());

        StepCounter resumed = new StepCounter();
        RunResult r = store.run(killSpec(), resumed);
        assertEquals(RunResult.Origin.RESUMED, r.origin());
        assertEquals(24 - at, resumed.steps.get(), "resumed from step " + at + " of 24");
        assertEquals(straight.summary().trainLoss(), r.summary().trainLoss(), 0.0);
        assertEquals(straight.summary().evalLoss(), r.summary().evalLoss());
        assertEquals(deterministic(straight.dir().resolve("metrics.csv")), deterministic(r.dir().resolve("metrics.csv")));
        assertEquals(Files.readAllLines(straight.dir().resolve("evals.csv")), Files.readAllLines(r.dir().resolve("evals.csv")));
    }

    /** metrics.csv without the wall-time column. */
    /** Interrupts the training thread after step {@code step}, as a kernel's "interrupt" does to the cell thread. */
    private static TrainListener interruptAt(long step) {
        return new TrainListener() {
            @Override
            public void onStep(Trainer t, StepMetrics m) {
                if (m.step() == step) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    private static List<String> deterministic(Path csv) throws Exception {
        return Files.readAllLines(csv).stream().map(l -> l.substring(0, l.lastIndexOf(','))).toList();
    }

    @Test
    void aRunDirWhoseSpecDoesNotMatchItsHashIsReportedAndCanBeRerun(@TempDir Path root) throws Exception {
        RunStore store = RunStore.at(root);
        RunSpec spec = quick();
        store.run(spec);
        Path specFile = root.resolve(spec.id()).resolve("spec.json");
        Files.writeString(specFile, Files.readString(specFile).replace("\"seed\" : 1", "\"seed\" : 2"));
        RunCorruptException e = assertThrows(RunCorruptException.class, () -> store.run(spec));
        assertTrue(e.getMessage().contains("is corrupt: its spec.json hashes to " + spec.withSeed(2).id()
                + ", not to the folder name " + spec.id()), e.getMessage());
        assertTrue(e.getMessage().contains("store.rerun(spec)") && e.getMessage().contains("--force"), e.getMessage());
        assertEquals(RunStatus.CORRUPT, store.status(spec).status());
        assertEquals(RunResult.Origin.TRAINED, store.rerun(spec).origin());
        assertEquals(RunResult.Origin.LOADED, store.run(spec).origin());
    }

    @Test
    void aCorruptCheckpointOrManifestIsReportedNotReused(@TempDir Path root) throws Exception {
        RunStore store = RunStore.at(root);
        RunSpec spec = quick();
        Path dir = store.run(spec).dir();
        Files.delete(dir.resolve("complete.json"));  // as if killed before finishing
        Path params;
        try (var w = Files.walk(dir.resolve("checkpoint"))) {
            params = w.filter(p -> p.getFileName().toString().equals("params.safetensors")).findFirst().orElseThrow();
        }
        byte[] b = Files.readAllBytes(params);
        b[b.length - 1] ^= 1;
        Files.write(params, b);
        RunCorruptException e = assertThrows(RunCorruptException.class, () -> store.run(spec));
        assertTrue(e.getMessage().contains("its checkpoint is unreadable") && e.getMessage().contains("SHA-256"),
                e.getMessage());

        Files.writeString(dir.resolve("manifest.json"), "{ not json");
        e = assertThrows(RunCorruptException.class, () -> store.run(spec));
        assertTrue(e.getMessage().contains("manifest.json does not match the SHA-256 recorded"), e.getMessage());
    }

    /** Resuming needs metrics up to the checkpoint's step, each row well-formed. */
    @Test
    void aTruncatedOrGarbledMetricsFileStopsTheResumeWithAReason(@TempDir Path root) throws Exception {
        RunStore store = RunStore.at(root).withCheckpointEvery(4);
        RunSpec spec = quick();
        assertThrows(IllegalStateException.class, () -> store.run(spec, interruptAt(5)));
        Path metrics = store.dir(spec).resolve("metrics.csv");
        List<String> rows = Files.readAllLines(metrics);
        Files.write(metrics, rows.subList(0, 4));  // header + steps 1..3, checkpoint at 6
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.run(spec));
        assertTrue(e.getMessage().contains("metrics.csv ends at step 3 but training resumes from a checkpoint at step 6"),
                e.getMessage());
        List<String> garbled = new ArrayList<>(rows);
        garbled.set(2, "2,x7,oops");
        Files.write(metrics, garbled);
        e = assertThrows(IllegalStateException.class, () -> store.run(spec));
        assertTrue(e.getMessage().contains("metrics.csv line 3 is not a metrics row ('2,x7,oops')"), e.getMessage());
        Files.writeString(metrics, String.join("\n", rows) + "\n7,1");  // a row cut short by a crash is dropped
        assertEquals(RunResult.Origin.RESUMED, store.run(spec).origin());
    }

    @Test
    void aSecondProcessAskingForARunBeingTrainedFailsClearly(@TempDir Path root) throws Exception {
        RunSpec spec = quick();
        Process p = java(RunChild.class, "lock", root.resolve(spec.id()).toString()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine());
            RunStore store = RunStore.at(root);
            assertEquals(RunStatus.NEW, store.status(spec).status());  // locked but nothing written yet
            RunLockedException e = assertThrows(RunLockedException.class, () -> store.run(spec));
            assertTrue(e.getMessage().startsWith("run " + spec.id() + " is being trained by another process (pid "
                    + p.pid() + ","), e.getMessage());
        } finally {
            p.getOutputStream().close();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(RunResult.Origin.TRAINED, RunStore.at(root).run(spec).origin());  // the lock died with it
    }

    @Test
    void withALockWaitTheSecondAskerWaitsForTheHolderThenTrains(@TempDir Path root) throws Exception {
        RunSpec spec = quick();
        Process p = java(RunChild.class, "lock", root.resolve(spec.id()).toString()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("locked", out.readLine());
        AtomicBoolean released = new AtomicBoolean();
        Thread release = new Thread(() -> {
            try {
                Thread.sleep(300);
                released.set(true);
                p.getOutputStream().close();  // the holder exits, the OS drops its lock
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        release.start();
        AtomicBoolean startedAfterRelease = new AtomicBoolean();
        RunResult r = RunStore.at(root).withLockWait(Duration.ofMinutes(2)).run(spec, new TrainListener() {
            @Override
            public void onStart(Trainer t) {
                startedAfterRelease.set(released.get());
            }
        });
        assertEquals(RunResult.Origin.TRAINED, r.origin());
        assertTrue(startedAfterRelease.get(), "training started while the other process held the lock");
        release.join();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }

    @Test
    void anInterruptedRunStopsAtACheckpointAndResumes(@TempDir Path root) {
        RunStore store = RunStore.at(root);
        RunSpec spec = RunSpec.defaults();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.run(spec, interruptAt(5)));
        assertTrue(e.getMessage().contains("interrupted at step 6; checkpoint written, run it again to resume"),
                e.getMessage());
        RunInfo info = store.status(spec);
        assertEquals(RunStatus.PARTIAL, info.status());
        assertTrue(info.detail().startsWith("checkpoint at step 6; last attempt failed"), info.detail());
        StepCounter rest = new StepCounter();
        RunResult r = store.run(spec, rest);
        assertEquals(RunResult.Origin.RESUMED, r.origin());
        assertEquals(34, rest.steps.get());
        assertEquals(40, r.metrics().rowCount());
    }

    @Test
    void anInterruptedPeerRunResumesOntoTheUninterruptedTrainingCurve(@TempDir Path root) {
        RunSpec spec = quick().withFfw(new FfwSpec.Peer(64, 2, 4, 8, true));
        RunResult straight = RunStore.at(root.resolve("a")).run(spec);
        RunStore store = RunStore.at(root.resolve("b"));
        assertThrows(IllegalStateException.class, () -> store.run(spec, interruptAt(3)));
        RunResult resumed = store.run(spec);
        assertEquals(RunResult.Origin.RESUMED, resumed.origin());
        assertEquals(straight.summary().trainLoss(), resumed.summary().trainLoss(), 0.0);
        assertEquals(deterministicRows(straight), deterministicRows(resumed));
        // evaluation runs the query BatchNorm on its running statistics, which checkpoints carry
        assertEquals(readLines(straight.dir().resolve("evals.csv")), readLines(resumed.dir().resolve("evals.csv")));
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aMoeRunTrainsWithExpertChoiceAndAskingAgainLoadsIt(@TempDir Path root) {
        RunSpec spec = quick().withFfw(new FfwSpec.Moe(4, 1.0));
        RunStore store = RunStore.at(root);
        RunResult first = store.run(spec);
        assertTrue(Double.isFinite(first.summary().trainLoss()), "MoE run loss " + first.summary().trainLoss());
        assertEquals(RunResult.Origin.LOADED, store.run(spec).origin());
    }

    private static List<String> deterministicRows(RunResult r) {
        try {
            return deterministic(r.dir().resolve("metrics.csv"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ProcessBuilder java(Class<?> main, String... args) {
        return ChildJvm.java(main, args);
    }
}
