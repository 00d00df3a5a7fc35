package org.peerkit.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.peerkit.experiment.RunResult;
import org.peerkit.experiment.RunSpec;
import org.peerkit.experiment.RunSummary;
import org.peerkit.ffw.RoutingRecord;
import org.peerkit.ffw.RoutingStats;
import org.peerkit.flops.FfwSpec;
import tech.tablesaw.api.Table;

class QueryBnTableTest {

    static RunResult run(int experts, boolean bn, double loss) {
        RunSpec s = RunSpec.defaults().withFfw(new FfwSpec.Peer(experts, 2, 2, 8, bn));
        return new RunResult(s.id(), Path.of("runs", s.id()), s, new RunSummary(4, 256, 1e6, 3, Map.of("valid", loss),
                1, 1, 1, Map.of()), RunResult.Origin.LOADED);
    }

    /** Stats where only expert 0 and 1 are hit, with gates 3:1. */
    static RoutingStats stats(int experts) {
        RoutingStats s = new RoutingStats(experts);
        s.add(new RoutingRecord(experts, 1, 2, new int[] {0, 1}, new double[] {0.75, 0.25}));
        return s;
    }

    @Test
    void rowsSortByNThenBnAndSitBesideThePapersColumnOfTheSameRank() {
        List<RunResult> runs = new ArrayList<>(List.of(run(64, true, 2.0), run(16, true, 1.0), run(64, false, 2.1),
                run(16, false, 1.1)));
        Table t = QueryBnTable.of(runs, List.of(stats(64), stats(16), stats(64), stats(16)));
        assertEquals(List.of(16, 16, 64, 64), t.intColumn("N").asList());
        assertEquals(List.of(false, true, false, true), t.booleanColumn("BN").asList());
        assertEquals(List.of("16k", "16k", "65k", "65k"), t.stringColumn("paper N").asList());
        assertEquals(0.30, t.doubleColumn("paper unevenness").get(1));
        assertEquals(Math.exp(1.1), t.doubleColumn("ppl").get(0), 1e-12);
        assertEquals(200.0 / 16, t.doubleColumn("usage %").get(0), 1e-12);
        double kl = Math.log(16) + 0.75 * Math.log(0.75) + 0.25 * Math.log(0.25);
        assertEquals(kl, t.doubleColumn("unevenness").get(0), 1e-12);
    }

    @Test
    void seedsAverageIntoOneRowPerConfigurationAndBnIsTestedPairedBySeed() {
        List<RunResult> runs = new ArrayList<>();
        List<RoutingStats> stats = new ArrayList<>();
        for (long seed = 1; seed <= 3; seed++) {
            for (boolean bn : new boolean[] {false, true}) {
                RunSpec s = RunSpec.defaults().withFfw(new FfwSpec.Peer(16, 2, 2, 8, bn)).withSeed(seed);
                // BN lowers the loss by 0.05 on every seed; the seeds differ by 0.3
                double loss = 3 + 0.3 * seed + (bn ? -0.05 : 0);
                runs.add(new RunResult(s.id(), Path.of(s.id()), s, new RunSummary(4, 256, 1e6, 3, Map.of("valid", loss),
                        1, 1, 1, Map.of()), RunResult.Origin.LOADED));
                RoutingStats st = new RoutingStats(16);
                int[] idx = bn ? new int[] {(int) seed, (int) seed + 5} : new int[] {0, 1};
                st.add(new RoutingRecord(16, 1, 2, idx, new double[] {0.5, 0.5}));
                stats.add(st);
            }
        }
        Table t = QueryBnTable.of(runs, stats);
        assertEquals(2, t.rowCount());
        assertEquals(List.of(3, 3), t.intColumn("seeds").asList());
        assertEquals(Math.exp(3.6), t.doubleColumn("ppl").get(0), 1e-9);
        Table e = QueryBnTable.effects(runs, stats);
        assertEquals(List.of("loss", "usage %", "unevenness"), e.stringColumn("metric").asList());
        assertEquals(-0.05, e.doubleColumn("on − off").get(0), 1e-9);
        assertEquals(List.of(true, false, false), e.booleanColumn("significant").asList());
        assertTrue(e.stringColumn("verdict").get(0).startsWith("BN on lower than BN off"), e.stringColumn("verdict").get(0));
    }

    @Test
    void mismatchedInputsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> QueryBnTable.of(List.of(run(16, true, 1)), List.of()));
        RunSpec dense = RunSpec.defaults();
        RunResult d = new RunResult(dense.id(), Path.of("x"), dense, new RunSummary(4, 256, 1e6, 3, Map.of("valid", 1.0),
                1, 1, 1, Map.of()), RunResult.Origin.LOADED);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QueryBnTable.of(List.of(d), List.of(stats(16))));
        assertTrue(e.getMessage().contains("not PEER"));
    }
}
