package org.peerkit.stats;

import java.util.Arrays;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * Percentile bootstrap (Efron & Tibshirani 1993, ch. 13): resample the values with replacement,
 * recompute the statistic, and take the 2.5 % and 97.5 % quantiles of the replicates. The random
 * stream is seeded, so a notebook shows the same interval on every run.
 *
 * <p>With very few values the bootstrap is too narrow: three seeds have only ten distinct
 * resamples, and the percentile interval ignores the small-sample widening that Student's t
 * applies. That is why the tables use {@link Interval#studentT} and the verdicts of
 * {@link Paired} come from the paired t; the bootstrap is shown beside them, and it is the
 * method for statistics without a formula (a fitted exponent, a crossover budget).
 */
public final class Bootstrap {

    /** Replicates used unless a caller asks otherwise: enough for stable 2.5 % quantiles. */
    public static final int REPLICATES = 2000;
    private static final long SEED = 20240704L;

    private Bootstrap() {
    }

    /** 95 % percentile interval of the mean of {@code values}. */
    public static Interval mean(double... values) {
        return of(values, v -> Arrays.stream(v).average().orElseThrow(), REPLICATES);
    }

    /** 95 % percentile interval of {@code statistic} over resamples of {@code values}. */
    public static Interval of(double[] values, ToDoubleFunction<double[]> statistic, int replicates) {
        Interval.check(values);
        if (replicates < 100) {
            throw new IllegalArgumentException("replicates=" + replicates + " is too few for 2.5 % quantiles: use"
                    + " at least 100 (" + REPLICATES + " is the default)");
        }
        double estimate = statistic.applyAsDouble(values);
        if (values.length < 2) {
            return new Interval(estimate, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 1, "bootstrap");
        }
        RandomGenerator rng = new Well19937c(SEED);
        double[] reps = new double[replicates];
        double[] sample = new double[values.length];
        for (int r = 0; r < replicates; r++) {
            for (int i = 0; i < sample.length; i++) {
                sample[i] = values[rng.nextInt(values.length)];
            }
            reps[r] = statistic.applyAsDouble(sample);
        }
        return percentiles(estimate, reps, values.length);
    }

    /** The 2.5 % and 97.5 % quantiles of {@code replicates} around {@code estimate}; non-finite replicates are dropped. */
    public static Interval percentiles(double estimate, double[] replicates, int n) {
        double[] finite = Arrays.stream(replicates).filter(Double::isFinite).toArray();
        if (finite.length < replicates.length / 2) {
            return new Interval(estimate, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, n, "bootstrap");
        }
        Percentile p = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
        double lo = p.evaluate(finite, 100 * (1 - Interval.LEVEL) / 2);
        double hi = p.evaluate(finite, 100 * (1 + Interval.LEVEL) / 2);
        return new Interval(estimate, Math.min(lo, estimate), Math.max(hi, estimate), n, "bootstrap");
    }

    /** A fresh, seeded generator for resampling loops outside this class (e.g. over seeds of a fit). */
    public static RandomGenerator rng() {
        return new Well19937c(SEED);
    }
}
