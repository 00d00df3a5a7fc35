package org.peerkit.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Fits recover known laws from synthetic points; crossings land where the laws cross. */
class PowerLawFitTest {

    /** Shaped like our runs: about 6 nats at 1e11 FLOPs falling towards 5 at 1e13. */
    static final PowerLaw DENSE = new PowerLaw(3.0, 40, 0.10);
    static final PowerLaw SPARSE = new PowerLaw(2.6, 80, 0.12);

    static double[] budgets(double from, double to, int n) {
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = from * Math.pow(to / from, i / (n - 1.0));
        }
        return c;
    }

    static double[][] seeds(PowerLaw law, double[] c, int seeds, double sd, long rngSeed) {
        Random r = new Random(rngSeed);
        double[][] out = new double[c.length][seeds];
        for (int i = 0; i < c.length; i++) {
            for (int s = 0; s < seeds; s++) {
                out[i][s] = law.at(c[i]) + sd * r.nextGaussian();
            }
        }
        return out;
    }

    @Test
    void recoversTheExponentOfExactPoints() {
        for (PowerLaw truth : new PowerLaw[] {DENSE, SPARSE, new PowerLaw(1.5, 3e3, 0.3)}) {
            double[] c = budgets(1e11, 1e14, 6);
            double[] l = new double[c.length];
            for (int i = 0; i < c.length; i++) {
                l[i] = truth.at(c[i]);
            }
            PowerLaw f = PowerLawFit.fit(c, l);
            assertEquals(truth.alpha(), f.alpha(), 1e-4 * truth.alpha(), f + " vs " + truth);
            assertEquals(truth.e(), f.e(), 1e-3, f + " vs " + truth);
            assertEquals(truth.a(), f.a(), 1e-2 * truth.a(), f + " vs " + truth);
        }
    }

    @Test
    void threeBudgetsSuffice() {
        double[] c = {3e11, 1e12, 3e12};
        PowerLaw f = PowerLawFit.fit(c, new double[] {DENSE.at(c[0]), DENSE.at(c[1]), DENSE.at(c[2])});
        assertEquals(DENSE.alpha(), f.alpha(), 1e-3);
    }

    @Test
    void bootstrapOverSeedsCoversTheTruthAndNarrowsWithLessNoise() {
        double[] c = budgets(1e11, 1e14, 4);
        // eight seeds: with three the percentile bootstrap undercovers (see PowerLawFit#bootstrap)
        PowerLawFit.Result noisy = PowerLawFit.bootstrap(c, seeds(DENSE, c, 8, 0.02, 1), 400);
        assertTrue(noisy.alpha().bounded(), noisy.alpha().toString());
        assertTrue(noisy.alpha().contains(DENSE.alpha()), noisy.alpha().toString());
        PowerLawFit.Result quiet = PowerLawFit.bootstrap(c, seeds(DENSE, c, 8, 0.002, 1), 400);
        assertTrue(quiet.alpha().halfWidth() < noisy.alpha().halfWidth(), quiet.alpha() + " vs " + noisy.alpha());
        assertEquals(DENSE.alpha(), quiet.law().alpha(), 0.01);
    }

    @Test
    void oneSeedPerBudgetHasNoInterval() {
        double[] c = budgets(1e11, 1e13, 3);
        PowerLawFit.Result r = PowerLawFit.bootstrap(c, seeds(DENSE, c, 1, 0, 1), 200);
        assertFalse(r.alpha().bounded());
        assertEquals(DENSE.alpha(), r.law().alpha(), 1e-3);
    }

    @Test
    void tooFewBudgetsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PowerLawFit.fit(new double[] {1e11, 1e12}, new double[] {6, 5}));
        assertTrue(e.getMessage().contains("at least 3 budgets"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PowerLawFit.fit(new double[] {1e11, 1e11, 1e12},
                new double[] {6, 6.1, 5}));
    }

    @Test
    void convexityInLogCIsWhatASaturatingLawNeeds() {
        double[] c = {1e9, 1e10, 1e11};
        assertTrue(PowerLawFit.convexInLogC(c, new double[] {DENSE.at(1e9), DENSE.at(1e10), DENSE.at(1e11)}));
        assertFalse(PowerLawFit.convexInLogC(c, new double[] {8.2, 7.9, 7.0}), "steepening: early training");
    }

    @Test
    void crossingIsWhereTheLawsMeet() {
        double x = Crossover.of(SPARSE, DENSE, 1e9, 1e30);
        assertTrue(x > 1e9 && Double.isFinite(x), "crossing at " + x);
        assertEquals(SPARSE.at(x), DENSE.at(x), 1e-9);
        assertTrue(SPARSE.at(x / 2) > DENSE.at(x / 2), "above before");
        assertTrue(SPARSE.at(x * 2) < DENSE.at(x * 2), "below after");
        assertEquals(0, Crossover.of(SPARSE, DENSE, x * 10, 1e30), "already below at the start");
        assertEquals(Double.POSITIVE_INFINITY, Crossover.of(SPARSE, DENSE, 1e9, x / 10), "not in range");
        assertEquals(Double.POSITIVE_INFINITY, Crossover.of(DENSE, SPARSE, x * 10, 1e30), "dense never overtakes back");
    }

    @Test
    void crossingIntervalOverSeedsCoversTheTrueCrossing() {
        double truth = Crossover.of(SPARSE, DENSE, 1e9, 1e30);
        double[] c = budgets(1e11, 1e14, 4);
        Crossover x = Crossover.bootstrap(c, seeds(SPARSE, c, 3, 0.005, 2), c, seeds(DENSE, c, 3, 0.005, 3), 1e9,
                1e30, 300);
        assertTrue(x.interval().contains(truth), x.format() + " vs " + truth);
        assertTrue(x.shareOvertaking() > 0.5, "share " + x.shareOvertaking());
        assertTrue(x.format().matches("[0-9.e+]+ \\[.*\\]"), x.format());
    }
}
