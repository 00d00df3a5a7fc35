package org.peerkit.tensor;

/**
 * Top-k of a short score vector in plain Java (ND4J's top_k op is broken and slow, nd4j.md): a
 * sorted insertion buffer, O(n) while most scores fall below the current k-th. Ties keep the lower
 * index first. Written by hand because no library offers an allocation-free partial sort over a
 * slice of a primitive array.
 */
final class TopK {

    private TopK() {
    }

    /**
     * Writes the k largest of {@code s[from, from+n)} into {@code val[0,k)} (descending) and their
     * positions relative to {@code from} into {@code idx[0,k)}.
     */
    static void select(double[] s, int from, int n, int k, double[] val, int[] idx) {
        int filled = 0;
        for (int i = 0; i < n; i++) {
            filled = offer(s[from + i], i, k, val, idx, filled);
        }
    }

    /**
     * Offers one score to a running top-k held in {@code val/idx[0, filled)} (descending) and
     * returns the new fill; scores not above the current k-th are dropped at the cost of one compare.
     */
    static int offer(double x, int id, int k, double[] val, int[] idx, int filled) {
        if (filled == k && x <= val[k - 1]) {
            return filled;
        }
        int p = filled < k ? filled++ : k - 1;
        while (p > 0 && val[p - 1] < x) {
            val[p] = val[p - 1];
            idx[p] = idx[p - 1];
            p--;
        }
        val[p] = x;
        idx[p] = id;
        return filled;
    }
}
