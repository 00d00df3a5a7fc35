package org.peerkit.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.peerkit.ffw.PeerConfig;
import org.peerkit.tensor.Timing;
import tech.tablesaw.api.Table;

/** Structure of the retrieval-scaling measurement, table and chart (no speed is asserted). */
class RetrievalScalingTest {

    @Test
    void measuresEverySideAndBuildsTableAndChart() {
        List<RetrievalScaling.Point> pts = new RetrievalScaling(8, 2, 4, 8, 0, 2).measure(4, 8);
        assertEquals(2, pts.size());
        assertEquals(64, pts.get(1).numExperts());
        for (RetrievalScaling.Point p : pts) {
            assertTrue(p.productKey().median() > 0 && p.exhaustive().median() > 0);
            assertEquals(2, p.productKey().reps());
        }
        Table t = RetrievalScaling.table(pts);
        assertEquals(2, t.rowCount());
        assertEquals(16.0, t.doubleColumn("N").get(0));
        XYChart c = RetrievalScaling.chart(pts);
        assertEquals(4, c.getSeriesMap().size());
        double[] sqrtRef = c.getSeriesMap().get("∝ √N").getYData();
        assertEquals(sqrtRef[0] * 2, sqrtRef[1], 1e-9 * sqrtRef[1]); // N ×4 → √N ×2
        double[] linRef = c.getSeriesMap().get("∝ N").getYData();
        assertEquals(linRef[0] * 4, linRef[1], 1e-9 * linRef[1]);
    }

    @Test
    void logLogSlopeOfExactPowerLaws() {
        List<RetrievalScaling.Point> pts = new ArrayList<>();
        for (int side : new int[] {4, 8, 16, 32}) {
            double n = side * (double) side;
            pts.add(new RetrievalScaling.Point(side, new Timing.Timed(new double[] {Math.sqrt(n) * 1e-6}),
                    new Timing.Timed(new double[] {n * 1e-6})));
        }
        assertEquals(0.5, RetrievalScaling.logLogSlope(pts, true, 4), 1e-9);
        assertEquals(1.0, RetrievalScaling.logLogSlope(pts, false, 3), 1e-9);
        assertEquals(2.0, pts.get(1).speedup() / pts.get(0).speedup(), 1e-9); // N/√N = side doubles
        assertThrows(IllegalArgumentException.class, () -> RetrievalScaling.logLogSlope(pts, true, 1));
    }

    @Test
    void productKeyCheckAgreesExactly() {
        ProductKeyCheck c = ProductKeyCheck.run(
                PeerConfig.defaults().withHeads(2).withK(8).withDKey(8).withNumExperts(16 * 16), 10, 3);
        assertEquals(20, c.queries());
        assertEquals(20, c.identical(), c.toString());
        assertTrue(c.maxScoreDiff() < 1e-9);
    }

    @Test
    void rejectsBadShapes() {
        assertThrows(IllegalArgumentException.class, () -> new RetrievalScaling(8, 1, 4, 7, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new RetrievalScaling(8, 1, 20, 8, 0, 1).measure(4));
        assertThrows(IllegalArgumentException.class, () -> RetrievalScaling.chart(List.of()));
    }
}
