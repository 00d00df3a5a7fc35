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

    static RunResult seeded(FfwSpec ffw, long seed, double loss, double usage) {
        RunSpec s = RunSpec.defaults().withFfw(ffw).withSeed(seed);
        Map<String, Double> routing = ffw instanceof FfwSpec.Peer ? Map.of("block1_usage_pct", usage,
                "block1_unevenness", 1.0) : Map.of();
        return new RunResult(s.id(), Path.of("runs", s.id()), s, new RunSummary(4, 256, 1024e3, 3, Map.of("valid", loss),
                1000, 100, 2.5, routing), RunResult.Origin.LOADED);
    }

    @Test
    void seedsAreAveragedIntoOneRowWithIntervalsAndComparedPairwise() {
        FfwSpec small = new FfwSpec.Peer(64, 2, 4, 8, true);
        FfwSpec large = new FfwSpec.Peer(256, 2, 4, 8, true);
        List<RunResult> runs = List.of(seeded(new FfwSpec.Dense(), 1, 5.0, 0), seeded(new FfwSpec.Dense(), 2, 5.4, 0),
                seeded(new FfwSpec.Dense(), 3, 5.2, 0), seeded(small, 1, 4.9, 50), seeded(small, 2, 5.3, 60),
                seeded(small, 3, 5.1, 70), seeded(large, 1, 5.0, 20), seeded(large, 2, 5.5, 30), seeded(large, 3, 5.1, 40));
        Table t = Fig3Tables.experts(runs);
        assertEquals(List.of(0, 64, 256), t.intColumn("N").asList());
        assertEquals(List.of(3, 3, 3), t.intColumn("seeds").asList());
        assertEquals(Math.exp(5.2), t.doubleColumn("ppl").get(0), 1e-9);
        assertTrue(t.doubleColumn("ppl lo").get(0) < Math.exp(5.2) && t.doubleColumn("ppl hi").get(0) > Math.exp(5.2));
        assertEquals(60.0, t.doubleColumn("usage %").get(1), 1e-12);
        assertTrue(t.stringColumn("usage % (95 % t)").get(1).startsWith("60.0 ± 24.8"), t.stringColumn("usage % (95 % t)").get(1));
        XYChart c = Fig3Plots.versusExperts("x", t, "ppl");
        assertTrue(c.getSeriesMap().get("PEER").getExtraValues()[0] > 0, "error bars drawn");

        var groups = Fig3Tables.expertGroups(runs);
        Table vsDense = Comparisons.against("vs dense", groups.get(0), groups, Fig3Tables::label);
        assertEquals(List.of("h=2 k=4 N=8²", "h=2 k=4 N=16²"), vsDense.stringColumn("arm").asList());
        // 8² beats dense by exactly 0.1 on every seed; 16² differs by −0, +0.1, −0.1: noise
        assertEquals(List.of(true, false), vsDense.booleanColumn("significant").asList());
        assertTrue(vsDense.stringColumn("verdict").get(0).startsWith("h=2 k=4 N=8² better than dense"),
                vsDense.stringColumn("verdict").get(0));
        assertEquals("h=2 k=4 N=8² better than dense (-0.1000 ± 0.0000, p=0.000)", Comparisons.significant(vsDense));
        Table steps = Comparisons.adjacent("N steps", groups.subList(1, 3), Fig3Tables::label);
        assertEquals(1, steps.rowCount());
        assertEquals("none significant at 95 %", Comparisons.significant(steps));
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
