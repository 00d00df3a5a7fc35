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
    void batchedRepeatsCheapTasksWithinEachSample() {
        AtomicInteger calls = new AtomicInteger();
        // a 0.2 s sample target against 0.1 ms calls: the batch size stays > 1 even when the one
        // sizing call is descheduled for tens of milliseconds on a loaded machine (it flaked at 2 ms)
        Timing.Timed t = Timing.timeBatched(1, 3, 0.2, () -> {
            calls.incrementAndGet();
            long until = System.nanoTime() + 100_000; // 0.1 ms of work
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        });
        assertEquals(3, t.reps());
        assertTrue(calls.get() > 1 + 3, "each sample should repeat the task: " + calls.get() + " calls");
        assertTrue(t.median() >= 1e-4, "time per call, not per batch: " + t.median());
        assertThrows(IllegalArgumentException.class, () -> Timing.timeBatched(1, 1, -1, () -> {}));
    }

    @Test
    void interleavedTimesEveryTaskAndKeepsTheirOrder() {
        AtomicInteger a = new AtomicInteger();
        AtomicInteger b = new AtomicInteger();
        Timing.Timed[] t = Timing.interleaved(2, 4, 0, a::incrementAndGet, b::incrementAndGet);
        assertEquals(2, t.length);
        assertEquals(4, t[0].reps());
        assertTrue(a.get() >= 2 + 1 + 4 && b.get() >= 2 + 1 + 4, a.get() + ", " + b.get());
        assertThrows(IllegalArgumentException.class, () -> Timing.interleaved(0, 1, 0));
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
