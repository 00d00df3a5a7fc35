package org.peerkit.tensor;

import java.util.Arrays;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Wall-clock timing for notebooks and benchmarks: a few untimed warm-up calls (JIT, buffer
 * allocation), then {@code reps} timed calls, each ended by {@code Nd4j.getExecutioner().commit()}
 * so asynchronous backends are timed on their work rather than its queueing. Reports the median
 * and the minimum, because on shared machines single calls swing by 2× and the median is the
 * robust summary (the same choice as {@link SgemmProbe}).
 */
public final class Timing {

    /** Sorted samples of one measurement, in seconds. */
    public record Timed(double[] seconds) {
        public Timed {
            if (seconds.length == 0) {
                throw new IllegalArgumentException("a timing needs at least one sample");
            }
            seconds = seconds.clone();
            Arrays.sort(seconds);
        }

        public double median() {
            return seconds[seconds.length / 2];
        }

        public double min() {
            return seconds[0];
        }

        public double medianMs() {
            return median() * 1e3;
        }

        public int reps() {
            return seconds.length;
        }

        /** Items per second at the median time, e.g. tokens/s for a pass over {@code items} tokens. */
        public double rate(double items) {
            return items / median();
        }
    }

    private Timing() {}

    /** Runs {@code task} {@code warmup} times untimed, then {@code reps} times timed. */
    public static Timed time(int warmup, int reps, Runnable task) {
        if (warmup < 0 || reps < 1) {
            throw new IllegalArgumentException("timing needs warmup >= 0 and reps >= 1; got warmup=" + warmup
                    + ", reps=" + reps);
        }
        for (int i = 0; i < warmup; i++) {
            task.run();
        }
        Nd4j.getExecutioner().commit();
        double[] s = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            task.run();
            Nd4j.getExecutioner().commit();
            s[i] = (System.nanoTime() - t0) * 1e-9;
        }
        return new Timed(s);
    }

    /**
     * As {@link #time}, but each sample repeats {@code task} enough times to last at least
     * {@code minSampleSeconds} (calibrated on the last warm-up call) and records the time per
     * call: sub-millisecond tasks are otherwise lost in timer and scheduler noise.
     */
    public static Timed timeBatched(int warmup, int reps, double minSampleSeconds, Runnable task) {
        if (!(minSampleSeconds >= 0)) {
            throw new IllegalArgumentException("minSampleSeconds must be >= 0, got " + minSampleSeconds);
        }
        Timed once = time(Math.max(0, warmup - 1), 1, task);
        int calls = (int) Math.max(1, Math.min(1_000_000, Math.ceil(minSampleSeconds / Math.max(once.min(), 1e-9))));
        Timed batch = time(0, reps, () -> {
            for (int i = 0; i < calls; i++) {
                task.run();
            }
        });
        double[] perCall = batch.seconds().clone();
        for (int i = 0; i < perCall.length; i++) {
            perCall[i] /= calls;
        }
        return new Timed(perCall);
    }

    /**
     * Times several tasks with their samples interleaved (task 0, task 1, …, then again), so a
     * change in machine load between samples hits every task alike and their ratios stay
     * meaningful on a shared machine. Each task first runs {@code warmup} times untimed, then
     * every sample repeats it to last at least {@code minSampleSeconds} as {@link #timeBatched}.
     */
    public static Timed[] interleaved(int warmup, int reps, double minSampleSeconds, Runnable... tasks) {
        if (tasks.length == 0) {
            throw new IllegalArgumentException("interleaved timing needs at least one task");
        }
        if (!(minSampleSeconds >= 0) || warmup < 0 || reps < 1) {
            throw new IllegalArgumentException("interleaved timing needs warmup >= 0, reps >= 1, minSampleSeconds >= 0;"
                    + " got warmup=" + warmup + ", reps=" + reps + ", minSampleSeconds=" + minSampleSeconds);
        }
        int[] calls = new int[tasks.length];
        for (int t = 0; t < tasks.length; t++) {
            Timed once = time(warmup, 1, tasks[t]);
            calls[t] = (int) Math.max(1, Math.min(1_000_000, Math.ceil(minSampleSeconds / Math.max(once.min(), 1e-9))));
        }
        double[][] samples = new double[tasks.length][reps];
        for (int r = 0; r < reps; r++) {
            for (int t = 0; t < tasks.length; t++) {
                Runnable task = tasks[t];
                int n = calls[t];
                samples[t][r] = time(0, 1, () -> {
                    for (int i = 0; i < n; i++) {
                        task.run();
                    }
                }).min() / n;
            }
        }
        Timed[] out = new Timed[tasks.length];
        for (int t = 0; t < tasks.length; t++) {
            out[t] = new Timed(samples[t]);
        }
        return out;
    }
}
