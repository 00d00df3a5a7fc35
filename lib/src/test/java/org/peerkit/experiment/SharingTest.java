package org.peerkit.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run store shared by a group and by concurrent sweeps. */
class SharingTest {

    /** Every file and folder a run leaves is readable by the group (temp files start owner-only). */
    @Test
    void runFilesAreGroupReadable(@TempDir Path root) throws Exception {
        Assumptions.assumeTrue(Files.getFileAttributeView(root, PosixFileAttributeView.class) != null, "POSIX only");
        Path dir = RunStore.at(root).run(RunStoreTest.quick()).dir();
        List<Path> all;
        try (var w = Files.walk(dir)) {
            all = w.toList();
        }
        assertTrue(all.size() > 8, all.toString());
        for (Path p : all) {
            var perms = Files.getPosixFilePermissions(p);
            assertTrue(perms.contains(PosixFilePermission.GROUP_READ), p + " " + perms);
            if (Files.isDirectory(p)) {
                assertTrue(perms.contains(PosixFilePermission.GROUP_EXECUTE), p + " " + perms);
            }
        }
    }

    /** 10⁴ members: the sweep says how long it will take before it trains anything. */
    @Test
    void aHugeSweepWarnsWithItsEstimatedTimeBeforeItStarts(@TempDir Path root) {
        List<Integer> seeds = IntStream.range(0, 10_000).boxed().toList();
        Sweep big = Sweep.grid("big", RunStoreTest.quick(), Map.of("seed", seeds));
        List<String> events = new ArrayList<>();
        SweepListener recording = new SweepListener() {
            @Override
            public void warning(String message) {
                events.add(message);
            }

            @Override
            public void starting(int index, int total, RunSpec spec) {
                events.add("starting");
                throw new IllegalStateException("stop before training");
            }
        };
        assertThrows(IllegalStateException.class, () -> big.run(RunStore.at(root), recording));
        assertEquals(2, events.size(), events.toString());
        assertTrue(events.get(0).startsWith("sweep 'big' has 10,000 members, 10,000 of them to train: about ")
                && events.get(0).contains("an assumed speed"), events.get(0));
        assertEquals("starting", events.get(1));
        Sweep small = Sweep.grid("small", RunStoreTest.quick(), Map.of("seed", List.of(1, 2)));
        assertFalse(SweepEstimate.of(small.specs(), RunStore.at(root)).warning("small").isPresent());
    }

    /**
     * Two sweeps share a member: while the other process trains it, this sweep goes on with the rest
     * and then waits for it, and loads the result instead of marking it failed.
     */
    @Test
    void aMemberAnotherSweepIsTrainingIsWaitedForNotFailed(@TempDir Path tmp) throws Exception {
        RunSpec shared = RunStoreTest.quick();
        RunSpec own = shared.withSeed(2);
        RunStore store = RunStore.at(tmp.resolve("store"));
        Path finishedElsewhere = RunStore.at(tmp.resolve("elsewhere")).run(shared).dir();
        Sweep sweep = Sweep.of("mine", List.of(shared, own));
        CompletableFuture<SweepResult> result;
        try (RunLock other = RunLock.acquire(store.dir(shared), Duration.ZERO)) {  // the other sweep trains it
            List<Integer> finished = new CopyOnWriteArrayList<>();
            result = CompletableFuture.supplyAsync(() -> sweep.run(store, new SweepListener() {
                @Override
                public void finished(SweepMember m, int done, int total) {
                    finished.add(m.index());
                }
            }));
            for (int i = 0; i < 3000 && finished.isEmpty(); i++) {
                Thread.sleep(10);
            }
            assertEquals(List.of(1), finished, "the other member ran first");
            try (var w = Files.walk(finishedElsewhere)) {  // the other process finishes the run
                for (Path p : w.filter(Files::isRegularFile).toList()) {
                    Path to = store.dir(shared).resolve(finishedElsewhere.relativize(p));
                    if (!to.getFileName().toString().equals(RunLock.FILE)) {
                        Files.createDirectories(to.getParent());
                        Files.copy(p, to);
                    }
                }
            }
        }
        SweepResult r = result.get(120, TimeUnit.SECONDS);
        assertTrue(r.failures().isEmpty(), r.failures().toString());
        assertEquals(RunResult.Origin.LOADED, r.members().get(0).result().origin());
        assertEquals(RunResult.Origin.TRAINED, r.members().get(1).result().origin());
    }
}
