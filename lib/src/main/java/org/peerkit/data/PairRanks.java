package org.peerkit.data;

import java.util.Arrays;

/**
 * Merge rank of a token pair, as an open-addressing hash table of primitive {@code long} keys.
 * Encoding looks up every adjacent pair of every new chunk; a {@code HashMap<Long, Integer>}
 * boxes each probe and was the slowest part of encoding text with many unseen words. Written by
 * hand because no primitive-collections library is on the classpath and this needs only
 * put-once and get.
 */
final class PairRanks {

    private static final long EMPTY = -1L; // pair keys are non-negative: (left << 32) | right
    private final long[] keys;
    private final int[] ranks;
    private final int mask;

    /** Ranks {@code 0..merges.length-1}; a repeated pair keeps its first (lowest) rank. */
    PairRanks(int[][] merges) {
        int cap = Integer.highestOneBit(Math.max(4, merges.length * 2 + 1)) * 2;
        keys = new long[cap];
        ranks = new int[cap];
        mask = cap - 1;
        Arrays.fill(keys, EMPTY);
        for (int r = 0; r < merges.length; r++) {
            long key = BpeTrainer.pair(merges[r][0], merges[r][1]);
            int i = slot(key);
            if (keys[i] == EMPTY) {
                keys[i] = key;
                ranks[i] = r;
            }
        }
    }

    /** The rank of pair (a, b), or {@link Integer#MAX_VALUE} if it is not a merge. */
    int rank(int a, int b) {
        int i = slot(BpeTrainer.pair(a, b));
        return keys[i] == EMPTY ? Integer.MAX_VALUE : ranks[i];
    }

    private int slot(long key) {
        int i = (int) (TokenRange.mix64(key) & mask);
        while (keys[i] != EMPTY && keys[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }
}
