package org.peerkit.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.peerkit.flops.FfwKind;
import org.peerkit.flops.FfwSpec;
import org.peerkit.flops.IsoFlopPlanner;
import org.peerkit.flops.LadderConfig;
import org.peerkit.notebook.Plots;
import tech.tablesaw.api.Table;

class SweepTest {

    static RunSpec quick(long seed) {
        return RunSpec.defaults().withBudget(Budget.tokens(8L * 4 * 16)).withSeed(seed);
    }

    @Test
    void aFailingMemberIsRecordedAndTheSweepGoesOnAndARerunTrainsOnlyWhatIsMissing(@TempDir Path root) throws Exception {
        RunStore store = RunStore.at(root);
        RunSpec failing = quick(3).withBudget(Budget.flops(1));
        SweepResult first = Sweep.of("t", List.of(quick(1), failing, quick(2))).run(store);
        assertEquals(List.of("trained", "failed", "trained"), first.members().stream().map(SweepMember::status).toList());
        assertEquals(1, first.failures().size());
        assertTrue(first.failures().get(0).error().contains("budget.amount=1 flops is too small"),
                first.failures().get(0).error());
        String record = Files.readString(root.resolve("sweeps/t.json"));
        assertTrue(record.contains("\"status\" : \"failed\"") && record.contains("too small"), record);
        Table t = first.table();
        assertEquals(2, t.rowCount());
        assertTrue(t.columnNames().containsAll(List.of("valid_loss", "valid_ppl", "total_params", "seed")), t.columnNames().toString());

        SweepResult again = Sweep.of("t", List.of(quick(1), failing, quick(2), quick(4))).run(store);
        assertEquals(List.of("loaded", "failed", "loaded", "trained"),
                again.members().stream().map(SweepMember::status).toList());
        assertEquals(first.members().get(0).result().summary(), again.members().get(0).result().summary());
    }

    @Test
    void aGridFileExpandsToItsProductAndNamesBadAxes(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("smoke.json");
        Files.writeString(f, "{\"grid\": {\"model.dModel\": [32, 64], \"seed\": [1, 2]}}");
        Sweep s = Sweep.fromFile(f);
        assertEquals("smoke", s.name());
        assertEquals(4, s.specs().size());
        assertEquals(List.of(32, 32, 64, 64), s.specs().stream().map(x -> x.model().dModel()).toList());
        assertEquals(List.of(1L, 2L, 1L, 2L), s.specs().stream().map(RunSpec::seed).toList());

        Files.writeString(f, "{\"grid\": {\"model.dmodel\": [32]}}");
        var e = assertThrows(IllegalArgumentException.class, () -> Sweep.fromFile(f));
        assertTrue(e.getMessage().contains("grid axis 'model.dmodel' names no spec field ('dmodel' is not one of"),
                e.getMessage());

        Files.writeString(f, "{\"grid\": {\"ffw\": [{\"kind\": \"dense\"}, {\"kind\": \"mlp\"}]}}");
        e = assertThrows(IllegalArgumentException.class, () -> Sweep.fromFile(f));
        assertTrue(e.getMessage().contains("member 1 (ffw={\"kind\":\"mlp\"}): unknown FFW kind 'mlp'"), e.getMessage());
    }

    @Test
    void gridInCode() {
        Sweep s = Sweep.grid("g", RunSpec.defaults(), Map.of("seed", List.of(5, 6, 7)));
        assertEquals(3, s.specs().size());
        assertEquals(7, s.specs().get(2).seed());
    }

    @Test
    void anIsoFlopSweepTrainsEveryRungAtTheSameBudgetAndPlotsOneCurve(@TempDir Path root) {
        LadderConfig kit = LadderConfig.kit();
        LadderConfig tiny = new LadderConfig(64, 16, 4, List.of(32, 64), 32, 16, 4, kit.ffw());
        double budget = 12.0 * tiny.tokensPerStep() * IsoFlopPlanner.count(tiny.backbone(32), new FfwSpec.Dense())
                .trainingFlopsPerToken();
        Sweep s = Sweep.isoFlop("iso", RunSpec.defaults(), budget, tiny, FfwKind.DENSE);
        assertEquals(2, s.specs().size());
        SweepResult r = s.run(RunStore.at(root));
        assertTrue(r.failures().isEmpty(), r.statusTable().print());
        List<RunResult> runs = r.results();
        assertEquals(12, runs.get(0).summary().steps());
        assertTrue(runs.get(1).summary().steps() < 12);  // the larger model buys fewer steps
        for (RunResult x : runs) {
            assertTrue(x.summary().flops() <= budget && x.summary().flops() > 0.5 * budget, x.summary().toString());
        }
        var chart = Plots.isoFlop(runs);
        assertEquals(List.of("dense", "min"), List.copyOf(chart.getSeriesMap().keySet()));
        var curves = Plots.lossCurves(runs);
        assertEquals(2, curves.getSeriesMap().size());
        assertEquals(12, curves.getSeriesMap().values().iterator().next().getXData().length);
    }

    @Test
    void denseAndExpertKindsTrainSideBySideAndRoutingHealthLandsInTheResults(@TempDir Path root) {
        SweepResult r = Sweep.of("kinds", List.of(quick(1), quick(1).withFfw(new FfwSpec.Peer(64, 2, 4, 8, true)),
                quick(1).withFfw(new FfwSpec.Pkm(64, 2, 4, 8, true)))).run(RunStore.at(root));
        assertTrue(r.failures().isEmpty(), r.statusTable().printAll());
        Table t = r.table();
        assertEquals(List.of("dense", "peer", "pkm"), t.stringColumn("kind").asList());
        assertTrue(t.doubleColumn("routing_block1_usage_pct").isMissing(0));
        for (int row = 1; row <= 2; row++) {
            double usage = t.doubleColumn("routing_block1_usage_pct").get(row);
            assertTrue(usage > 0 && usage <= 100, "usage " + usage);
            assertTrue(t.longColumn("total_params").get(row) > t.longColumn("active_params").get(row));
        }
        assertEquals(RunResult.Origin.LOADED, RunStore.at(root).run(quick(1).withFfw(new FfwSpec.Peer(64, 2, 4, 8, true))).origin());
    }
}
