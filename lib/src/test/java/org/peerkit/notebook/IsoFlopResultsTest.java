package org.peerkit.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.peerkit.data.Split;
import org.peerkit.experiment.DataSpec;
import org.peerkit.experiment.RunResult;
import org.peerkit.experiment.RunSpec;
import org.peerkit.experiment.RunStore;
import org.peerkit.experiment.Sweep;
import org.peerkit.experiment.SweepResult;
import org.peerkit.flops.FfwKind;
import org.peerkit.flops.FfwSpec;
import org.peerkit.flops.IsoFlopPlanner;
import org.peerkit.flops.LadderConfig;
import tech.tablesaw.api.Table;

class IsoFlopResultsTest {

    @Test
    void curvesPerBudgetAndTheOptimumOfEachKindOnEverySplit(@TempDir Path root) {
        LadderConfig tiny = new LadderConfig(64, 16, 4, List.of(32, 64), 32, 16, 4,
                LadderConfig.kit().with(new FfwSpec.Peer(64, 2, 4, 8, true)).ffw());
        RunSpec base = RunSpec.defaults().withData(new DataSpec(DataSpec.Source.SYNTHETIC,
                List.of(Split.VALID, Split.MOBY_DICK), 2, 0));
        double small = 6.0 * tiny.tokensPerStep() * IsoFlopPlanner.count(tiny.backbone(64), new FfwSpec.Dense())
                .trainingFlopsPerToken();
        List<RunSpec> specs = new ArrayList<>();
        for (double b : new double[] {2 * small, small}) {
            specs.addAll(Sweep.isoFlop("x", base, b, tiny, FfwKind.DENSE, FfwKind.PEER).specs());
        }
        SweepResult r = Sweep.of("iso2", specs).run(RunStore.at(root));
        assertTrue(r.failures().isEmpty(), r.statusTable().printAll());
        List<RunResult> runs = r.results();

        assertEquals(List.of(small, 2 * small), IsoFlopResults.budgets(runs));
        assertEquals(4, IsoFlopResults.at(runs, small).size());
        var chart = IsoFlopResults.chart(runs, small);
        assertEquals(List.of("dense", "peer", "min"), List.copyOf(chart.getSeriesMap().keySet()));
        assertEquals(2, chart.getSeriesMap().get("peer").getXData().length);
        assertEquals("valid perplexity", chart.getYAxisTitle());
        PlotsTest.rendersAsPng(chart);
        var e = assertThrows(IllegalArgumentException.class, () -> IsoFlopResults.chart(runs, 3 * small));
        assertTrue(e.getMessage().contains("no run at"), e.getMessage());

        List<RunResult> best = IsoFlopResults.optima(runs);
        assertEquals(4, best.size());
        for (RunResult b : best) {
            for (RunResult x : IsoFlopResults.at(runs, b.spec().budget().amount())) {
                if (x.spec().ffw().kind() == b.spec().ffw().kind()) {
                    assertTrue(b.perplexity() <= x.perplexity());
                }
            }
        }
        Table t = IsoFlopResults.table(runs);
        assertEquals(4, t.rowCount());
        assertEquals(List.of("dense", "peer", "dense", "peer"), t.stringColumn("kind").asList());
        assertTrue(t.columnNames().containsAll(List.of("valid ppl", "moby-dick ppl")), t.columnNames().toString());
        assertEquals(best.get(0).perplexity(), t.doubleColumn("valid ppl").get(0), 0.006);
        String order = IsoFlopResults.ordering(runs, small);
        assertTrue(order.matches("(dense|peer) [0-9.]+ < (dense|peer) [0-9.]+"), order);
    }
}
