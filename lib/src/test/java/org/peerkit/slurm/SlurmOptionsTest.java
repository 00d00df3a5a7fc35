package org.peerkit.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SlurmOptionsTest {

    static SlurmOptions withTime(String time) {
        return new SlurmOptions(null, time, null, 1, null, List.of());
    }

    static SlurmOptions withMem(String mem) {
        return new SlurmOptions(null, null, mem, 1, null, List.of());
    }

    @Test
    void everyTimeFormOfSbatchIsAccepted() {
        for (String t : List.of("90", "30:00", "1:30:00", "2-00", "2-12:30", "1-00:00:00", "UNLIMITED")) {
            assertEquals(t, withTime(t).time());
        }
    }

    @Test
    void aBadTimeNamesTheValueAndTheForms() {
        for (String t : List.of("1h", "1:30:00:00", "1:75", "", "-5", "2-")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> withTime(t));
            assertTrue(e.getMessage().startsWith("--time=" + t + " is not a Slurm time limit: give minutes (90)"),
                    e.getMessage());
        }
    }

    @Test
    void memoryIsReadInSlurmsUnitsWithMegabytesTheDefault() {
        assertEquals(8192, SlurmOptions.megabytes("8G"));
        assertEquals(8192, SlurmOptions.megabytes("8g"));
        assertEquals(1500, SlurmOptions.megabytes("1500"));
        assertEquals(2048, SlurmOptions.megabytes("2097152K"));
        assertEquals(1024 * 1024, SlurmOptions.megabytes("1T"));
        assertEquals(0, SlurmOptions.megabytes("0"));  // Slurm: all of the node's memory
    }

    @Test
    void aBadOrTooSmallMemoryNamesTheValue() {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> withMem("12X"));
        assertEquals("--mem=12X is not a Slurm memory size: give a number with an optional unit K, M, G or T"
                + " (no unit means M), e.g. --mem=8G", bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> withMem("8 GB"));
        assertThrows(IllegalArgumentException.class, () -> withMem("-1G"));
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class, () -> withMem("100M"));
        assertTrue(small.getMessage().startsWith("--mem=100M is 100 MB; a task's JVM needs at least 512M"),
                small.getMessage());
    }

    @Test
    void cpusNamesAndExtraLinesAreChecked() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SlurmOptions(null, null, null, 0, null, null))
                .getMessage().startsWith("--cpus=0 must be at least 1"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new SlurmOptions("gpu nodes", null, null, 1, null, null)).getMessage()
                .startsWith("--partition='gpu nodes' is not a Slurm name"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new SlurmOptions(null, null, null, 1, null, List.of("gres=gpu:1"))).getMessage()
                .startsWith("--sbatch 'gres=gpu:1' is not an sbatch option"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new SlurmOptions(null, null, null, 1, null, List.of("--array=0-3"))).getMessage()
                .contains("the array is set by peerkit"));
    }

    @Test
    void directivesComeInAFixedOrderWithExtrasLast() {
        SlurmOptions o = new SlurmOptions("gpu", "2:00:00", "16G", 8, "proj42", List.of("#SBATCH --gres=gpu:1", "--qos=long"));
        assertEquals(List.of("--cpus-per-task=8", "--mem=16G", "--time=2:00:00", "--partition=gpu", "--account=proj42",
                "--gres=gpu:1", "--qos=long"), o.directives());
        assertEquals(List.of("--cpus-per-task=1"), SlurmOptions.defaults().directives());
    }

    @Test
    void notebookOptionsAreReadAsSbatchWritesThem() {
        SlurmOptions o = SlurmOptions.parse(" --partition=gpu --time=30 --mem=4G --cpus-per-task=4 -A proj --gres=gpu:1 ");
        assertEquals(List.of("--cpus-per-task=4", "--mem=4G", "--time=30", "--partition=gpu", "--account=proj",
                "--gres=gpu:1"), o.directives());
        assertEquals(SlurmOptions.defaults(), SlurmOptions.parse("1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SlurmOptions.parse("--mem=lots")).getMessage()
                .startsWith("--mem=lots is not a Slurm memory size"));
    }
}
