package org.peerkit.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.peerkit.experiment.Budget;
import org.peerkit.experiment.RunResult;
import org.peerkit.experiment.RunSpec;
import org.peerkit.experiment.RunSummary;
import org.peerkit.flops.FfwSpec;
import org.peerkit.stats.Crossover;
import org.peerkit.stats.PowerLaw;
import tech.tablesaw.api.Table;

class ScalingFitsTest {

    static final PowerLaw DENSE = new PowerLaw(3.0, 40, 0.10);
    static final PowerLaw PEER = new PowerLaw(2.6, 80, 0.12);

    /** One rung per budget, three seeds, losses from {@code law} at the run's FLOPs plus a little noise. */
    static List<RunResult> runs(FfwSpec ffw, PowerLaw law, Random noise) {
        List<RunResult> out = new ArrayList<>();
        for (double b : new double[] {1e11, 1e12, 1e13, 1e14}) {
            for (long seed = 1; seed <= 3; seed++) {
                RunSpec s = RunSpec.defaults().withFfw(ffw).withBudget(Budget.flops(b)).withSeed(seed);
                double loss = law.at(b) + 0.002 * noise.nextGaussian();
                out.add(new RunResult(s.id(), Path.of(s.id()), s, new RunSummary(1, 1000, b, loss, Map.of("valid", loss),
                        1, 1, 1, Map.of()), RunResult.Origin.LOADED));
            }
        }
        return out;
    }

    @Test
    void fitsRecoverEachKindsExponentAndTheCrossingOfTheirCurves() {
        Random noise = new Random(4);
        List<RunResult> all = new ArrayList<>(runs(new FfwSpec.Dense(), DENSE, noise));
        all.addAll(runs(new FfwSpec.Peer(64, 2, 4, 8, true), PEER, noise));
        Table fits = ScalingFits.fits(all, ScalingFits.Count.PAPER);
        assertEquals(List.of("dense", "peer"), fits.stringColumn("kind").asList());
        assertEquals(List.of(4, 4), fits.intColumn("budgets").asList());
        assertEquals(List.of(3, 3), fits.intColumn("seeds").asList());
        assertEquals(0.10, fits.doubleColumn("α").get(0), 0.01);
        assertEquals(0.12, fits.doubleColumn("α").get(1), 0.012);

        Table x = ScalingFits.crossovers(all, ScalingFits.Count.PAPER);
        double truth = Crossover.of(PEER, DENSE, 1e11, 1e24);
        double got = x.doubleColumn("crossover FLOPs").get(0);
        assertEquals(Math.log10(truth), Math.log10(got), 0.3, x.printAll());
        PlotsTest.rendersAsPng(ScalingFits.chart(all, ScalingFits.Count.PAPER, 1e18));
    }

    @Test
    void twoBudgetsAreTooFewAndCrossoversNeedDense() {
        List<RunResult> peer = runs(new FfwSpec.Peer(64, 2, 4, 8, true), PEER, new Random(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScalingFits.fits(peer.subList(0, 6), ScalingFits.Count.PAPER));
        assertTrue(e.getMessage().contains("at least 3 budgets"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ScalingFits.crossovers(peer, ScalingFits.Count.PAPER));
        assertTrue(e.getMessage().contains("no dense runs"), e.getMessage());
    }
}
