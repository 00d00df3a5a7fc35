package org.peerkit.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.commons.math3.stat.inference.TTest;

/**
 * Two arms of an ablation run on the same seeds (same initialisation and data order per seed),
 * compared seed by seed: d_s = a_s − b_s. Pairing removes the part of the seed-to-seed spread the
 * two arms share, which at our scale is most of it, so a paired test resolves differences an
 * unpaired one would not.
 *
 * <p>The verdict ({@link #significant}) is the paired t-test at 95 %: the t interval of the mean
 * difference excludes zero (equivalently p &lt; 0.05). The percentile bootstrap of the mean
 * difference is reported beside it, not used for the verdict: with three seeds it has only ten
 * distinct resamples and comes out too narrow (see {@link Bootstrap}).
 *
 * @param a the first arm's values, one per seed
 * @param b the second arm's values, same seeds in the same order
 * @param difference mean of a − b with its 95 % paired-t interval
 * @param bootstrap mean of a − b with its 95 % percentile-bootstrap interval
 * @param pValue two-sided paired-t p-value (1 with a single seed: nothing can be told)
 */
public record Paired(double[] a, double[] b, Interval difference, Interval bootstrap, double pValue) {

    public Paired {
        a = a.clone();
        b = b.clone();
    }

    /** Compares {@code a} and {@code b}, value i of each from seed i. */
    public static Paired of(double[] a, double[] b) {
        Interval.check(a);
        Interval.check(b);
        if (a.length != b.length) {
            throw new IllegalArgumentException("paired comparison needs one value per seed in each arm: got "
                    + a.length + " and " + b.length + "; run both arms on the same seeds");
        }
        double[] d = new double[a.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = a[i] - b[i];
        }
        double p = a.length < 2 ? 1 : pValue(a, b, d);
        return new Paired(a, b, Interval.studentT(d), Bootstrap.mean(d), p);
    }

    /** All differences equal: the t statistic is undefined, and a constant shift is certain only if it is nonzero. */
    private static double pValue(double[] a, double[] b, double[] d) {
        boolean constant = true;
        for (double x : d) {
            constant &= x == d[0];
        }
        if (constant) {
            return d[0] == 0 ? 1 : 0;
        }
        return new TTest().pairedTTest(a, b);
    }

    /** Compares the seeds the two arms share (seed → value); seeds in only one arm are left out. */
    public static Paired bySeed(Map<Long, Double> a, Map<Long, Double> b) {
        TreeSet<Long> common = new TreeSet<>(a.keySet());
        common.retainAll(b.keySet());
        if (common.isEmpty()) {
            throw new IllegalArgumentException("the arms share no seed (" + a.keySet() + " vs " + b.keySet()
                    + "): a paired comparison needs both arms run on the same seeds");
        }
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (long s : common) {
            xs.add(a.get(s));
            ys.add(b.get(s));
        }
        return of(xs.stream().mapToDouble(Double::doubleValue).toArray(),
                ys.stream().mapToDouble(Double::doubleValue).toArray());
    }

    public int seeds() {
        return a.length;
    }

    /** The paired t-test at 95 %: the difference's t interval excludes zero. */
    public boolean significant() {
        return seeds() >= 2 && pValue < 1 - Interval.LEVEL;
    }

    /**
     * One phrase for a table or a notebook's prose, e.g. {@code "a lower by 3.1 ± 1.2 (p=0.012)"},
     * {@code "no significant difference (−0.4 ± 2.0, p=0.55)"} or {@code "one seed: not testable"}.
     *
     * @param aName what arm a is called, e.g. "BN on"
     * @param bName arm b
     */
    public String verdict(String aName, String bName, int digits) {
        if (seeds() < 2) {
            return "one seed: not testable";
        }
        String diff = difference.format(digits) + String.format(Locale.ROOT, ", p=%.3f", pValue);
        if (!significant()) {
            return "no significant difference between " + aName + " and " + bName + " (" + diff + ")";
        }
        return aName + (difference.estimate() < 0 ? " lower" : " higher") + " than " + bName + " (" + diff + ")";
    }
}
