package org.peerkit.stats;

import java.util.Arrays;
import java.util.Locale;
import org.apache.commons.math3.analysis.solvers.BrentSolver;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * Where one scaling curve overtakes another: the smallest budget C in [lo, hi] at which a sparse
 * kind's fitted loss L_s(C) drops below dense's L_d(C), having been above it just before. Small
 * sparse and memory layers are known to trail dense at short training and win later
 * (Krajewski et al. 2024 §5.5, §6.3; UltraMemV2 reports the same early lag), so the question a
 * CPU-scale kit can answer is at what budget its fitted curves predict the crossing, and how sure
 * that prediction is.
 *
 * @param budget the crossing (FLOPs); 0 if the sparse curve is already below at {@code lo},
 *     +∞ if it does not overtake in [lo, hi]
 * @param interval 95 % percentile-bootstrap interval of the crossing over seed resamples (0 and
 *     +∞ ends where resamples are already below or never cross)
 * @param shareOvertaking the share of bootstrap replicates that cross inside [lo, hi]
 */
public record Crossover(double budget, Interval interval, double shareOvertaking) {

    /** The crossing of two fixed laws (see the record's {@code budget}), found on a log grid and refined by Brent's method. */
    public static double of(PowerLaw sparse, PowerLaw dense, double lo, double hi) {
        if (!(lo > 0) || !(hi > lo)) {
            throw new IllegalArgumentException("search range [" + lo + ", " + hi + "] must have 0 < lo < hi");
        }
        double a = Math.log10(lo);
        double b = Math.log10(hi);
        if (gap(sparse, dense, a) <= 0) {
            return 0;
        }
        int steps = (int) Math.ceil((b - a) * 100);
        double prev = a;
        for (int i = 1; i <= steps; i++) {
            double x = Math.min(b, a + i * (b - a) / steps);
            if (gap(sparse, dense, x) <= 0) {
                double root = new BrentSolver(1e-10).solve(200, t -> gap(sparse, dense, t), prev, x);
                return Math.pow(10, root);
            }
            prev = x;
        }
        return Double.POSITIVE_INFINITY;
    }

    /** L_s − L_d at C = 10^x. */
    private static double gap(PowerLaw sparse, PowerLaw dense, double x) {
        double c = Math.pow(10, x);
        return sparse.at(c) - dense.at(c);
    }

    /**
     * The crossing of the two kinds' fits to their seed means, with a bootstrap over seeds: each
     * replicate resamples the seeds of every budget of both kinds, refits both and finds the
     * crossing. The interval uses nearest-rank quantiles so that replicates at 0 or +∞ count.
     */
    public static Crossover bootstrap(double[] cSparse, double[][] sparseBySeed, double[] cDense, double[][] denseBySeed,
            double lo, double hi, int replicates) {
        PowerLaw s = PowerLawFit.fit(cSparse, means(sparseBySeed));
        PowerLaw d = PowerLawFit.fit(cDense, means(denseBySeed));
        double est = of(s, d, lo, hi);
        int n = Math.max(maxSeeds(sparseBySeed), maxSeeds(denseBySeed));
        if (n < 2) {
            return new Crossover(est, new Interval(est, 0, Double.POSITIVE_INFINITY, 1, "bootstrap"), Double.NaN);
        }
        RandomGenerator rng = Bootstrap.rng();
        double[] reps = new double[replicates];
        int inside = 0;
        for (int r = 0; r < replicates; r++) {
            PowerLaw rs = PowerLawFit.fitResample(cSparse, sparseBySeed, rng);
            PowerLaw rd = PowerLawFit.fitResample(cDense, denseBySeed, rng);
            // a failed fit says nothing about where the curves cross: count it as "never in range"
            reps[r] = rs == null || rd == null ? Double.POSITIVE_INFINITY : of(rs, rd, lo, hi);
            inside += reps[r] > 0 && Double.isFinite(reps[r]) ? 1 : 0;
        }
        Arrays.sort(reps);
        double low = reps[(int) Math.floor((1 - Interval.LEVEL) / 2 * (replicates - 1))];
        double high = reps[(int) Math.ceil((1 + Interval.LEVEL) / 2 * (replicates - 1))];
        return new Crossover(est, new Interval(est, Math.min(low, est), Math.max(high, est), n, "bootstrap"),
                (double) inside / replicates);
    }

    private static double[] means(double[][] bySeed) {
        return Arrays.stream(bySeed).mapToDouble(s -> Arrays.stream(s).average().orElseThrow()).toArray();
    }

    private static int maxSeeds(double[][] bySeed) {
        return Arrays.stream(bySeed).mapToInt(s -> s.length).max().orElseThrow();
    }

    /** "3.2e16 [4.1e15, ∞)" and the like: the crossing and its interval in FLOPs. */
    public String format() {
        return sci(budget) + " [" + sci(interval.low()) + ", " + sci(interval.high()) + "]";
    }

    private static String sci(double v) {
        if (v == 0) {
            return "below range";
        }
        return Double.isInfinite(v) ? "beyond range" : String.format(Locale.ROOT, "%.2g", v);
    }
}
