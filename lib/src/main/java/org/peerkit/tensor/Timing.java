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
}
