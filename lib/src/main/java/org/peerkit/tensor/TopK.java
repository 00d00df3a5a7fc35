package org.peerkit.tensor;

/**
 * Top-k of a score vector in plain Java, the one implementation every router and retrieval uses:
 * a sorted insertion buffer, O(n) while most scores fall below the current k-th. Ties keep the
 * lower index first. Two precisions: {@link #select(double[], int, int, int, double[], int[])} is
 * the exact path, {@link #select(float[], int, int, float[], int[], long[])} the float fast path
 * (same result and tie order). Written by hand because ND4J's {@code top_k} op was 50–200× slower
 * on the CPU (lib/README.md) and no library offers an allocation-free partial sort over a slice of
 * a primitive array.
 */
public final class TopK {

    private TopK() {
    }

    /** Indices of the k largest entries of {@code p}, by descending value (ties: lower index first). */
    public static int[] indices(double[] p, int k) {
        double[] val = new double[k];
        int[] idx = new int[k];
        select(p, 0, p.length, k, val, idx);
        return idx;
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
     * The float32 form of {@link #select(double[], int, int, int, double[], int[])} over
     * {@code s[0, n)}, same result and tie order, and faster (README, Benchmarks, Top-k). The
     * running top-k is one sorted {@code long[]} of (score, index) keys, so an insertion moves one
     * word per step, and scores below the running k-th are skipped a vector at a time
     * ({@link Simd#firstAbove}): on random scores only about k·ln(n/k) of n are inserted.
     * {@code keys} is scratch of length ≥ k.
     */
    static void select(float[] s, int n, int k, float[] val, int[] idx, long[] keys) {
        // Long rows on the vector path: the k blocks' maxima are k distinct scores, so the k-th
        // largest is at least their minimum, and scores below it need never be inserted. The fill
        // then starts from likely winners and about half the insertions are saved (N = 1024²).
        float floor = Simd.vector() && n >= 32 * k ? Math.nextDown(minOfBlockMaxima(s, n, k))
                : Float.NEGATIVE_INFINITY;
        int i = -1;
        for (int filled = 0; filled < k; filled++) {
            i = floor == Float.NEGATIVE_INFINITY ? i + 1 : Simd.firstAbove(s, i + 1, n, floor);
            insert(keys, filled, key(s[i], i));
        }
        i++;
        float kth = score(keys[k - 1]);
        while ((i = Simd.firstAbove(s, i, n, kth)) < n) {
            insert(keys, k - 1, key(s[i], i));
            kth = score(keys[k - 1]);
            i++;
        }
        for (int j = 0; j < k; j++) {
            val[j] = score(keys[j]);
            idx[j] = ~(int) keys[j];
        }
    }

    private static float minOfBlockMaxima(float[] s, int n, int k) {
        int block = n / k;
        float min = Float.POSITIVE_INFINITY;
        for (int b = 0; b < k; b++) {
            min = Math.min(min, Simd.max(s, b * block, block));
        }
        return min;
    }

    /** Shifts keys[0, last) down past x and stores it: keys[0, last] stays descending. */
    private static void insert(long[] keys, int last, long x) {
        int p = last;
        while (p > 0 && keys[p - 1] < x) {
            keys[p] = keys[p - 1];
            p--;
        }
        keys[p] = x;
    }

    /**
     * A long that orders like (score descending, index ascending): the score's bits made
     * monotone as a signed int in the high word, the complemented index in the low word.
     */
    private static long key(float x, int i) {
        int bits = Float.floatToRawIntBits(x + 0.0f); // -0 + 0 = +0: the two zeros tie, as in a float compare
        int monotone = bits ^ ((bits >> 31) & 0x7fffffff);
        return ((long) monotone << 32) | (~i & 0xffffffffL);
    }

    private static float score(long key) {
        int monotone = (int) (key >> 32);
        return Float.intBitsToFloat(monotone ^ ((monotone >> 31) & 0x7fffffff));
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
