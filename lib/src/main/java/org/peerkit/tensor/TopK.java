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
            double x = s[from + i];
            if (filled == k && x <= val[k - 1]) {
                continue;
            }
            int p = filled < k ? filled++ : k - 1;
            while (p > 0 && val[p - 1] < x) {
                val[p] = val[p - 1];
                idx[p] = idx[p - 1];
                p--;
            }
            val[p] = x;
            idx[p] = i;
        }
    }
}
