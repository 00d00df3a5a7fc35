package org.peerkit.experiment;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;

/**
 * One member of a concurrent sweep training in its own JVM ({@link SweepWorker}). A reader thread
 * follows the child's output (stdout and stderr merged): progress lines go to the listener, the
 * outcome line is kept, and the last other lines are kept for the error of a child that dies
 * without one; when the output ends it waits for the exit and hands itself to {@code exited}.
 *
 * <p>The child sees {@code processors} cores ({@code -XX:ActiveProcessorCount}: its fork-join pool,
 * hence the Java kernels' threads) but keeps the parent's environment, so ND4J's OpenMP and
 * OpenBLAS thread count ({@code OMP_NUM_THREADS}) is that of a run alone: OpenBLAS's sgemm gives
 * other bits on other thread counts ({@code ThreadCountDeterminismTest}), the Java kernels do not.
 */
final class SweepChild {

    private static final int TAIL_LINES = 20;
    private final int index;
    private final Process process;
    private final Deque<String> tail = new ArrayDeque<>();
    private volatile String outcome;

    /** Reports a child's training progress. */
    @FunctionalInterface
    interface Progress {
        void step(int index, long step, long steps);
    }

    private SweepChild(int index, Process process) {
        this.index = index;
        this.process = process;
    }

    /** Starts member {@code index} (its spec in {@code specFile}) training into {@code store}. */
    static SweepChild start(int index, Path specFile, RunStore store, int processors, Progress progress,
            BlockingQueue<SweepChild> exited) {
        List<String> cmd = command(processors);
        cmd.addAll(List.of(store.root().toString(), Integer.toString(store.checkpointEvery()), specFile.toString()));
        try {
            SweepChild c = new SweepChild(index, new ProcessBuilder(cmd).redirectErrorStream(true).start());
            Thread reader = new Thread(() -> c.follow(progress, exited), "sweep-member-" + index);
            reader.setDaemon(true);
            reader.start();
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a JVM for sweep member " + index + " (" + cmd.get(0) + "): "
                    + e.getMessage(), e);
        }
    }

    /** This JVM's java, options (less agents and a processor count) and classpath, running {@link SweepWorker}. */
    static List<String> command(int processors) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        boolean vector = false;
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-agentlib") || a.startsWith("-javaagent") || a.startsWith("-Xrunjdwp")
                    || a.startsWith("-XX:ActiveProcessorCount")) {
                continue;
            }
            vector |= a.contains("jdk.incubator.vector");
            cmd.add(a);
        }
        if (!vector && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            cmd.add("--add-modules=jdk.incubator.vector");  // else Simd's scalar fallback sums in another order
        }
        cmd.add("-XX:ActiveProcessorCount=" + processors);
        cmd.add("-cp");
        cmd.add(classpath());
        cmd.add(SweepWorker.class.getName());
        return cmd;
    }

    /** java.class.path, plus where this class came from when that is not on it (a notebook kernel's loader). */
    private static String classpath() {
        String cp = System.getProperty("java.class.path", "");
        try {
            String own = Path.of(SweepChild.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            return cp.contains(own) ? cp : own + (cp.isEmpty() ? "" : java.io.File.pathSeparator + cp);
        } catch (Exception e) {
            return cp;
        }
    }

    private void follow(Progress progress, BlockingQueue<SweepChild> exited) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null;) {
                read(line, progress);
            }
        } catch (IOException e) {
            keep("(output unreadable: " + e.getMessage() + ")");
        }
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        exited.add(this);
    }

    private void read(String line, Progress progress) {
        if (!line.startsWith(SweepWorker.TAG)) {
            keep(line);
            return;
        }
        String[] f = line.substring(SweepWorker.TAG.length()).split(" ", 3);
        if (f[0].equals("progress") && f.length == 3) {
            progress.step(index, Long.parseLong(f[1]), Long.parseLong(f[2]));
        } else {
            outcome = line.substring(SweepWorker.TAG.length());
        }
    }

    private synchronized void keep(String line) {
        tail.addLast(line);
        if (tail.size() > TAIL_LINES) {
            tail.removeFirst();
        }
    }

    int index() {
        return index;
    }

    /** The origin of a finished run ("TRAINED", "RESUMED", "LOADED"), or null if the child did not finish it. */
    String finished() {
        return outcome != null && outcome.startsWith("done ") ? outcome.substring(5) : null;
    }

    boolean locked() {
        return "locked".equals(outcome) || process.exitValue() == SweepWorker.LOCKED;
    }

    /** Why the member failed: the child's error line, or its exit status and last lines of output. */
    synchronized String error() {
        if (outcome != null && outcome.startsWith("error ")) {
            return SweepWorker.unescape(outcome.substring(6));
        }
        return "its JVM exited with status " + process.exitValue() + " without a result; last output:\n"
                + String.join("\n", tail);
    }

    /** Stops the child (SIGTERM); its run keeps its last checkpoint and resumes on the next sweep. */
    void stop() {
        process.destroy();
    }
}
