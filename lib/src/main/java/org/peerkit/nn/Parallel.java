package org.peerkit.nn;

import java.util.stream.IntStream;

/**
 * Row-parallel loops for the Java kernels, on the common fork-join pool. Each row is computed by
 * one thread from its own inputs only, so results do not depend on scheduling (exact resume).
 * Work stealing also keeps the loops fast when other processes share the cores, where ND4J's
 * statically split OpenMP loops wait for a descheduled thread.
 */
public final class Parallel {

    /** Rows per task: big enough to amortise task overhead, small enough to balance. */
    private static final int MIN_WORK = 1 << 15;

    private Parallel() {
    }

    /** Body over rows [from, to). */
    @FunctionalInterface
    public interface RowRange {
        void run(int from, int to);
    }

    /** Runs body over [0, rows) in chunks; {@code workPerRow} sizes the chunks. */
    public static void rows(int rows, int workPerRow, RowRange body) {
        int perChunk = Math.max(1, MIN_WORK / Math.max(1, workPerRow));
        int chunks = (rows + perChunk - 1) / perChunk;
        if (chunks <= 1) {
            body.run(0, rows);
            return;
        }
        IntStream.range(0, chunks).parallel().forEach(c -> body.run(c * perChunk, Math.min(rows, (c + 1) * perChunk)));
    }
}
