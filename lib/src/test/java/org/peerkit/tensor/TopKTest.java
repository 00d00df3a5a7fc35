package org.peerkit.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The float top-k (packed keys, register threshold) selects exactly what the double top-k does. */
class TopKTest {

    @ParameterizedTest
    @CsvSource({"1,1,0", "7,7,0", "128,16,0", "1024,16,0", "1024,32,0", "100,9,0", "128,16,5", "1024,16,3", "64,64,2"})
    void floatSelectEqualsDoubleSelect(int n, int k, int distinctValues) {
        Random rnd = new Random(17L * n + k + distinctValues);
        long[] keys = new long[k];
        for (int trial = 0; trial < 200; trial++) {
            float[] f = new float[n];
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                // distinctValues > 0: few distinct scores, so ties decide the order
                f[i] = distinctValues > 0 ? rnd.nextInt(distinctValues) - 1 : (float) rnd.nextGaussian();
                d[i] = f[i];
            }
            float[] fv = new float[k];
            int[] fi = new int[k];
            double[] dv = new double[k];
            int[] di = new int[k];
            TopK.select(f, n, k, fv, fi, keys);
            TopK.select(d, 0, n, k, dv, di);
            assertArrayEquals(di, fi, "indices, trial " + trial);
            for (int j = 0; j < k; j++) {
                assertEquals(dv[j], fv[j], 0.0, "value " + j + ", trial " + trial);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"-0.0,0.0", "0.0,-0.0"})
    void signedZerosTieByIndex(float first, float second) {
        float[] f = {first, second, -1f};
        float[] v = new float[2];
        int[] idx = new int[2];
        TopK.select(f, 3, 2, v, idx, new long[2]);
        assertArrayEquals(new int[] {0, 1}, idx);
    }
}
