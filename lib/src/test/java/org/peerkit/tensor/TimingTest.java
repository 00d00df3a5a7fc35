package org.peerkit.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Structure of a timing (calls made, sorted samples, median, rate), never a speed. */
class TimingTest {

    @Test
    void runsWarmupPlusRepsAndSummarises() {
        AtomicInteger calls = new AtomicInteger();
        Timing.Timed t = Timing.time(2, 5, calls::incrementAndGet);
        assertEquals(7, calls.get());
        assertEquals(5, t.reps());
        for (int i = 1; i < t.reps(); i++) {
            assertTrue(t.seconds()[i - 1] <= t.seconds()[i], "samples are sorted");
        }
        assertTrue(t.min() >= 0 && t.min() <= t.median());
        assertEquals(t.median() * 1e3, t.medianMs(), 1e-12);
    }

    @Test
    void medianAndRateOfKnownSamples() {
        Timing.Timed t = new Timing.Timed(new double[] {0.3, 0.1, 0.2});
        assertEquals(0.2, t.median());
        assertEquals(0.1, t.min());
        assertEquals(500.0, t.rate(100), 1e-9);
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> Timing.time(0, 0, () -> {}));
        assertThrows(IllegalArgumentException.class, () -> Timing.time(-1, 1, () -> {}));
        assertThrows(IllegalArgumentException.class, () -> new Timing.Timed(new double[0]));
    }
}
