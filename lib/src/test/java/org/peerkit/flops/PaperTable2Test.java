package org.peerkit.flops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PaperTable2Test {

    @Test
    void eightColumnsInThePapersOrderWithItsNumbers() {
        List<PaperTable2.Column> cs = PaperTable2.columns();
        assertEquals(8, cs.size());
        assertEquals(new PaperTable2.Column(16384, false, 23.47, 100.0, 0.45), cs.get(0));
        assertEquals(new PaperTable2.Column(1048576, true, 20.64, 100.0, 1.06), cs.get(7));
        assertEquals(99.8, PaperTable2.column(1024 * 1024, false).usagePercent());
        assertEquals(0.44, PaperTable2.column(65536, true).unevenness());
        assertEquals(List.of("16k", "16k", "65k", "65k", "262k", "262k", "1M", "1M"),
                cs.stream().map(PaperTable2.Column::label).toList());
    }

    @Test
    void theTranscriptionKeepsThePapersClaimsBnLowersUnevennessAtEveryN() {
        // §3.3: BN lowers unevenness by about 30 % at every N, and unevenness grows with N
        double last = 0;
        for (int side : new int[] {128, 256, 512, 1024}) {
            PaperTable2.Column off = PaperTable2.column(side * side, false);
            PaperTable2.Column on = PaperTable2.column(side * side, true);
            double drop = 1 - on.unevenness() / off.unevenness();
            assertTrue(drop > 0.25 && drop < 0.36, "N=" + side * side + ": BN lowers unevenness by " + drop);
            assertTrue(off.unevenness() > last);
            last = off.unevenness();
        }
    }

    @Test
    void fig4HasBothCurvesAndAnUnknownNIsAnErrorListingThePapersN() {
        assertEquals(20, PaperTable2.fig4().size());
        assertEquals(20.63, PaperTable2.fig4().get(13).c4Perplexity());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PaperTable2.column(1000, true));
        assertTrue(e.getMessage().contains("16384"), e.getMessage());
    }
}
