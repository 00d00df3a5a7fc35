package org.peerkit.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JvmLimitsTest {

    @Test
    void theAllocationIsSplitIntoReserveHeapAndOffHeap() {
        JvmLimits l = JvmLimits.of(4096);
        assertEquals((4096 - 256) / 3, l.heapMb());
        assertEquals(4096 - 256 - l.heapMb(), l.offHeapMb());
        assertEquals(4096, l.heapMb() + l.offHeapMb() + JvmLimits.RESERVE_MB);
        assertEquals(List.of("-Xmx1280m", "-Dorg.bytedeco.javacpp.maxbytes=2560m",
                "-Dorg.bytedeco.javacpp.maxphysicalbytes=4096m"), l.jvmOptions());
    }

    @Test
    void memPerNodeWinsOverMemPerCpuTimesCpus() {
        assertEquals(8192, JvmLimits.fromEnvironment(Map.of("SLURM_MEM_PER_NODE", "8192", "SLURM_MEM_PER_CPU", "100",
                "SLURM_CPUS_ON_NODE", "4")).orElseThrow().allocationMb());
        assertEquals(4000, JvmLimits.fromEnvironment(Map.of("SLURM_MEM_PER_CPU", "1000", "SLURM_CPUS_ON_NODE", "4"))
                .orElseThrow().allocationMb());
        assertEquals(1000, JvmLimits.fromEnvironment(Map.of("SLURM_MEM_PER_CPU", "1000")).orElseThrow().allocationMb());
    }

    @Test
    void outsideSlurmThereAreNoLimits() {
        assertEquals(Optional.empty(), JvmLimits.fromEnvironment(Map.of()));
        assertEquals(Optional.empty(), JvmLimits.fromEnvironment(Map.of("SLURM_MEM_PER_NODE", "0")));
    }

    @Test
    void aTooSmallOrUnreadableAllocationIsNamed() {
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> JvmLimits.fromEnvironment(Map.of("SLURM_MEM_PER_NODE", "300")));
        assertTrue(small.getMessage().startsWith("a Slurm allocation of 300 MB is too small"), small.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> JvmLimits.fromEnvironment(Map.of("SLURM_MEM_PER_NODE", "8G")));
        assertTrue(bad.getMessage().startsWith("SLURM_MEM_PER_NODE=8G is not a number of MB"), bad.getMessage());
    }
}
