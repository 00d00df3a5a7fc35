package org.peerkit.tensor;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Row-parallel loops for the Java kernels and layers, on the common fork-join pool. Each row is
 * computed by one thread from its own inputs only, so results do not depend on scheduling (exact
 * resume). Work stealing also keeps the loops fast when other processes share the cores, where
 * ND4J's statically split OpenMP loops wait for a descheduled thread.
 */
public final class Parallel {

    /** Target multiply-adds per task: big enough to amortise task overhead, small enough to balance. */
    private static final int TASK_WORK = 1 << 16;

    private Parallel() {
    }

    /** Body over rows [from, to). */
    @FunctionalInterface
    public interface RowRange {
        void run(int from, int to);
    }

    /** Runs body over [0, rows) in chunks of about {@link #TASK_WORK} multiply-adds; {@code workPerRow} sizes them. */
    public static void rows(int rows, int workPerRow, RowRange body) {
        int perChunk = Math.max(1, TASK_WORK / Math.max(1, workPerRow));
        int chunks = (rows + perChunk - 1) / perChunk;
        if (chunks <= 1) {
            body.run(0, rows);
            return;
        }
        IntStream.range(0, chunks).parallel().forEach(c -> body.run(c * perChunk, Math.min(rows, (c + 1) * perChunk)));
    }

    /**
     * Runs body once per fixed partition p of [0, parts), in parallel: for loops whose partitions
     * each own a private accumulator that is summed in partition order afterwards (deterministic).
     */
    public static void partitions(int parts, IntConsumer body) {
        IntStream.range(0, parts).parallel().forEach(body);
    }
}
