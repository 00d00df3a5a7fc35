package org.peerkit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The fork's peak resident memory (VmHWM: heap plus ND4J's off-heap), printed at a trial's tear-down. */
final class PeakMemory {

    private PeakMemory() {
    }

    /** Prints VmHWM from {@code /proc/self/status}, labelled with the benchmark's parameters. */
    static void print(String label) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM")) {
                System.out.println("\npeak resident memory (" + label + "): " + line.substring(6).trim());
            }
        }
    }
}
