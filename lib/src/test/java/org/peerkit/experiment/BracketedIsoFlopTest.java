package org.peerkit.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.peerkit.flops.FfwKind;
import org.peerkit.flops.LadderBracket;

class BracketedIsoFlopTest {

    /** A one-rung dense ladder on synthetic data: the minimum is at both ends, so it must grow. */
    private static final String FILE = "{\"name\": \"br\", \"base\": %s, \"isoflop\": {\"budgets\": [3e7],"
            + " \"kinds\": [\"dense\"], \"seeds\": [1, 2], \"bracket\": {\"rounds\": %d},"
            + " \"ladder\": {\"vocabSize\": 64, \"seqLen\": 16, \"batchSize\": 4, \"dModels\": [32],"
            + " \"dModelPerLayer\": 32, \"headDim\": 16}}}";

    @Test
    void aLadderAtItsEdgeGrowsARungPerRoundAndResumesFromTheStore(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("br.json");
        Files.writeString(f, String.format(FILE, RunSpec.defaults().toJson(), 1));
        RunStore store = RunStore.at(dir.resolve("runs"));
        BracketedIsoFlop.Result r = BracketedIsoFlop.fromFile(f).run(store, new SweepListener() { });
        assertTrue(r.sweep().failures().isEmpty(), r.sweep().statusTable().printAll());
        assertEquals(1, r.outcomes().size());
        BracketedIsoFlop.Outcome o = r.outcomes().get(0);
        assertEquals(FfwKind.DENSE, o.kind());
        assertEquals(List.of(16, 32), o.widths(), "one narrower rung (one head of 16) added in the one round");
        assertEquals(4, r.sweep().results().size(), "two rungs × two seeds");
        // two rungs cannot bracket a minimum; the third rung would need another round
        assertEquals(LadderBracket.Status.CANNOT, o.decision().status());
        assertTrue(o.decision().reason().matches(".*(no narrower width exists|allows 1 extension rounds).*"),
                o.decision().reason());

        BracketedIsoFlop.Result again = BracketedIsoFlop.fromFile(f).run(store, new SweepListener() { });
        assertTrue(again.sweep().members().stream().allMatch(m -> m.status().equals("loaded")),
                again.sweep().statusTable().printAll());
        assertEquals(o, again.outcomes().get(0));
    }

    @Test
    void badBracketSettingsAndPlainGridsAreRejected(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.json");
        Files.writeString(f, String.format(FILE, RunSpec.defaults().toJson(), -1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BracketedIsoFlop.fromFile(f));
        assertTrue(e.getMessage().contains("isoflop.bracket.rounds=-1 must be a whole number ≥ 0"), e.getMessage());
        Files.writeString(f, "{\"grid\": {\"seed\": [1]}}");
        e = assertThrows(IllegalArgumentException.class, () -> BracketedIsoFlop.fromFile(f));
        assertTrue(e.getMessage().contains("has no 'isoflop' block"), e.getMessage());
    }
}
