package org.peerkit.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SlurmParseTest {

    static List<String> describe(List<TaskState> ts) {
        return ts.stream().map(t -> t.taskId() + " " + t.describe() + " " + t.source()).toList();
    }

    @Test
    void sacctLinesGiveStatesAndExitCodes() {
        List<TaskState> ts = SlurmParse.sacct(List.of("12_0|COMPLETED|0:0", "12_1|FAILED|3:0", "12_2|CANCELLED by 0|0:15",
                "12_3|TIMEOUT|0:0", "12_4|OUT_OF_ME+|0:125", "12_[5-6,8%2]|PENDING|0:0", "12_7|RUNNING|0:0",
                "13|COMPLETED|0:0", "12_0.batch|COMPLETED|0:0"));
        assertEquals(List.of("12_0 completed sacct", "12_1 failed (exit 3) sacct", "12_2 cancelled (signal 15) sacct",
                "12_3 timeout sacct", "12_4 out of memory sacct", "12_5 pending sacct",
                "12_6 pending sacct", "12_8 pending sacct", "12_7 running sacct"), describe(ts));
    }

    @Test
    void squeueLinesGiveQueuedAndRunningTasks() {
        List<TaskState> ts = SlurmParse.squeue(List.of("7_0|RUNNING", "7_1|COMPLETING", "7_[2-3]|PENDING", "8|PENDING", ""));
        assertEquals(List.of("7_0 running squeue", "7_1 running squeue", "7_2 pending squeue", "7_3 pending squeue"),
                describe(ts));
    }

    @Test
    void slurmsManyStatesFoldIntoOurs() {
        assertEquals(SlurmState.PENDING, SlurmState.parse("REQUEUED"));
        assertEquals(SlurmState.RUNNING, SlurmState.parse("suspended"));
        assertEquals(SlurmState.FAILED, SlurmState.parse("NODE_FAIL"));
        assertEquals(SlurmState.CANCELLED, SlurmState.parse("PREEMPTED"));
        assertEquals(SlurmState.OUT_OF_MEMORY, SlurmState.parse("OUT_OF_MEMORY"));
        assertEquals("unknown Slurm job state 'EXPLODED'",
                assertThrows(IllegalArgumentException.class, () -> SlurmState.parse("EXPLODED")).getMessage());
        for (SlurmState s : SlurmState.values()) {
            assertEquals(s.active() || s == SlurmState.COMPLETED, !s.resubmittable(), s.name());
        }
    }

    @Test
    void arrayIndexListsRoundTrip() {
        assertEquals("0-2,5,7-8", ArraySpec.of(List.of(8, 0, 1, 2, 5, 7, 1)));
        assertEquals("4", ArraySpec.of(List.of(4)));
        assertEquals(List.of(0, 1, 2, 5, 7, 8), ArraySpec.indices("0-2,5,7-8"));
        assertThrows(IllegalArgumentException.class, () -> ArraySpec.of(List.of()));
    }
}
