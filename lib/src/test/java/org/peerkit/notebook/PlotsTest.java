package org.peerkit.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.peerkit.experiment.Budget;
import org.peerkit.experiment.RunSpec;
import org.peerkit.experiment.RunStore;
import org.peerkit.experiment.Sweep;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class PlotsTest {

    static void rendersAsPng(Chart<?, ?> c) {
        byte[] png = Base64.getDecoder().decode(Renderers.png(c));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
    }

    @Test
    void isoFlopPlotHasOneSeriesPerMethodLogXAndTheMinimaMarked() {
        XYChart c = Plots.isoFlop("t", "loss", Map.of(
                "dense", new double[][] {{3e6, 4.0}, {1e6, 4.5}, {9e6, 4.2}},
                "peer", new double[][] {{2e7, 3.9}, {5e7, 3.7}, {9e7, 3.8}}));
        assertTrue(c.getStyler().isXAxisLogarithmic());
        assertEquals(3, c.getSeriesMap().size());  // dense, peer, min
        XYSeries dense = c.getSeriesMap().get("dense");
        assertArrayEquals(new double[] {1e6, 3e6, 9e6}, dense.getXData());  // sorted by params
        XYSeries min = c.getSeriesMap().get("min");
        List<Double> minX = new ArrayList<>();
        for (double x : min.getXData()) {
            minX.add(x);
        }
        assertTrue(minX.containsAll(List.of(3e6, 5e7)), minX.toString());
        assertEquals(XYSeries.XYSeriesRenderStyle.Scatter, min.getXYSeriesRenderStyle());
        rendersAsPng(c);
    }

    @Test
    void paperFig1HasFourMethodsAndItsMarkedMinima() {
        XYChart c = Plots.paperFig1(6e18);
        assertEquals(List.of("dense", "moe", "pkm", "peer", "min"), new ArrayList<>(c.getSeriesMap().keySet()));
        double[] minY = c.getSeriesMap().get("min").getYData();
        assertArrayEquals(new double[] {23.71, 21.53, 21.92, 20.63}, minY, 1e-9);
        rendersAsPng(c);
        assertThrows(IllegalArgumentException.class, () -> Plots.paperFig1(1e19));
    }

    @Test
    void expertUsageSumsBlocksOfALargeGridAndRejectsNonSquares() {
        double[] hits = new double[128 * 128];
        hits[0] = 1;
        hits[1] = 2;
        hits[128] = 3;  // row 1, column 0: same 2×2 block as experts 0 and 1
        hits[127] = 5;
        HeatMapChart c = Plots.expertUsage("usage", hits);
        assertTrue(c.getTitle().contains("blocks of 2×2 experts"), c.getTitle());
        List<Number[]> cells = new ArrayList<>();
        for (Object o : c.getHeatMapSeries().getHeatData()) {
            cells.add((Number[]) o);
        }
        assertEquals(64 * 64, cells.size());
        double first = cells.stream().filter(v -> v[0].intValue() == 0 && v[1].intValue() == 0).findFirst().orElseThrow()[2]
                .doubleValue();
        assertEquals(6, first);
        double last = cells.stream().filter(v -> v[0].intValue() == 63 && v[1].intValue() == 0).findFirst().orElseThrow()[2]
                .doubleValue();
        assertEquals(5, last);
        rendersAsPng(c);
        assertEquals(16, Plots.expertUsage("small", new long[16]).getHeatMapSeries().getHeatData().size());
        var e = assertThrows(IllegalArgumentException.class, () -> Plots.expertUsage("u", new double[10]));
        assertTrue(e.getMessage().startsWith("hitsPerExpert has 10 entries, not a perfect square"), e.getMessage());
    }

    @Test
    void ablationGridAndBarsRender() {
        Table t = Table.create("ablation", IntColumn.create("hk", new int[] {32, 32, 64, 64}),
                IntColumn.create("h", new int[] {2, 4, 2, 4}), DoubleColumn.create("ppl", new double[] {21.5, 21.7, 21.1, 21.0}),
                StringColumn.create("name", new String[] {"a", "b", "c", "d"}));
        HeatMapChart g = Plots.ablationGrid(t, "h", "hk", "ppl");
        assertEquals(4, g.getHeatMapSeries().getHeatData().size());
        rendersAsPng(g);
        rendersAsPng(Plots.bars(t, "name", "ppl"));
    }

    @Test
    void sweepBoardShowsOneTableAndReplacesIt(@TempDir Path root) {
        List<Object> shown = new ArrayList<>();
        List<Object> updates = new ArrayList<>();
        var spec = RunSpec.defaults().withBudget(Budget.tokens(2L * 4 * 16));
        var bad = spec.withBudget(Budget.flops(1));
        Sweep.of("b", List.of(spec, bad)).run(RunStore.at(root),
                SweepBoard.of(o -> {
                    shown.add(o);
                    return "x";
                }, (id, o) -> updates.add(o)));
        assertEquals(1, shown.size());
        assertEquals(3, updates.size());  // finished 0, starting 1, finished 1
        Table last = (Table) updates.get(2);
        assertEquals("sweep: 2 of 2 done", last.name());
        assertEquals(List.of("trained", "failed"), last.stringColumn("status").asList(), last::print);
    }
}
