package org.peerkit.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;

/** The literal product-key retrieval for tests: score one (token, head) query against all N = S² full keys. */
final class NaiveProductKeys {

    private NaiveProductKeys() {
    }

    /**
     * Scores of query (t, head) against every key [c_i; c′_j], at index i·S + j (paper Eq. 4);
     * q is [T, H·Q], the sub-key tables [S, Q/2].
     */
    static double[] scores(INDArray qTxHQ, INDArray keys1, INDArray keys2, int t, int head) {
        int s = (int) keys1.size(0);
        int half = (int) keys1.size(1);
        int q0 = head * 2 * half;
        double[] all = new double[s * s];
        for (int i = 0; i < s; i++) {
            for (int j = 0; j < s; j++) {
                double sc = 0;
                for (int d = 0; d < half; d++) {
                    sc += qTxHQ.getDouble(t, q0 + d) * keys1.getDouble(i, d)
                            + qTxHQ.getDouble(t, q0 + half + d) * keys2.getDouble(j, d);
                }
                all[i * s + j] = sc;
            }
        }
        return all;
    }

    /** The k = {@code topV.length} best scores of query (t, head) over all N keys and their indices, best first. */
    static void topK(INDArray qTxHQ, INDArray keys1, INDArray keys2, int t, int head, double[] topV, int[] topI) {
        double[] all = scores(qTxHQ, keys1, keys2, t, head);
        TopK.select(all, 0, all.length, topV.length, topV, topI);
    }
}
