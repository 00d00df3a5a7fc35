package org.peerkit.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.IntConsumer;

/**
 * The members of a sweep trained {@code jobs} at a time by as many child JVMs ({@link SweepChild}),
 * each seeing {@code cores / jobs} processors and training member after member. Child JVMs rather than threads: ND4J's and OpenBLAS's
 * thread counts are process-wide, and a crash or out-of-memory in one member cannot take the
 * others along. Complete members are loaded here without a child. Each child's outcome becomes a
 * {@link SweepMember} as it ends (a failure is recorded, the rest go on); a member another
 * process is training is handed back for the sweep to wait on. Ctrl-C, a JVM exit or an interrupt
 * of the calling thread stops the children (they also exit when this JVM dies: {@link SweepWorker}).
 */
final class SweepJobs {

    private final List<RunSpec> specs;
    private final RunStore store;
    private final int jobs;
    private final SweepListener listener;

    SweepJobs(List<RunSpec> specs, RunStore store, int jobs, SweepListener listener) {
        this.specs = specs;
        this.store = store;
        this.jobs = jobs;
        this.listener = listener;
    }

    /** Fills {@code done}, calling {@code finished} after each member; returns the members another process holds. */
    List<Integer> run(SweepMember[] done, IntConsumer finished) {
        Deque<Integer> pending = new ArrayDeque<>();
        for (int i = 0; i < specs.size(); i++) {
            if (store.status(specs.get(i)).status() == RunStatus.COMPLETE) {
                listener.starting(i, specs.size(), specs.get(i));
                done[i] = new SweepMember(i, specs.get(i), store.run(specs.get(i)), null);
                finished.accept(i);
            } else {
                pending.add(i);
            }
        }
        if (pending.isEmpty()) {
            return List.of();
        }
        Path specDir = tempDir();
        try {
            return train(pending, specDir, done, finished);
        } finally {
            deleteTree(specDir);
        }
    }

    private List<Integer> train(Deque<Integer> pending, Path specDir, SweepMember[] done, IntConsumer finished) {
        int width = Math.min(jobs, pending.size());
        int processors = Math.max(1, Runtime.getRuntime().availableProcessors() / width);
        List<SweepChild> workers = new ArrayList<>();
        BlockingQueue<SweepChild.Event> events = new LinkedBlockingQueue<>();
        Thread stopAll = new Thread(() -> stop(workers), "sweep-stop-workers");
        Runtime.getRuntime().addShutdownHook(stopAll);
        List<Integer> busy = new ArrayList<>();
        int training = 0;
        try {
            for (int w = 0; w < width; w++) {
                training += next(start(processors, events, workers), pending, specDir);
            }
            while (training > 0) {
                SweepChild.Event e = events.take();
                training--;
                if (!outcome(e, done)) {
                    busy.add(e.index());
                } else {
                    finished.accept(e.index());
                }
                boolean healthy = SweepChild.finished(e.outcome()) != null || "locked".equals(e.outcome());
                // a worker whose member failed exits (its JVM may be unwell): a fresh one takes the next
                training += next(healthy ? e.child() : start(processors, events, workers), pending, specDir);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sweep interrupted: its training members were stopped and keep their last"
                    + " checkpoints; run the sweep again to resume them", e);
        } finally {
            stop(workers);
            removeHook(stopAll);
        }
        return busy;
    }

    private SweepChild start(int processors, BlockingQueue<SweepChild.Event> events, List<SweepChild> workers) {
        SweepChild c = SweepChild.start(store, processors, listener::progress, events);
        synchronized (workers) {
            workers.add(c);
        }
        return c;
    }

    /** Gives the worker the next pending member (1), or lets it exit when none is left (0). */
    private int next(SweepChild worker, Deque<Integer> pending, Path specDir) {
        if (pending.isEmpty()) {
            worker.finish();
            return 0;
        }
        int i = pending.poll();
        listener.starting(i, specs.size(), specs.get(i));
        worker.train(i, writeSpec(specDir, i));
        return 1;
    }

    /** Records the event's member in {@code done}; false if another process holds its run. */
    private boolean outcome(SweepChild.Event e, SweepMember[] done) {
        int i = e.index();
        RunSpec spec = specs.get(i);
        String origin = SweepChild.finished(e.outcome());
        if ("locked".equals(e.outcome())) {
            return false;
        }
        if (origin == null) {
            done[i] = new SweepMember(i, spec, null, e.child().error(e.outcome()));
            return true;
        }
        RunResult r = store.result(spec.id()).orElse(null);
        done[i] = r == null ? new SweepMember(i, spec, null, "IllegalStateException: member " + i + "'s JVM reported"
                + " it done but its run dir " + store.dir(spec) + " is not complete")
                : new SweepMember(i, spec, new RunResult(r.id(), r.dir(), r.spec(), r.summary(),
                        RunResult.Origin.valueOf(origin)), null);
        return true;
    }

    private static void stop(List<SweepChild> workers) {
        synchronized (workers) {
            workers.forEach(SweepChild::stop);
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting: the hook runs (or ran) and stops the children
        }
    }

    private Path writeSpec(Path dir, int i) {
        Path f = dir.resolve("member-" + i + ".json");
        try {
            Files.writeString(f, SpecJson.pretty(specs.get(i)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write member " + i + "'s spec to " + f + ": " + e.getMessage(), e);
        }
        return f;
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("peerkit-sweep-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a temporary folder for the members' specs (" + e.getMessage()
                    + "): set java.io.tmpdir to a writable folder", e);
        }
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
