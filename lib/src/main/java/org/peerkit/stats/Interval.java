package org.peerkit.stats;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.descriptive.moment.Mean;
import org.apache.commons.math3.stat.descriptive.moment.StandardDeviation;

/**
 * A point estimate with a 95 % interval [low, high] around it.
 *
 * <p>{@link #studentT} is the interval a table of seed means uses: mean ± t(0.975, n−1)·s/√n,
 * exact for normally distributed seeds, which is the usual assumption for a handful of training
 * runs that differ only in their seed. With one value there is no spread to estimate, and the
 * interval is [−∞, +∞]: "one seed, no interval", never a fake zero width.
 *
 * @param estimate the mean (or the fitted value)
 * @param low lower end of the 95 % interval
 * @param high upper end
 * @param n how many values it rests on
 * @param method how it was computed, e.g. "t" or "bootstrap"
 */
public record Interval(double estimate, double low, double high, int n, String method) {

    /** The confidence level every interval of this package has. */
    public static final double LEVEL = 0.95;

    public Interval {
        if (Double.isNaN(estimate) || Double.isNaN(low) || Double.isNaN(high) || low > high) {
            throw new IllegalArgumentException("interval " + low + " ≤ " + estimate + " ≤ " + high
                    + " is not an interval: each end must be a number and low ≤ high");
        }
    }

    /** Mean ± t(0.975, n−1)·s/√n of {@code values}; unbounded when there is only one value. */
    public static Interval studentT(double... values) {
        check(values);
        double mean = new Mean().evaluate(values);
        if (values.length < 2) {
            return new Interval(mean, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 1, "t");
        }
        double half = tQuantile(values.length - 1) * new StandardDeviation().evaluate(values)
                / Math.sqrt(values.length);
        return new Interval(mean, mean - half, mean + half, values.length, "t");
    }

    /** t(0.975, df): the two-sided 95 % quantile of Student's t. */
    static double tQuantile(int df) {
        return new TDistribution(null, df).inverseCumulativeProbability(0.5 + LEVEL / 2);
    }

    static void check(double[] values) {
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException("no values: an interval needs at least one (one per seed)");
        }
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("value " + v + " in " + Arrays.toString(values)
                        + " is not finite: drop the diverged run or fix it before averaging");
            }
        }
    }

    /**
     * The interval of f(estimate) for an increasing {@code f}, e.g. {@code Math::exp} to turn a
     * loss interval into a perplexity interval (the ends map to the ends, so coverage is kept).
     */
    public Interval map(DoubleUnaryOperator f) {
        return new Interval(f.applyAsDouble(estimate), Double.isFinite(low) ? f.applyAsDouble(low) : low,
                Double.isFinite(high) ? f.applyAsDouble(high) : high, n, method);
    }

    /** Half the interval's width (∞ without an interval). */
    public double halfWidth() {
        return (high - low) / 2;
    }

    public boolean bounded() {
        return Double.isFinite(low) && Double.isFinite(high);
    }

    public boolean contains(double v) {
        return v >= low && v <= high;
    }

    /** "154.4 ± 3.2" (symmetric), "154.4 [150.1, 160.0]" (asymmetric) or "154.4 (1 seed)", to {@code digits} decimals. */
    public String format(int digits) {
        String f = "%." + digits + "f";
        String est = String.format(Locale.ROOT, f, estimate);
        if (!bounded()) {
            return est + " (" + n + (n == 1 ? " seed)" : " values, no interval)");
        }
        double up = high - estimate;
        double down = estimate - low;
        if (Math.abs(up - down) <= 1e-9 * Math.max(1, Math.abs(estimate))) {
            return est + " ± " + String.format(Locale.ROOT, f, up);
        }
        return est + " [" + String.format(Locale.ROOT, f, low) + ", " + String.format(Locale.ROOT, f, high) + "]";
    }

    @Override
    public String toString() {
        return format(3) + " (95 % " + method + ", n=" + n + ")";
    }
}
