package org.peerkit.tensor;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The (token, slot) pairs of a routing grouped by expert, by a counting sort: expert e's pairs
 * are {@code order[start[e], start[e] + count[e])}, ascending; {@code touched} lists the experts
 * with at least one pair, ascending. Expert-major kernels walk it so that each touched expert's
 * rows are read, and its gradient rows written, by one thread in a fixed order.
 */
record ExpertBuckets(int[] start, int[] count, int[] order, int[] touched) {

    /** Buckets the pairs of {@code expertTM} (flat [T·M] expert ids below {@code experts}). */
    static ExpertBuckets of(int[] expertTM, int experts) {
        int[] count = new int[experts];
        for (int e : expertTM) {
            count[e]++;
        }
        int[] start = new int[experts];
        int sum = 0;
        for (int e = 0; e < experts; e++) {
            start[e] = sum;
            sum += count[e];
        }
        int[] next = Arrays.copyOf(start, experts);
        int[] order = new int[expertTM.length];
        for (int tm = 0; tm < expertTM.length; tm++) {
            order[next[expertTM[tm]]++] = tm;
        }
        int[] touched = IntStream.range(0, experts).filter(e -> count[e] > 0).toArray();
        return new ExpertBuckets(start, count, order, touched);
    }

    /** Pairs per touched expert, at least 1: the work size of one expert's task. */
    int pairsPerExpert() {
        return Math.max(1, order.length / Math.max(1, touched.length));
    }
}
