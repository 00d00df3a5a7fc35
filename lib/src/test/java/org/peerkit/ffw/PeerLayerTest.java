package org.peerkit.ffw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.peerkit.nn.GradCheck;
import org.peerkit.nn.Param;
import org.peerkit.nn.Rng;
import org.peerkit.tensor.Activation;

/** PEER: finite-difference gradients (double), bad configs, bad input, routing record. */
class PeerLayerTest {

    private static final int T = 6;

    @ParameterizedTest
    @CsvSource({"GELU,true", "GELU,false", "RELU,true"})
    void gradientsMatchFiniteDifferences(Activation act, boolean bn) {
        PeerConfig cfg = new PeerConfig(6, 16, 2, 3, 4, act, bn);
        PeerLayer layer = new PeerLayer("peer", cfg, DataType.DOUBLE, new Rng(3));
        Rng rng = new Rng(5);
        INDArray x = rng.normal(DataType.DOUBLE, 1.0, T, 6);
        INDArray dy = rng.normal(DataType.DOUBLE, 1.0, T, 6);
        layer.forward(x);
        INDArray dx = layer.backward(dy).dup();
        // loss = Σ y·dy, recomputed with the same forward (BN in training mode, as in backward)
        java.util.function.DoubleSupplier loss = () -> layer.forward(x).mul(dy).sumNumber().doubleValue();
        assertClose("x", dx, GradCheck.numeric(x, loss));
        for (Param p : layer.params()) {
            assertClose(p.name(), p.grad().dup(), GradCheck.numeric(p.value(), loss));
        }
    }

    private static void assertClose(String what, INDArray analytic, double[] numeric) {
        double rel = GradCheck.relError(analytic.dup('c').data().asDouble(), numeric);
        assertTrue(rel <= GradCheck.TOLERANCE, what + ": relative error " + rel);
    }

    @Test
    void badConfigsNameFieldValueAndRule() {
        Activation g = Activation.GELU;
        assertMessage("numExperts=1000 is not a perfect square", () -> new PeerConfig(8, 1000, 8, 16, 128, g, true));
        assertMessage("dKey=127 must be even", () -> new PeerConfig(8, 1024, 8, 16, 127, g, true));
        assertMessage("k=300 exceeds numExperts=256", () -> new PeerConfig(8, 256, 8, 300, 128, g, true));
        assertMessage("k=0 must be ≥ 1", () -> new PeerConfig(8, 16, 8, 0, 128, g, true));
        assertMessage("heads=0 must be ≥ 1", () -> new PeerConfig(8, 1024, 0, 16, 128, g, true));
        assertMessage("heads=-2 must be ≥ 1", () -> new PeerConfig(8, 1024, -2, 16, 128, g, true));
    }

