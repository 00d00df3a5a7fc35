package org.peerkit.flops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PaperTable1Test {

    /** Table 1's C4 column and Fig. 1's curve minima are two readings of one model (≤ 0.13 apart). */
    @Test
    void c4ColumnMatchesTheMinimaOfFig1() {
        assertEquals(8, PaperTable1.rows().size());
        for (PaperTable1.Row r : PaperTable1.rows()) {
            PaperFig1.Point min = PaperFig1.points().stream()
                    .filter(p -> p.minimum() && p.budget() == r.budget() && p.kind() == r.kind()).findFirst().orElseThrow();
            assertTrue(Math.abs(min.c4Perplexity() - r.c4()) <= 0.13, r + " vs " + min);
        }
    }

    @Test
    void peerIsLowestOnEveryCellAsThePaperStates() {
        var t = PaperTable1.table();
        assertEquals(2 + PaperTable1.SETS.size(), t.columnCount());
        for (PaperTable1.Row peer : PaperTable1.rows()) {
            if (peer.kind() != FfwKind.PEER) {
                continue;
            }
            for (PaperTable1.Row other : PaperTable1.rows()) {
                if (other.budget() == peer.budget() && other.kind() != FfwKind.PEER) {
                    for (int i = 0; i < PaperTable1.SETS.size(); i++) {
                        assertTrue(peer.perplexity().get(i) < other.perplexity().get(i), other + " vs " + peer);
                    }
                }
            }
        }
    }
}
