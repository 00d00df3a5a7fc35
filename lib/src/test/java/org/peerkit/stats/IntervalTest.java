package org.peerkit.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class IntervalTest {

    @Test
    void studentTMatchesHandComputedValues() {
        // 1..5: mean 3, s = sqrt(2.5) = 1.58114, s/√5 = 0.70711, t(0.975, 4) = 2.776445
        Interval i = Interval.studentT(1, 2, 3, 4, 5);
        assertEquals(3.0, i.estimate(), 1e-12);
        assertEquals(2.776445 * 0.7071068, i.halfWidth(), 1e-5);
        assertEquals(5, i.n());
        // three seeds: t(0.975, 2) = 4.302653; 10, 12, 14: s = 2, s/√3 = 1.1547
        Interval three = Interval.studentT(10, 12, 14);
        assertEquals(4.302653 * 1.1547005, three.halfWidth(), 1e-5);
        assertEquals("12.00 ± 4.97", three.format(2));
    }

    @Test
    void oneValueHasNoInterval() {
        Interval i = Interval.studentT(154.4);
        assertFalse(i.bounded());
        assertEquals("154.4 (1 seed)", i.format(1));
        assertTrue(i.contains(1e9));
    }

    @Test
    void nonFiniteValuesAreRejectedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Interval.studentT(1, Double.NaN));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        assertThrows(IllegalArgumentException.class, Interval::studentT);
    }

    @Test
    void bootstrapOfTheMeanCoversItAndIsNarrowerThanTForFewValues() {
        double[] xs = {10, 12, 14};
        Interval b = Bootstrap.mean(xs);
        assertEquals(12, b.estimate(), 1e-12);
        assertTrue(b.low() >= 10 && b.high() <= 14, b.toString());
        assertTrue(b.halfWidth() < Interval.studentT(xs).halfWidth(), b + " vs " + Interval.studentT(xs));
        assertEquals(b, Bootstrap.mean(xs), "seeded: the same interval every time");
    }

    @Test
    void bootstrapApproachesTheNormalIntervalForManyValues() {
        double[] xs = new double[400];
        Random r = new Random(5);
        for (int i = 0; i < xs.length; i++) {
            xs[i] = r.nextGaussian();
        }
        Interval t = Interval.studentT(xs);
        Interval b = Bootstrap.mean(xs);
        assertEquals(t.halfWidth(), b.halfWidth(), 0.15 * t.halfWidth());
    }
}
