package org.peerkit.flops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The bracketing loop against synthetic isoFLOP curves: a parabola in log width around a known optimum. */
class LadderBracketTest {

    private static final LadderConfig KIT = LadderConfig.kit();

    /** L(d) = 3 + (ln d − ln d*)², and a log of every width measured. */
    private static Function<List<Integer>, Map<Integer, Double>> curve(double best, List<List<Integer>> calls) {
        return ws -> {
            calls.add(ws);
            Map<Integer, Double> m = new LinkedHashMap<>();
            ws.forEach(d -> m.put(d, 3 + Math.pow(Math.log(d / best), 2)));
            return m;
        };
    }

    @Test
    void anOptimumLeftOfTheLadderIsBracketedByAddingNarrowerRungs() {
        List<List<Integer>> calls = new ArrayList<>();
        LadderBracket.Bracket b = LadderBracket.search(KIT, FfwKind.PEER, 1e14, List.of(96, 128, 160), curve(48, calls),
                5, 1);
        assertTrue(b.bracketed(), b.decision().reason());
        assertEquals(64, b.decision().optimum());
        assertEquals(List.of(32, 64, 96, 128, 160), b.widths());
        assertEquals(2, b.rounds());
        assertEquals(List.of(96, 128, 160), calls.get(0));
        assertEquals("minimum at d_model=64, loss rises to both sides (d_model=32 and 96)", b.decision().reason());
    }

    @Test
    void anOptimumRightOfTheLadderIsBracketedByAddingWiderRungs() {
        LadderBracket.Bracket b = LadderBracket.search(KIT, FfwKind.DENSE, 1e15, List.of(32, 64, 96),
                curve(300, new ArrayList<>()), 20, 1);
        assertTrue(b.bracketed(), b.decision().reason());
        assertEquals(288, b.decision().optimum());
        assertEquals(320, b.widths().get(b.widths().size() - 1));
    }

    @Test
    void aSearchThatRunsOutOfRoundsSaysSo() {
        LadderBracket.Bracket b = LadderBracket.search(KIT, FfwKind.DENSE, 1e15, List.of(32, 64, 96),
                curve(300, new ArrayList<>()), 2, 1);
        assertFalse(b.bracketed());
        assertEquals(LadderBracket.Status.CANNOT, b.decision().status());
        assertTrue(b.decision().reason().contains("stopped after 2 extension rounds"), b.decision().reason());
        assertEquals(List.of(32, 64, 96, 128, 160), b.widths());
    }

    @Test
    void theBudgetCapsTheWidestRung() {
        // 1e11 FLOPs buys the kit's d_model=96 a few steps and d_model=128 fewer than 20
        LadderBracket.Bracket b = LadderBracket.search(KIT, FfwKind.DENSE, 1e11, List.of(32, 64, 96),
                curve(1000, new ArrayList<>()), 10, 20);
        assertEquals(LadderBracket.Status.CANNOT, b.decision().status());
        assertTrue(b.decision().reason().contains("the budget buys d_model="), b.decision().reason());
        long steps = IsoFlopPlanner.size(KIT.backbone(b.widths().get(b.widths().size() - 1) + 32),
                KIT.ffw().get(FfwKind.DENSE), 1e11, KIT.tokensPerStep()).steps();
        assertTrue(steps < 20, "the refused rung gets " + steps + " steps");
    }

    @Test
    void theNarrowestWidthIsOneHead() {
        LadderBracket.Bracket b = LadderBracket.search(KIT, FfwKind.PKM, 1e13, List.of(32, 64), curve(4,
                new ArrayList<>()), 10, 1);
        assertEquals(List.of(16, 32, 64), b.widths());
        assertEquals(LadderBracket.Status.CANNOT, b.decision().status());
        assertTrue(b.decision().reason().contains("no narrower width exists (one head of headDim=16"),
                b.decision().reason());
    }

    @Test
    void anInteriorMinimumNeedsNothing() {
        LadderBracket.Decision d = LadderBracket.next(KIT, FfwKind.PEER, 1e13, Map.of(32, 5.0, 64, 4.0, 96, 4.5), 1);
        assertEquals(LadderBracket.Status.BRACKETED, d.status());
        assertEquals(64, d.optimum());
        LadderBracket.Decision one = LadderBracket.next(KIT, FfwKind.PEER, 1e13, Map.of(64, 4.0), 1);
        assertEquals(LadderBracket.Status.EXTEND, one.status());
        assertEquals(32, one.nextWidth());
    }
}
