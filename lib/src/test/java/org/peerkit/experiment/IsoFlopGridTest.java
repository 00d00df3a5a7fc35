package org.peerkit.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.peerkit.flops.FfwKind;
import org.peerkit.flops.FfwSpec;
import org.peerkit.flops.LadderConfig;

class IsoFlopGridTest {

    private static final String LADDER = "\"ladder\": {\"vocabSize\": 4096, \"seqLen\": 16, \"batchSize\": 4,"
            + " \"dModels\": [32, 64], \"headDim\": 16,"
            + " \"ffw\": {\"peer\": {\"experts\": 256, \"heads\": 2, \"topK\": 4, \"keyDim\": 16, \"queryBatchNorm\": true}}}";

    private static Sweep read(Path dir, String json) throws Exception {
        Path f = dir.resolve("iso.json");
        Files.writeString(f, json);
        return Sweep.fromFile(f);
    }

    /** Reading {@code json} as a sweep file fails with a message containing {@code expected}. */
    private static void assertRefused(Path dir, String json, String expected) {
        String m = assertThrows(IllegalArgumentException.class, () -> read(dir, json)).getMessage();
        assertTrue(m.contains(expected), m);
    }

    @Test
    void anIsoflopBlockIsTheSameSpecsAsSweepIsoFlopPerBudget(@TempDir Path dir) throws Exception {
        Sweep s = read(dir, "{\"isoflop\": {\"budgets\": [1e10, 3e10], \"kinds\": [\"dense\", \"PEER\"], " + LADDER + "}}");
        assertEquals("iso", s.name());
        LadderConfig ladder = new LadderConfig(4096, 16, 4, List.of(32, 64), 32, 16, 4,
                LadderConfig.kit().with(new FfwSpec.Peer(256, 2, 4, 16, true)).ffw());
        List<RunSpec> expected = new ArrayList<>();
        for (double b : new double[] {1e10, 3e10}) {
            expected.addAll(Sweep.isoFlop("x", RunSpec.defaults(), b, ladder, FfwKind.DENSE, FfwKind.PEER).specs());
        }
        assertEquals(expected.stream().map(RunSpec::id).toList(), s.specs().stream().map(RunSpec::id).toList());
        assertEquals(8, s.specs().size());
        RunSpec first = s.specs().get(0);
        assertEquals(Budget.flops(1e10), first.budget());
        assertEquals(16, first.seqLen());
        assertEquals(16, first.model().contextLength());   // the ladder's T, shorter than the base's
        assertEquals(4, first.batchSize());
        assertEquals(List.of(32, 64, 32, 64, 32, 64, 32, 64), s.specs().stream().map(x -> x.model().dModel()).toList());
        assertEquals(new FfwSpec.Peer(256, 2, 4, 16, true), s.specs().get(2).ffw());
        assertEquals(Budget.flops(3e10), s.specs().get(7).budget());
    }

    @Test
    void aSeedAxisRepeatsWholeLaddersSeedBySeed(@TempDir Path dir) throws Exception {
        Sweep s = read(dir, "{\"isoflop\": {\"budgets\": [1e10, 3e10], \"kinds\": [\"dense\"], \"seeds\": [7, 8, 9], "
                + LADDER + "}}");
        assertEquals(12, s.specs().size());
        assertEquals(List.of(7L, 7L, 7L, 7L, 8L, 8L, 8L, 8L, 9L, 9L, 9L, 9L),
                s.specs().stream().map(RunSpec::seed).toList());
        assertEquals(s.specs().get(0).withSeed(9), s.specs().get(8));
        assertEquals(4, SeedGroup.of(s.specs().stream().map(IsoFlopGridTest::done).toList()).size());
        assertRefused(dir, "{\"isoflop\": {\"budgets\": [1e10], \"seeds\": [1, 1], " + LADDER + "}}",
                "isoflop.seeds lists 1 twice");
        assertRefused(dir, "{\"isoflop\": {\"budgets\": [1e10], \"seeds\": [1.5], " + LADDER + "}}",
                "isoflop.seeds[0]=1.5 is not a whole number");
    }

    private static RunResult done(RunSpec s) {
        return new RunResult(s.id(), Path.of(s.id()), s, new RunSummary(1, 1, 1, 1, Map.of("valid", 1.0), 1, 1,
                1, Map.of()), RunResult.Origin.LOADED);
    }

    @Test
    void leftOutFieldsAreTheKitLadderAndAllFourKinds(@TempDir Path dir) throws Exception {
        Sweep s = read(dir, "{\"base\": " + RunSpec.defaults().toJson() + ", \"isoflop\": {\"budgets\": [3e12],"
                + " \"ladder\": {\"dModels\": [32, 64]}}}");
        assertEquals(List.of("dense", "dense", "moe", "moe", "pkm", "pkm", "peer", "peer"),
                s.specs().stream().map(x -> x.ffw().kind().id()).toList());
        LadderConfig kit = LadderConfig.kit();
        assertEquals(kit.ffw().get(FfwKind.PEER), s.specs().get(6).ffw());
        assertEquals(kit.seqLen(), s.specs().get(0).seqLen());
        assertEquals(kit.batchSize(), s.specs().get(0).batchSize());
    }

