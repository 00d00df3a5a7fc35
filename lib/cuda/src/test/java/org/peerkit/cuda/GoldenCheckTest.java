package org.peerkit.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GoldenCheckTest {

    @Test
    void errorIsRelativeToTheLargestReferenceValue() {
        GoldenCheck c = new GoldenCheck("g");
        assertEquals(0.01, c.close("a", new float[] {1.0f, 2.02f}, new double[] {1, 2}, 0.02), 1e-6);
        assertEquals(0, c.failures());
        c.close("b", new float[] {1.0f, 2.5f}, new double[] {1, 2}, 0.02);
        assertEquals(1, c.failures());
        assertTrue(c.lines().get(1).startsWith("  FAIL"), c.lines().get(1));
    }

    @Test
    void nanAndLengthMismatchFail() {
        GoldenCheck c = new GoldenCheck("g");
        c.close("nan", new float[] {Float.NaN}, new double[] {1}, 1);
        c.close("len", new float[] {1}, new double[] {1, 2}, 1);
        assertEquals(2, c.failures());
    }

    @Test
    void routingCountsDifferingSlots() {
        GoldenCheck c = new GoldenCheck("g");
        double[] ref = new double[200];
        int[] got = new int[200];
        got[5] = 1;
        assertEquals(0.005, c.routing("experts", got, ref), 1e-12);
        assertEquals(0, c.failures());
        got[6] = 1;
        got[7] = 1;
        c.routing("experts", got, ref);
        assertEquals(1, c.failures());
    }
}