    @Test
    void inputOfWrongWidthIsRejected() {
        PeerLayer layer = new PeerLayer("blocks.1.ffw", new PeerConfig(8, 16, 2, 2, 4, Activation.GELU, true),
                DataType.FLOAT, new Rng(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> layer.forward(new Rng(2).normal(DataType.FLOAT, 1, 4, 9)));
        assertTrue(e.getMessage().contains("blocks.1.ffw: expected input [N, 8], got [4, 9]"), e.getMessage());
    }

    @Test
    void routingRecordFeedsTableTwoMetrics() {
        PeerConfig cfg = new PeerConfig(8, 64, 2, 4, 4, Activation.GELU, true);
        PeerLayer layer = new PeerLayer("peer", cfg, DataType.FLOAT, new Rng(1));
        layer.forward(new Rng(2).normal(DataType.FLOAT, 1, 50, 8));
        RoutingRecord r = layer.routing();
        assertEquals(50, r.tokens());
        RoutingStats stats = new RoutingStats(64);
        stats.add(r);
        long hits = 0;
        for (long h : stats.hits()) {
            hits += h;
        }
        assertEquals(50L * 2 * 4, hits);
        double used = 100.0 * (64 - stats.deadExperts()) / 64;
        assertEquals(used, stats.usagePercent(), 1e-12);
        assertTrue(stats.unevenness() >= 0 && stats.unevenness() <= Math.log(64));
        long grid = 0;
        for (long[] row : stats.hitGrid()) {
            for (long h : row) {
                grid += h;
            }
        }
        assertEquals(hits, grid);
    }

    @Test
    void unevennessIsKlToUniform() {
        RoutingStats stats = new RoutingStats(4);
        // all mass on expert 0 → KL = log 4; expert usage 25 %
        stats.add(new RoutingRecord(4, 1, 1, new int[] {0, 0}, new double[] {0.5, 1.0}));
        assertEquals(Math.log(4), stats.unevenness(), 1e-12);
        assertEquals(25.0, stats.usagePercent(), 1e-12);
        assertEquals(3, stats.deadExperts());
        stats.add(new RoutingRecord(4, 1, 1, new int[] {1, 2, 3}, new double[] {1.5, 1.5, 1.5}));
        assertEquals(0.0, stats.unevenness(), 1e-12);
    }

    @Test
    void growKeepsOldExpertsBitIdentical() {
        PeerConfig cfg = new PeerConfig(5, 9, 2, 2, 4, Activation.GELU, true);
        PeerLayer small = new PeerLayer("peer", cfg, DataType.FLOAT, new Rng(1));
        PeerLayer big = small.grow(5, new Rng(9));
        assertEquals(25, big.config().numExperts());
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(small.u().value().getRow(i * 3 + j), big.u().value().getRow(i * 5 + j));
                assertEquals(small.v().value().getRow(i * 3 + j), big.v().value().getRow(i * 5 + j));
            }
            assertEquals(small.subKeys1().value().getRow(i), big.subKeys1().value().getRow(i));
            assertEquals(small.subKeys2().value().getRow(i), big.subKeys2().value().getRow(i));
        }
        assertEquals(small.queryWeight().value(), big.queryWeight().value());
        assertMessage("grow to newSide=2 must be ≥ current √N = 3", () -> small.grow(2, new Rng(1)));
    }

    @Test
    void evaluationModeUsesRunningStatistics() {
        PeerLayer layer = new PeerLayer("peer", new PeerConfig(6, 16, 2, 2, 4, Activation.GELU, true),
                DataType.DOUBLE, new Rng(1));
        INDArray one = new Rng(2).normal(DataType.DOUBLE, 1, 1, 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> layer.forward(one));
        assertTrue(e.getMessage().contains("needs at least 2 tokens, got 1"), e.getMessage());
        layer.forward(new Rng(3).normal(DataType.DOUBLE, 1, 10, 6));
        layer.setTraining(false);
        layer.forward(one);
        QueryBatchNorm bn = layer.queryBatchNorm();
        INDArray raw = one.mmul(layer.queryWeight().value());
        for (int f = 0; f < 8; f++) {
            double expect = (raw.getDouble(0, f) - bn.runningMean()[f]) / Math.sqrt(bn.runningVar()[f] + 1e-5);
            assertEquals(expect, layer.queries().getDouble(0, f), 1e-12);
        }
    }

    @Test
    void paperScaleCountsFollowTheOneFormula() {
        PeerLayer layer = new PeerLayer("peer", PeerConfig.defaults().withNumExperts(32 * 32).withDModel(16),
                DataType.FLOAT, new Rng(1));
        // query 2·D·H·Q + sub-key scores 2·H·S·Q + experts 4·H·K·D, at D 16, S 32, H 8, K 16, Q 128
        long expected = 2L * 16 * 8 * 128 + 2L * 8 * 32 * 128 + 4L * 8 * 16 * 16;
        assertEquals(expected, layer.forwardFlopsPerToken());
        assertEquals(expected, PeerLayer.forwardFlopsPerToken(16, 32, 8, 16, 128));
        // query weight D·H·Q and BN 2·H·Q, plus the H·K experts' u and v rows
        assertEquals(16L * 8 * 128 + 2L * 8 * 128 + 2L * 8 * 16 * 16, layer.activeParams());
    }

    private static void assertMessage(String expected, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(expected), "message was: " + e.getMessage());
    }
}
