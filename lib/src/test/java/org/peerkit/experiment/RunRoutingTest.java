package org.peerkit.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.peerkit.data.Split;
import org.peerkit.ffw.RoutingStats;

class RunRoutingTest {

    @Test
    void theFinalCheckpointReproducesTheRoutingNumbersTheRunRecorded(@TempDir Path root) {
        RunSpec spec = GrowthRunTest.peerBase().withData(new DataSpec(DataSpec.Source.SYNTHETIC, List.of(Split.VALID), 3, 0));
        RunResult run = RunStore.at(root).run(spec);
        List<RoutingStats> stats = RunRouting.of(run, Split.VALID, 3, RunData.standard());
        assertEquals(1, stats.size(), "one PEER layer (middle block)");
        RoutingStats s = stats.get(0);
        assertEquals(run.summary().routing().get("block1_usage_pct"), s.usagePercent(), 1e-12);
        assertEquals(run.summary().routing().get("block1_unevenness"), s.unevenness(), 1e-9);
        assertEquals(run.summary().routing().get("block1_dead"), s.deadExperts(), 0);
        assertEquals(3L * 4 * 16 * 2 * 2, Arrays.stream(s.hits()).sum(), "3 batches of 4×16 tokens, h=2, k=2");
    }

    @Test
    void aDenseModelHasNoRoutingToMeasure(@TempDir Path root) {
        RunResult run = RunStore.at(root).run(RunStoreTest.quick());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunRouting.of(run, Split.VALID, 1, RunData.standard()));
        assertEquals(true, e.getMessage().contains("no product-key layer"));
    }
}
