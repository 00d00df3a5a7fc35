package org.peerkit.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The vector and scalar dots agree with a double-precision dot, at odd lengths and offsets too. */
class SimdTest {

    @ParameterizedTest
    @CsvSource({"0,0,0", "1,0,0", "7,3,1", "16,0,0", "31,1,2", "256,0,0", "256,256,512", "1000,5,9"})
    void dotsAgreeWithDoublePrecision(int n, int aOff, int bOff) {
        Random rnd = new Random(n * 31L + aOff);
        float[] a = new float[aOff + n];
        float[] b = new float[bOff + n];
        double exact = 0;
        double scale = 0;
        for (int j = 0; j < n; j++) {
            a[aOff + j] = (float) rnd.nextGaussian();
            b[bOff + j] = (float) rnd.nextGaussian();
            exact += (double) a[aOff + j] * b[bOff + j];
            scale += Math.abs((double) a[aOff + j] * b[bOff + j]);
        }
        double tol = 1e-6 * Math.max(1, scale);
        assertEquals(exact, Simd.scalarDot(a, aOff, b, bOff, n), tol);
        assertEquals(exact, Simd.dot(a, aOff, b, bOff, n), tol);
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            assertEquals(exact, VectorDot.dot(a, aOff, b, bOff, n), tol);
        }
    }

    @ParameterizedTest
    @CsvSource({"0,0", "1,0", "15,3", "16,0", "17,16", "1024,0", "1024,700", "100,99"})
    void firstAboveFindsTheFirstScoreOverTheThreshold(int n, int from) {
        Random rnd = new Random(n + 7L * from);
        float[] s = new float[n];
        for (int trial = 0; trial < 50; trial++) {
            for (int i = 0; i < n; i++) {
                s[i] = (float) rnd.nextGaussian();
            }
            float threshold = (float) (rnd.nextGaussian() + trial % 4);
            int expected = from;
            while (expected < n && !(s[expected] > threshold)) {
                expected++;
            }
            assertEquals(expected, Simd.scalarFirstAbove(s, from, n, threshold));
            assertEquals(expected, Simd.firstAbove(s, from, n, threshold));
        }
    }

    @org.junit.jupiter.api.Test
    void surefireRunsTheVectorPathAsTheLaunchersDo() {
        // the parent pom's argLine adds the module; without it PEER's mixing would silently run scalar
        assertTrue(Simd.vector(), Simd.describe());
        assertTrue(Simd.describe().startsWith("jdk.incubator.vector"), Simd.describe());
    }
}
