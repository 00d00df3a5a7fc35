package org.peerkit.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.peerkit.data.Split;
import org.peerkit.ffw.PeerLayer;
import org.peerkit.ffw.RoutingStats;
import org.peerkit.flops.FfwSpec;
import org.peerkit.model.DecoderLm;
import org.peerkit.nn.Param;

class GrowthRunTest {

    /** The tiny synthetic model with a 4×4-expert PEER layer in its middle block. */
    static RunSpec peerBase() {
        return RunSpec.defaults().withFfw(new FfwSpec.Peer(16, 2, 2, 8, true)).withBudget(Budget.tokens(12L * 4 * 16));
    }

    static GrowthSpec spec(long steps) {
        return new GrowthSpec(peerBase(), 6, Split.MOBY_DICK, 0.9, steps, 3, 2, 5);
    }

    @Test
    void growingKeepsEveryOldParameterBitIdenticalAtItsMappedRow(@TempDir Path root) {
        RunResult base = RunStore.at(root).run(peerBase());
        DecoderLm lm = RunRouting.finalModel(base);
        DecoderLm g = GrowthRun.grow(lm, base.spec(), 6, 3);
        PeerLayer before = (PeerLayer) lm.feedForwards().get(1);
        PeerLayer after = (PeerLayer) g.feedForwards().get(1);
        assertEquals(36, after.config().numExperts());
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                assertArrayEquals(before.u().value().getRow(i * 4 + j).toFloatVector(),
                        after.u().value().getRow(i * 6 + j).toFloatVector(), "u of expert " + (i * 4 + j));
                assertArrayEquals(before.v().value().getRow(i * 4 + j).toFloatVector(),
                        after.v().value().getRow(i * 6 + j).toFloatVector(), "v of expert " + (i * 4 + j));
            }
            assertArrayEquals(before.subKeys1().value().getRow(i).toFloatVector(),
                    after.subKeys1().value().getRow(i).toFloatVector());
            assertArrayEquals(before.subKeys2().value().getRow(i).toFloatVector(),
                    after.subKeys2().value().getRow(i).toFloatVector());
        }
        List<Param> old = lm.params();
        List<Param> now = g.params();
        assertEquals(old.size(), now.size());
        for (int p = 0; p < old.size(); p++) {
            assertEquals(old.get(p).name(), now.get(p).name());
            if (Arrays.equals(old.get(p).shape(), now.get(p).shape())) {
                assertEquals(old.get(p).value(), now.get(p).value(), old.get(p).name() + " changed");
            }
        }
        assertEquals(lm.buffers().keySet(), g.buffers().keySet());
        lm.buffers().forEach((k, v) -> assertArrayEquals(v, g.buffers().get(k), k));
    }

    @Test
    void newExpertsAreRetrievedAtOnceSoTheFunctionChanges(@TempDir Path root) {
        RunResult base = RunStore.at(root).run(peerBase());
        DecoderLm lm = RunRouting.finalModel(base);
        DecoderLm g = GrowthRun.grow(lm, base.spec(), 6, 3);
        GrowthSpec gs = spec(6);
        EvalSet set = GrowthData.synthetic().oldText(gs);
        double before = Evaluation.meanLoss(lm, set);
        double after = Evaluation.meanLoss(g, set);
        // the old experts are all still there, but new product keys join the top-k of some tokens,
        // so the function is not preserved exactly at the moment of growth
        assertTrue(Double.isFinite(after));
        assertNotEquals(before, after);
        RoutingStats rs = RunRouting.measure(g, set).get(0);
        long total = Arrays.stream(rs.hits()).sum();
        assertEquals(set.batches() * set.batchSize() * set.seqLen() * 2L * 2L, total, "every token, head and slot");
        double share = GrowthRun.newExpertShare(rs.hits(), 4, 6);
        assertTrue(share > 0 && share < 1, "new experts take some hits at once: " + share);
    }

    @Test
    void aGrowthRunRecordsBothArmsAndIsLoadedFromDiskTheSecondTime(@TempDir Path root) throws Exception {
        RunStore store = RunStore.at(root);
        GrowthSpec g = spec(6);
        List<GrowthResult.Point> seen = new ArrayList<>();
        GrowthResult r = GrowthRun.run(store, g, GrowthData.synthetic(), seen::add);
        assertEquals(List.of(0L, 3L, 6L), r.arm(GrowthResult.CONTROL).stream().map(GrowthResult.Point::step).toList());
        assertEquals(List.of(0L, 3L, 6L), r.arm(GrowthResult.GROWN).stream().map(GrowthResult.Point::step).toList());
        assertEquals(6, seen.size());
        assertEquals(0.0, r.newExpertShare().get(GrowthResult.CONTROL));
        assertTrue(r.newExpertShare().get(GrowthResult.GROWN) > 0);
        // both arms start from the same checkpoint on the same old-text set; training on new text moves them
        assertNotEquals(r.arm(GrowthResult.CONTROL).get(0).newLoss(), r.arm(GrowthResult.CONTROL).get(2).newLoss());
        Path file = GrowthRun.dir(store, g).resolve(GrowthRun.RESULT);
        assertTrue(Files.exists(file));
        assertEquals(r.table().rowCount(), 6);
        assertEquals(2, r.summary().rowCount());

        List<GrowthResult.Point> again = new ArrayList<>();
        GrowthResult loaded = GrowthRun.run(store, g, GrowthData.synthetic(), again::add);
        assertTrue(again.isEmpty(), "the second call trained again");
        assertEquals(r, loaded);
    }

    @Test
    void theSpecIdCoversEveryFieldAndBadSpecsAreRejected() {
        GrowthSpec g = spec(6);
        assertEquals(g.id(), spec(6).id());
        assertNotEquals(g.id(), spec(7).id());
        assertNotEquals(g.id(), new GrowthSpec(peerBase(), 8, Split.MOBY_DICK, 0.9, 6, 3, 2, 5).id());
        assertNotEquals(g.id(), new GrowthSpec(peerBase(), 6, Split.BROWN, 0.9, 6, 3, 2, 5).id());
        assertNotEquals(g.id(), new GrowthSpec(peerBase().withSeed(2), 6, Split.MOBY_DICK, 0.9, 6, 3, 2, 5).id());
        assertThrows(IllegalArgumentException.class, () -> new GrowthSpec(peerBase(), 4, Split.BROWN, 0.9, 6, 3, 2, 5));
        assertThrows(IllegalArgumentException.class, () -> new GrowthSpec(peerBase(), 6, Split.VALID, 0.9, 6, 3, 2, 5));
        assertThrows(IllegalArgumentException.class,
                () -> new GrowthSpec(RunSpec.defaults(), 6, Split.BROWN, 0.9, 6, 3, 2, 5));
    }
}
