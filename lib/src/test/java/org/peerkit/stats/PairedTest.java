package org.peerkit.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PairedTest {

    @Test
    void pairedTMatchesHandComputedValues() {
        // d = a − b = {-2, -3, -1, -2}: mean -2, s = 0.8165, s/√4 = 0.40825, t = -4.899, df 3:
        // two-sided p = 0.01628; half-width t(0.975, 3) = 3.182446 × 0.40825 = 1.2992
        double[] a = {10, 11, 12, 13};
        double[] b = {12, 14, 13, 15};
        Paired p = Paired.of(a, b);
        assertEquals(-2.0, p.difference().estimate(), 1e-12);
        assertEquals(3.182446 * 0.4082483, p.difference().halfWidth(), 1e-5);
        assertEquals(0.01628, p.pValue(), 5e-5);
        assertTrue(p.significant());
        assertTrue(p.verdict("BN on", "BN off", 2).startsWith("BN on lower than BN off (-2.00 ± 1.30"),
                p.verdict("BN on", "BN off", 2));
    }

    @Test
    void pairingResolvesAShiftThatTheSeedSpreadHides() {
        // the seeds differ by 50 between each other, the arms by 1 on every seed
        double[] a = {100, 150, 200};
        double[] b = {101.1, 150.9, 201.0};
        Paired p = Paired.of(a, b);
        assertTrue(p.significant(), p.toString());
        assertFalse(Interval.studentT(a).high() < Interval.studentT(b).low(), "unpaired intervals overlap");
    }

    @Test
    void noiseIsNotCalledADifference() {
        Paired p = Paired.of(new double[] {10, 12, 11}, new double[] {11, 11, 11.5});
        assertFalse(p.significant());
        assertTrue(p.verdict("a", "b", 1).startsWith("no significant difference"), p.verdict("a", "b", 1));
        assertTrue(p.difference().contains(0));
    }

    @Test
    void oneSeedIsNotTestable() {
        Paired p = Paired.of(new double[] {1}, new double[] {5});
        assertFalse(p.significant());
        assertEquals("one seed: not testable", p.verdict("a", "b", 1));
    }

    @Test
    void matchesBySeedAndRejectsUnpairedArms() {
        Paired p = Paired.bySeed(Map.of(1L, 10.0, 2L, 11.0, 3L, 12.0, 9L, 0.0), Map.of(3L, 13.0, 2L, 12.0, 1L, 11.0));
        assertEquals(3, p.seeds());
        assertEquals(-1, p.difference().estimate(), 1e-12);
        assertEquals(0, p.pValue(), 0, "a constant nonzero shift on every seed");
        assertThrows(IllegalArgumentException.class, () -> Paired.of(new double[] {1, 2}, new double[] {1}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Paired.bySeed(Map.of(1L, 1.0), Map.of(2L, 1.0)));
        assertTrue(e.getMessage().contains("same seeds"), e.getMessage());
    }
}
