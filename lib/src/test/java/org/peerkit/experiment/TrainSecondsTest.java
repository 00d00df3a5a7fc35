package org.peerkit.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.peerkit.train.CsvMetricsListener;

/**
 * A run's training time comes from its metrics.csv whatever type Tablesaw infers for step_ms: a
 * short, fast run whose step times all print as whole milliseconds reads as an integer column (it
 * failed a sweep member with a ClassCastException once the steps got fast).
 */
class TrainSecondsTest {

    @Test
    void wholeMillisecondStepTimesAreSummedToo(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("metrics.csv");
        Files.writeString(csv, CsvMetricsListener.HEADER + "\n"
                + "1,64,1.0e+06,4.0,1.0e-03,1.0,3.0\n2,128,2.0e+06,3.9,1.0e-03,1.0,2.0\n");
        assertEquals(0.005, RunStore.trainSeconds(csv), 1e-12);
        Files.writeString(csv, CsvMetricsListener.HEADER + "\n"
                + "1,64,1.0e+06,4.0,1.0e-03,1.0,3.5\n2,128,2.0e+06,3.9,1.0e-03,1.0,2.0\n");
        assertEquals(0.0055, RunStore.trainSeconds(csv), 1e-12);
    }
}
