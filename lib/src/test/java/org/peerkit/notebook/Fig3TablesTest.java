package org.peerkit.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.peerkit.experiment.RunResult;
import org.peerkit.experiment.RunSpec;
import org.peerkit.experiment.RunSummary;
import org.peerkit.flops.FfwSpec;
import tech.tablesaw.api.Table;

class Fig3TablesTest {

    static RunResult run(FfwSpec ffw, double loss, Map<String, Double> routing) {
        RunSpec s = RunSpec.defaults().withFfw(ffw);
        return new RunResult(s.id(), Path.of("runs", s.id()), s, new RunSummary(4, 256, 1024e3, 3, Map.of("valid", loss),
                1000, 100, 2.5, routing), RunResult.Origin.LOADED);
    }

    static RunResult peer(int n, int h, int k, double loss) {
        return run(new FfwSpec.Peer(n, h, k, 8, true), loss, Map.of("block1_usage_pct", 90.0, "block1_unevenness", 0.5,
                "block1_dead", 3.0));
    }

    @Test
    void expertsPutsTheDenseReferenceFirstThenNAscendingWithRouting() {
        Table t = Fig3Tables.experts(List.of(peer(256, 2, 4, 2.0), run(new FfwSpec.Dense(), 2.5, Map.of()),
                peer(64, 2, 4, 2.2)));
        assertEquals(List.of(0, 64, 256), t.intColumn("N").asList());
        assertEquals(List.of("dense", "8²", "16²"), t.stringColumn("N label").asList());
        assertEquals(RunSpec.defaults().model().dFf(), t.intColumn("active").get(0));
        assertEquals(8, t.intColumn("active").get(1));
        assertEquals(Math.exp(2.5), t.doubleColumn("ppl").get(0), 1e-12);
        assertEquals("12.18", t.getString(0, "ppl"));   // printed to two decimals, stored in full
        assertTrue(t.doubleColumn("usage %").isMissing(0));
        assertEquals(90.0, t.doubleColumn("usage %").get(1));
        assertEquals(0.5, t.doubleColumn("unevenness").get(2));
        assertThrows(IllegalArgumentException.class, () -> Fig3Tables.experts(List.of(run(FfwSpec.Moe.defaults(), 1,
                Map.of()))));
    }

    @Test
    void activeSortsByHkThenHeadsAndCountsPeerFlopsThatGrowWithHk() {
        Table t = Fig3Tables.active(List.of(peer(256, 4, 4, 2.0), peer(256, 1, 4, 2.3), peer(256, 2, 2, 2.2)));
        assertEquals(List.of(1, 2, 4), t.intColumn("heads").asList());
        assertEquals(List.of(4, 4, 16), t.intColumn("h·k").asList());
        // the expert term 4·h·k·d is the only part that differs between h=1,k=4 and h=2,k=2 apart from queries
        long d = RunSpec.defaults().model().dModel();
        long f0 = t.longColumn("PEER FLOPs/token").get(0);
        long f2 = t.longColumn("PEER FLOPs/token").get(2);
        assertEquals(new FfwSpec.Peer(256, 4, 4, 8, true).count("x", d, 1, false).forwardFlopsPerToken(), f2);
        assertTrue(f2 > f0);
        assertEquals(4000.0, t.doubleColumn("train FLOPs/token").get(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Fig3Tables.active(List.of(run(new FfwSpec.Dense(), 1, Map.of()))));
        assertTrue(e.getMessage().contains("not PEER"), e.getMessage());
    }

    @Test
    void thePapersTablesHaveItsRowsAndPlotLikeOurs() {
        Table a = Fig3Tables.paperExperts();
        assertEquals(5, a.rowCount());
        assertEquals(24.17, a.doubleColumn("C4 ppl").get(0));
        Table b = Fig3Tables.paperActive();
        assertEquals(15, b.rowCount());
        XYChart ca = Fig3Plots.versusExperts("a", a, "C4 ppl");
        assertEquals(2, ca.getSeriesMap().size());   // PEER and the dense line
        assertEquals(24.17, ca.getSeriesMap().get("dense reference").getYData()[0]);
        XYChart cb = Fig3Plots.versusActive("b", b, "C4 ppl");
        assertEquals(List.of("h=2", "h=4", "h=8", "h=16", "h=32"), List.copyOf(cb.getSeriesMap().keySet()));
        assertEquals(5, cb.getSeriesMap().get("h=8").getXData().length);   // h=8 appears at every h·k, 32…512
        assertThrows(IllegalArgumentException.class, () -> Fig3Plots.versusExperts("x",
                Fig3Tables.paperExperts().where(Fig3Tables.paperExperts().intColumn("N").isEqualTo(0)), "C4 ppl"));
    }
}
