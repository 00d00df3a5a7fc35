package org.peerkit.flops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PaperFig3Test {

    @Test
    void fig3aIsTheDenseBackboneThenFourSquareNWithThePapersNumbers() {
        List<PaperFig3.ExpertsPoint> ps = PaperFig3.fig3a();
        assertEquals(5, ps.size());
        assertTrue(PaperFig3.dense().dense());
        assertEquals(24.17, PaperFig3.dense().c4Perplexity());
        assertEquals(List.of("dense", "128²", "256²", "512²", "1024²"), ps.stream().map(PaperFig3.ExpertsPoint::label).toList());
        assertEquals(new PaperFig3.ExpertsPoint(1048576, 2_260_000_000L, 20.64), ps.get(4));
        // §3.3: "simply increasing the number of experts can improve model performance"; parameters grow with N
        for (int i = 1; i < ps.size(); i++) {
            assertTrue(ps.get(i).c4Perplexity() < ps.get(i - 1).c4Perplexity(), ps.get(i).label());
            assertTrue(ps.get(i).totalParams() > ps.get(i - 1).totalParams(), ps.get(i).label());
        }
        // the 1024² point of Fig. 3a is the paper's default model, the same as Table 2's BN column
        assertEquals(PaperTable2.column(1048576, true).perplexity(), ps.get(4).c4Perplexity());
    }

    @Test
    void fig3bHasFifteenCellsThreePerActiveCountAndTheDefaultCell() {
        List<PaperFig3.ActiveCell> cs = PaperFig3.fig3b();
        assertEquals(15, cs.size());
        for (int hk : new int[] {32, 64, 128, 256, 512}) {
            assertEquals(3, cs.stream().filter(c -> c.active() == hk).count(), "h·k=" + hk);
        }
        assertEquals(20.64, PaperFig3.cell(8, 16).c4Perplexity());   // the paper's default h=8, k=16
        assertEquals(20.26, PaperFig3.cell(16, 32).c4Perplexity());
        // §3.3: more active experts is better: the best cell of each h·k row improves on the row before
        double last = Double.MAX_VALUE;
        for (int hk : new int[] {32, 64, 128, 256, 512}) {
            double best = cs.stream().filter(c -> c.active() == hk).mapToDouble(PaperFig3.ActiveCell::c4Perplexity).min().getAsDouble();
            assertTrue(best < last, "h·k=" + hk);
            last = best;
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PaperFig3.cell(1, 1));
        assertTrue(e.getMessage().contains("(8,16)"), e.getMessage());
    }
}
