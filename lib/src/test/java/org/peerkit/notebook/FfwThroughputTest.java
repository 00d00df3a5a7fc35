package org.peerkit.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.peerkit.ffw.DenseFfw;
import org.peerkit.ffw.PeerConfig;
import org.peerkit.ffw.PeerLayer;
import org.peerkit.nn.Rng;
import org.peerkit.tensor.Activation;
import tech.tablesaw.api.Table;

/** Structure of throughput, stage and memory reports (rows, columns, units), never a speed. */
class FfwThroughputTest {

    private static final PeerConfig CFG = PeerConfig.defaults().withDModel(16).withHeads(2).withK(4)
            .withDKey(8).withNumExperts(64);

    @Test
    void throughputOfDenseAndPeerWithTableAndChart() {
        DenseFfw dense = new DenseFfw("d", 16, 8, Activation.GELU, false, 0.1, 0.1, DataType.FLOAT, new Rng(1));
        PeerLayer peer = new PeerLayer("p", CFG, DataType.FLOAT, new Rng(2));
        FfwThroughput d = FfwThroughput.measure("dense", dense, 16, 32, 1, 3);
        FfwThroughput p = FfwThroughput.measure("peer", peer, 16, 32, 1, 3);
        assertEquals("peer", p.kind());
        assertEquals(3, p.forward().reps());
        assertEquals(2L * 16 * 8 * 4, d.paramBytes()); // up and down, 16×8 floats each
        assertTrue(p.forwardTokensPerSecond() > 0 && p.trainTokensPerSecond() > 0);
        assertEquals(3 * p.forwardFlopsPerToken() * p.trainTokensPerSecond() / 1e9, p.trainGflops(), 1e-9 * p.trainGflops());
        Table t = FfwThroughput.table("t", List.of(d, p), 10.0);
        assertEquals(2, t.rowCount());
        assertEquals("peer", t.stringColumn("layer").get(1));
        assertEquals(2, FfwThroughput.chart("c", "N", new double[] {1, 2}, List.of(d, p)).getSeriesMap().size());
        assertThrows(IllegalArgumentException.class, () -> FfwThroughput.table("t", List.of(d), 0));
        assertThrows(IllegalArgumentException.class, () -> FfwThroughput.chart("c", "N", new double[] {1}, List.of(d, p)));
    }

    @Test
    void stagesCoverThePipelineInOrder() {
        PeerStages s = PeerStages.measure(new PeerLayer("p", CFG, DataType.FLOAT, new Rng(3)), 32, 1, 3);
        List<String> names = s.stages().stream().map(PeerStages.Stage::name).toList();
        assertEquals(List.of("query projection", "query BatchNorm", "retrieval (product-key top-k)", "softmax gates",
                "experts (gather + σ(u·x)·v)", "forward (whole layer)", "backward (whole layer)"), names);
        assertEquals(5, s.forwardStages().size());
        assertTrue(s.stages().stream().allMatch(x -> x.ms() >= 0));
        assertEquals(7, s.table().rowCount());
        assertEquals(List.of("query projection", "query BatchNorm", "retrieval", "softmax gates", "experts", "forward",
                "backward"), s.chart().getSeriesMap().get("ms").getXData());
        assertThrows(IllegalArgumentException.class, () -> s.ms("nope"));
    }

    @Test
    void activationEstimateCountsEachBuffer() {
        // T=10, H·Q=16, M=8, D=16, chunk=20, Q/2+S=4+8: floats (4·160 + 5·80 + 2·160 + 2·20·12) + ints 3·80
        long expected = (4L * 160 + 5 * 80 + 2 * 160 + 2 * 20 * 12) * 4 + 3L * 80 * 4;
        assertEquals(expected, PeerStages.activationBytes(CFG, 10, 4));
    }
}
