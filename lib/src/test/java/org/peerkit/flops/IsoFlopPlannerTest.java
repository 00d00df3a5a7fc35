package org.peerkit.flops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.peerkit.experiment.RunModels;
import org.peerkit.experiment.RunSpec;
import org.peerkit.model.DecoderLm;
import org.peerkit.model.LmConfig;
import org.peerkit.model.RandomWindows;
import org.peerkit.nn.Gemm;
import tech.tablesaw.api.Table;

class IsoFlopPlannerTest {

    @Test
    void reproducesFig1ParameterCounts() {
        Table t = IsoFlopPlanner.paperReference();
        assertEquals(80, t.rowCount());
        for (int r = 0; r < t.rowCount(); r++) {
            String kind = t.stringColumn("kind").get(r);
            double diff = Math.abs(t.doubleColumn("rel_diff").get(r));
            // dense, PKM, PEER: within the figure's ±3 % reading error. MoE (128 experts of the dense
            // MLP's size in the middle block, as §3.1 says) comes out +6 % on every point alike: a
            // systematic difference in the paper's MoE convention that the text does not resolve
            double tol = kind.equals("moe") ? 0.07 : 0.03;
            assertTrue(diff <= tol, "row " + r + ": " + t.row(r));
        }
    }

    @Test
    void plannedFlopsPerTokenMatchTheInstrumentedGemms() {
        LadderConfig ladder = LadderConfig.kit();
        ModelPlan p = IsoFlopPlanner.ladder(1e13, FfwKind.DENSE, ladder).get(1);
        LmConfig cfg = p.backbone();
        int b = 2;
        int t = cfg.contextLength();
        DecoderLm lm = new DecoderLm(cfg, 1);
        assertEquals(lm.paramCount(), p.count().totalParams());
        int[] w = RandomWindows.of(b, t, cfg.vocabSize(), 3);
        Gemm.resetCount();
        lm.forwardLoss(w, b);
        lm.backward(1.0);
        assertEquals((long) b * t * p.count().trainingFlopsPerToken(), Gemm.count());
    }

    @Test
    void theLadderTableShowsFlopsBothWays() {
        List<ModelPlan> plans = IsoFlopPlanner.ladder(1e13, FfwKind.PEER, LadderConfig.kit());
        Table t = IsoFlopPlanner.table(plans, "x");
        for (int r = 0; r < t.rowCount(); r++) {
            ModelPlan p = plans.get(r);
            long d = p.backbone().dModel();
            assertEquals(p.count().trainingFlopsPerToken() - 6 * d * p.backbone().vocabSize(),
                    t.longColumn("nonemb_flops_per_token").get(r));
            assertEquals((double) p.tokens() * t.longColumn("nonemb_flops_per_token").get(r),
                    t.doubleColumn("nonemb_flops").get(r), 0.01 * p.nonEmbeddingFlops());
            assertTrue(t.doubleColumn("nonemb_flops").get(r) < 1e13);
        }
    }

    @Test
    void sci() {
        assertEquals("1e13", IsoFlopPlanner.sci(1e13));
        assertEquals("2.04e9", IsoFlopPlanner.sci(2.04e9));
        assertEquals("6e18", IsoFlopPlanner.sci(6e18));
        assertEquals("1", IsoFlopPlanner.sci(1));
        assertEquals("640", IsoFlopPlanner.sci(640));
    }

    @Test
    void plannedCountsOfExpertKindsMatchTheBuiltLayers() {
        LadderConfig ladder = LadderConfig.kit();
        for (FfwSpec ffw : List.of(new FfwSpec.Peer(16 * 16, 2, 4, 8, true), new FfwSpec.Peer(64, 4, 4, 8, false),
                new FfwSpec.Pkm(16 * 16, 2, 4, 8, true), new FfwSpec.Pkm(64, 2, 3, 8, false))) {
            LmConfig cfg = ladder.backbone(64);
            var spec = RunSpec.defaults().withModel(cfg.withVocabSize(64)).withFfw(ffw);
            DecoderLm lm = RunModels.build(spec);
            FlopCount built = FlopCount.of(lm, cfg.contextLength());
            FlopCount planned = IsoFlopPlanner.count(cfg.withVocabSize(64), ffw);
            assertEquals(built.layers(), planned.layers(), ffw.toString());
            assertEquals(lm.paramCount(), planned.totalParams(), ffw.toString());
        }
    }

    @Test
    void aBudgetTooSmallForTheSmallestModelIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> IsoFlopPlanner.plan(1e6, FfwKind.PEER));
        assertTrue(e.getMessage().startsWith("budget=1e6 FLOPs is too small for the smallest peer model (d_model=32"),
                e.getMessage());
        assertTrue(e.getMessage().contains("use a budget of at least"), e.getMessage());
    }

    @Test
    void everyKindHasALadderAt1e13() {
        for (FfwKind k : FfwKind.values()) {
            Table t = IsoFlopPlanner.plan(1e13, k);
            assertTrue(t.rowCount() >= 3, k + ": " + t.print());
            long prev = 0;
            for (int r = 0; r < t.rowCount(); r++) {
                long total = t.longColumn("total_params").get(r);
                assertTrue(total > prev);
                assertTrue(t.longColumn("active_params").get(r) <= total);
                prev = total;
            }
        }
    }
}
