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
        PeerConfig cfg = PeerConfig.defaults().withDModel(6).withHeads(2).withK(3).withDKey(4).withNumExperts(16)
                .withActivation(act).withQueryBatchNorm(bn);
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
        assertMessage("numExperts=1000 is not a perfect square", () -> PeerConfig.defaults().withNumExperts(1000));
        assertMessage("dKey=127 must be even", () -> PeerConfig.defaults().withDKey(127));
        assertMessage("k=300 exceeds numExperts=256", () -> PeerConfig.defaults().withK(300).withNumExperts(256));
        assertMessage("k=0 must be ≥ 1", () -> PeerConfig.defaults().withK(0));
        assertMessage("heads=0 must be ≥ 1", () -> PeerConfig.defaults().withHeads(0));
        assertMessage("heads=-2 must be ≥ 1", () -> PeerConfig.defaults().withHeads(-2));
    }

    @Test
    void inputOfWrongWidthIsRejected() {
        PeerLayer layer = new PeerLayer("blocks.1.ffw", PeerConfig.defaults().withDModel(8).withHeads(2)
                .withK(2).withDKey(4).withNumExperts(16),
                DataType.FLOAT, new Rng(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> layer.forward(new Rng(2).normal(DataType.FLOAT, 1, 4, 9)));
        assertTrue(e.getMessage().contains("blocks.1.ffw: expected input [N, 8], got [4, 9]"), e.getMessage());
    }

    @Test
    void routingRecordFeedsTableTwoMetrics() {
        PeerConfig cfg = PeerConfig.defaults().withDModel(8).withHeads(2).withK(4).withDKey(4).withNumExperts(64);
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
        PeerConfig cfg = PeerConfig.defaults().withDModel(5).withHeads(2).withK(2).withDKey(4).withNumExperts(9);
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
        PeerLayer layer = new PeerLayer("peer", PeerConfig.defaults().withDModel(6).withHeads(2).withK(2)
                .withDKey(4).withNumExperts(16),
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
