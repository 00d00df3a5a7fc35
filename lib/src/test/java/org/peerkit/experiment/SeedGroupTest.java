package org.peerkit.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.peerkit.flops.FfwSpec;
import org.peerkit.stats.Interval;
import org.peerkit.stats.Paired;

class SeedGroupTest {

    static RunResult run(FfwSpec ffw, long seed, double loss) {
        RunSpec s = RunSpec.defaults().withFfw(ffw).withSeed(seed);
        return new RunResult(s.id(), Path.of(s.id()), s, new RunSummary(4, 256, 1e6, 3, Map.of("valid", loss), 10, 5,
                2.0 + seed, Map.of()), RunResult.Origin.LOADED);
    }

    @Test
    void groupsBySpecWithoutTheSeedAndAveragesTheLoss() {
        FfwSpec peer = new FfwSpec.Peer(64, 2, 4, 8, true);
        List<SeedGroup> gs = SeedGroup.of(List.of(run(peer, 3, 4.0), run(new FfwSpec.Dense(), 1, 5.0), run(peer, 1, 4.2),
                run(peer, 2, 4.4), run(new FfwSpec.Dense(), 2, 5.1)));
        assertEquals(2, gs.size());
        SeedGroup p = gs.get(0);
        assertEquals(List.of(1L, 2L, 3L), p.seeds());
        assertEquals(0, p.spec().seed());
        assertEquals(Interval.studentT(4.2, 4.4, 4.0), p.loss());
        Interval ppl = p.perplexity();
        assertEquals(Math.exp(4.2), ppl.estimate(), 1e-9);
        assertEquals(Math.exp(p.loss().low()), ppl.low(), 1e-9);
        assertTrue(ppl.high() - ppl.estimate() > ppl.estimate() - ppl.low(), "e^x stretches the upper side");
        assertEquals(4.0, p.mean(r -> r.summary().trainSeconds()).estimate(), 1e-12);
    }

    @Test
    void comparesOnTheSeedsBothGroupsHave() {
        FfwSpec peer = new FfwSpec.Peer(64, 2, 4, 8, true);
        List<SeedGroup> gs = SeedGroup.of(List.of(run(peer, 1, 4.0), run(peer, 2, 4.5), run(peer, 3, 5.0),
                run(new FfwSpec.Dense(), 1, 4.1), run(new FfwSpec.Dense(), 2, 4.62), run(new FfwSpec.Dense(), 3, 5.08)));
        Paired c = gs.get(0).compare(gs.get(1));
        assertEquals(3, c.seeds());
        assertEquals(-0.1, c.difference().estimate(), 1e-9);
        assertTrue(c.significant(), c.verdict("peer", "dense", 3));
        assertFalse(gs.get(0).loss().high() < gs.get(1).loss().low(), "the unpaired intervals overlap");
    }

    @Test
    void aRunTwiceIsAnError() {
        RunResult r = run(new FfwSpec.Dense(), 1, 4.0);
        assertThrows(IllegalArgumentException.class, () -> SeedGroup.of(List.of(r, r)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SeedGroup.of(List.of(r)).get(0).losses("test"));
        assertTrue(e.getMessage().contains("no evaluation on 'test'"), e.getMessage());
    }
}