    @Test
    void badInputIsNamedBeforeAnythingTrains(@TempDir Path dir) {
        assertRefused(dir, "{\"isoflop\": {\"budget\": [1e10]}}",
                "isoflop: unknown field 'budget'; known fields: budgets, kinds, ladder, seeds");
        assertRefused(dir, "{\"isoflop\": {\"kinds\": [\"dense\"]}}",
                "isoflop.budgets must be a non-empty list");
        assertRefused(dir, "{\"isoflop\": {\"budgets\": [1e10, -2]}}",
                "isoflop.budgets[1]=-2 is not a positive number");
        assertRefused(dir, "{\"isoflop\": {\"budgets\": [\"1e10\"]}}",
                "isoflop.budgets[0]=\"1e10\" is not a positive number");
        assertRefused(dir, "{\"isoflop\": {\"budgets\": [1e10], \"kinds\": [\"dense\", \"mlp\"], " + LADDER + "}}",
                "isoflop.kinds[1]: unknown FFW kind 'mlp': use one of dense, moe, pkm, peer");
        assertRefused(dir, "{\"isoflop\": {\"budgets\": [1e10], \"kinds\": [\"peer\", \"peer\"], " + LADDER + "}}",
                "isoflop.kinds lists 'peer' twice");
        assertRefused(dir, "{\"isoflop\": {\"budgets\": [1e10], \"ladder\": {\"dModel\": [32]}}}",
                "isoflop.ladder: unknown field 'dModel'; known fields: vocabSize, seqLen, batchSize,"
                + " dModels");
        assertRefused(dir, "{\"isoflop\": {\"budgets\": [1e10], \"ladder\": {\"dModels\": [64, 32]}}}",
                "isoflop.ladder.dModels=[64, 32] must be strictly increasing");
        assertRefused(dir, "{\"isoflop\": {\"budgets\": [1e10], \"ladder\": {\"seqLen\": 1.5}}}",
                "isoflop.ladder.seqLen=1.5 must be a positive whole number");
        assertRefused(dir, "{\"isoflop\": {\"budgets\": [1e10], \"ladder\": {\"dModels\": [40]}}}",
                "isoflop.ladder: dModels contains 40: each width must be a positive multiple of"
                + " headDim=16");
        // a misspelt field leaves the real one missing: the reader names the one to write
        assertRefused(dir, "{\"isoflop\": {\"budgets\": [1e10], \"ladder\": {\"ffw\": {\"peer\": {\"expert\": 256,"
                + " \"heads\": 2, \"topK\": 4, \"keyDim\": 16, \"queryBatchNorm\": true}}}}}",
                "isoflop.ladder.ffw.peer: missing field 'ffw.experts'");
        assertRefused(dir, "{\"isoflop\": {\"budgets\": [1e10], \"ladder\": {\"ffw\": {\"moe\": {\"experts\": 4,"
                + " \"capacityFactor\": 1, \"topK\": 2}}}}}",
                "isoflop.ladder.ffw.moe: unknown field 'ffw.topK'");
        assertRefused(dir, "{\"isoflop\": {\"budgets\": [1e10], \"ladder\": {\"ffw\": {\"pkm\": {\"heads\": 2}}}}}",
                "isoflop.ladder.ffw.pkm: missing field 'ffw.");
        assertRefused(dir, "{\"isoflop\": {\"budgets\": [1e10], \"ladder\": {\"ffw\": {\"peer\": {\"experts\": 200,"
                + " \"heads\": 2, \"topK\": 4, \"keyDim\": 16, \"queryBatchNorm\": true}}}}}",
                "ffw.peer: product keys: numExperts=200 is not a perfect square");
        assertRefused(dir, "{\"isoflop\": {\"budgets\": [1e10], \"ladder\": {\"ffw\": {\"moe\": {\"kind\": \"pkm\"}}}}}",
                "isoflop.ladder.ffw.moe says kind 'pkm'");
        assertRefused(dir, "{\"isoflop\": {\"budgets\": [1e10], \"ladder\": {\"ffw\": {\"mlp\": {}}}}}",
                "isoflop.ladder.ffw: unknown FFW kind 'mlp'");
        assertRefused(dir, "{\"isoflop\": {\"budgets\": [1e3], " + LADDER + "}}",
                "isoflop, budget 1000, kind dense: budget=1000 FLOPs is too small for the smallest dense"
                + " model");
        assertRefused(dir, "{\"grid\": {\"seed\": [1]}, \"isoflop\": {\"budgets\": [1e10]}}",
                "has both 'grid' and 'isoflop': give one");
        assertRefused(dir, "{\"name\": \"x\"}",
                "(or give 'isoflop' ladders instead)");
        assertRefused(dir, "{\"isoflop\": [1e10]}",
                "isoflop must be an object");
    }
}
