package org.peerkit.experiment;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;

/**
 * A child JVM training members of a concurrent sweep one after another ({@link SweepWorker}). A
 * reader thread follows its output (stdout and stderr merged): progress lines go to the listener,
 * each outcome line becomes an {@link Event}, and the last other lines are kept for the error of
 * a JVM that dies without one (an {@link Event} with a null outcome).
 *
 * <p>The child sees {@code processors} cores ({@code -XX:ActiveProcessorCount}: its fork-join pool,
 * hence the Java kernels' threads) but keeps the parent's environment, so ND4J's OpenMP and
 * OpenBLAS thread count ({@code OMP_NUM_THREADS}) is that of a run alone: OpenBLAS's sgemm gives
 * other bits on other thread counts ({@code ThreadCountDeterminismTest}), the Java kernels do not.
 */
final class SweepChild {

    private static final int TAIL_LINES = 20;
    private final Process process;
    private final Writer stdin;
    private final Deque<String> tail = new ArrayDeque<>();
    private volatile int member = -1;

    /**
     * Member {@code index} ended in {@code child}: {@code outcome} is the worker's line ("done
     * TRAINED", "locked", "error ..."), or null if the JVM ended without one.
     */
    record Event(SweepChild child, int index, String outcome) {
    }

    /** Reports a member's training progress. */
    @FunctionalInterface
    interface Progress {
        void step(int index, long step, long steps);
    }

    private SweepChild(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** Starts a worker JVM that trains into {@code store}, reporting on {@code events}. */
    static SweepChild start(RunStore store, int processors, Progress progress, BlockingQueue<Event> events) {
        List<String> cmd = command(processors);
        cmd.addAll(List.of(store.root().toString(), Integer.toString(store.checkpointEvery())));
        try {
            SweepChild c = new SweepChild(new ProcessBuilder(cmd).redirectErrorStream(true).start());
            Thread reader = new Thread(() -> c.follow(progress, events), "sweep-worker-" + c.process.pid());
            reader.setDaemon(true);
            reader.start();
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a JVM for the sweep's members (" + cmd.get(0) + "): "
                    + e.getMessage(), e);
        }
    }

    /** Hands member {@code index} (its spec in {@code specFile}) to this worker. */
    void train(int index, Path specFile) {
        member = index;
        try {
            stdin.write(specFile + "\n");
            stdin.flush();
        } catch (IOException e) {
            // the JVM is gone: its reader reports the member when the output ends
        }
    }

    /** No more members: the worker exits once its current one (if any) is done. */
    void finish() {
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
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

    private void follow(Progress progress, BlockingQueue<Event> events) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null;) {
                read(line, progress, events);
            }
        } catch (IOException e) {
            keep("(output unreadable: " + e.getMessage() + ")");
        }
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (member >= 0) {
            events.add(new Event(this, member, null));
        }
    }

    private void read(String line, Progress progress, BlockingQueue<Event> events) {
        if (!line.startsWith(SweepWorker.TAG)) {
            keep(line);
            return;
        }
        String[] f = line.substring(SweepWorker.TAG.length()).split(" ", 3);
        if (f[0].equals("progress") && f.length == 3) {
            progress.step(member, Long.parseLong(f[1]), Long.parseLong(f[2]));
        } else {
            int index = member;
            member = -1;
            events.add(new Event(this, index, line.substring(SweepWorker.TAG.length())));
        }
    }

    private synchronized void keep(String line) {
        tail.addLast(line);
        if (tail.size() > TAIL_LINES) {
            tail.removeFirst();
        }
    }

    /** The origin of a finished run ("TRAINED", "RESUMED", "LOADED"), or null if the member did not finish. */
    static String finished(String outcome) {
        return outcome != null && outcome.startsWith("done ") ? outcome.substring(5) : null;
    }

    /** Why the member failed: the worker's error line, or the JVM's exit status and last lines of output. */
    synchronized String error(String outcome) {
        if (outcome != null && outcome.startsWith("error ")) {
            return SweepWorker.unescape(outcome.substring(6));
        }
        return "its JVM exited with status " + process.exitValue() + " without a result; last output:\n"
                + String.join("\n", tail);
    }

    /** Stops the worker (SIGTERM); its member keeps its last checkpoint and resumes on the next sweep. */
    void stop() {
        process.destroy();
    }
}
