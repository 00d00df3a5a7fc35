package org.peerkit.stats;

import java.util.Arrays;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.util.Pair;

/**
 * Least-squares fits of {@link PowerLaw} L(C) = E + A·C^(−α) to (compute, loss) points, with
 * bootstrap intervals over seeds.
 *
 * <p>The fit works in x = ln(C / C₀) with C₀ the geometric mean of the budgets, as
 * L = E + e^(b − α·x): budgets span decades, and without the rescaling A and C^(−α) differ by
 * dozens of orders of magnitude, which the Levenberg–Marquardt steps (commons-math3) cannot
 * condition. Starting values come from a scan of E below the smallest loss with a straight-line
 * fit of ln(L − E) against x for each, so the optimiser starts near the answer.
 *
 * <p>Three parameters need at least three budgets; with exactly three the curve passes through
 * the points and all the uncertainty is in the points themselves, which is why the intervals
 * resample seeds ({@link #bootstrap}).
 */
public final class PowerLawFit {

    private PowerLawFit() {
    }

    /** A fit and its 95 % bootstrap intervals (unbounded where the data cannot give one). */
    public record Result(PowerLaw law, Interval e, Interval a, Interval alpha, int replicates) {
    }

    /**
     * The least-squares power law through {@code (c[i], loss[i])}.
     *
     * @throws IllegalStateException if no saturating power law fits (the optimiser does not
     *     converge, or runs to non-finite parameters: e.g. a loss that rises with the budget)
     */
    public static PowerLaw fit(double[] c, double[] loss) {
        check(c, loss);
        try {
            return optimise(c, loss);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new IllegalStateException("no L = E + A·C^(-α) fits losses " + Arrays.toString(loss) + " at budgets "
                    + Arrays.toString(c) + (convexInLogC(c, loss) ? "" : ": the loss falls faster at the larger budgets,"
                    + " which no saturating power law does (runs still in their early, steep phase)")
                    + " (" + e.getMessage() + ")", e);
        }
    }

    /** Whether the slope of L against ln C flattens (or stays) from budget to budget, as E + A·C^(−α) requires. */
    static boolean convexInLogC(double[] c, double[] loss) {
        Integer[] order = new Integer[c.length];
        for (int i = 0; i < c.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (i, j) -> Double.compare(c[i], c[j]));
        double prev = Double.NEGATIVE_INFINITY;
        for (int k = 1; k < order.length; k++) {
            double slope = (loss[order[k]] - loss[order[k - 1]]) / Math.log(c[order[k]] / c[order[k - 1]]);
            if (slope < prev - 1e-12) {
                return false;
            }
            prev = slope;
        }
        return true;
    }

    private static PowerLaw optimise(double[] c, double[] loss) {
        double c0 = Math.exp(Arrays.stream(c).map(Math::log).average().orElseThrow());
        double[] x = Arrays.stream(c).map(v -> Math.log(v / c0)).toArray();
        double[] start = start(x, loss);
        MultivariateJacobianFunction model = p -> value(p, x);
        LeastSquaresOptimizer.Optimum o = new LevenbergMarquardtOptimizer().optimize(new LeastSquaresBuilder()
                .start(start).model(model).target(loss).maxEvaluations(10_000).maxIterations(10_000).build());
        double[] p = o.getPoint().toArray();
        // e^(b − α·ln(C/C₀)) = e^b·C₀^α·C^(−α)
        return new PowerLaw(p[0], Math.exp(p[1] + p[2] * Math.log(c0)), p[2]);
    }

    /** Values and Jacobian of E + e^(b − α·x) at p = (E, b, α). */
    private static Pair<RealVector, RealMatrix> value(RealVector p, double[] x) {
        double[] v = new double[x.length];
        double[][] j = new double[x.length][3];
        for (int i = 0; i < x.length; i++) {
            double t = Math.exp(p.getEntry(1) - p.getEntry(2) * x[i]);
            v[i] = p.getEntry(0) + t;
            j[i][0] = 1;
            j[i][1] = t;
            j[i][2] = -x[i] * t;
        }
        return new Pair<>(new ArrayRealVector(v, false), new Array2DRowRealMatrix(j, false));
    }

    /** (E, b, α) from a scan of E ∈ [min L − span, min L) with a line through ln(L − E) against x. */
    private static double[] start(double[] x, double[] loss) {
        double min = Arrays.stream(loss).min().orElseThrow();
        double span = Math.max(Arrays.stream(loss).max().orElseThrow() - min, 1e-6);
        double[] best = null;
        double bestErr = Double.POSITIVE_INFINITY;
        for (int s = 1; s <= 200; s++) {
            double e = min - span * 4 * s / 200.0 + 1e-9;
            double[] line = line(x, Arrays.stream(loss).map(l -> Math.log(l - e)).toArray());
            double err = 0;
            for (int i = 0; i < x.length; i++) {
                double r = e + Math.exp(line[0] + line[1] * x[i]) - loss[i];
                err += r * r;
            }
            if (err < bestErr) {
                bestErr = err;
                best = new double[] {e, line[0], -line[1]};
            }
        }
        return best;
    }

    /** Least-squares intercept and slope of y against x. */
    private static double[] line(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElseThrow();
        double my = Arrays.stream(y).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        double slope = sxx == 0 ? 0 : sxy / sxx;
        return new double[] {my - slope * mx, slope};
    }

    /**
     * The fit to the seed means at each budget, with 95 % percentile-bootstrap intervals: each
     * replicate resamples the seeds of every budget with replacement, averages them and refits.
     * Budgets with one seed contribute their one value to every replicate; if no budget has two
     * seeds there is nothing to resample and the intervals are unbounded. Replicates whose fit
     * fails are dropped (see {@link Bootstrap#percentiles}). With three seeds per budget these
     * intervals are too narrow (ten distinct resamples per budget; the tests need eight seeds for
     * the interval to cover a known exponent): read them as a lower bound on the uncertainty.
     *
     * @param c the budgets
     * @param lossBySeed lossBySeed[i] = the losses of budget i's seeds
     */
    public static Result bootstrap(double[] c, double[][] lossBySeed, int replicates) {
        double[] means = Arrays.stream(lossBySeed).mapToDouble(s -> Arrays.stream(s).average().orElseThrow()).toArray();
        PowerLaw law = fit(c, means);
        int maxSeeds = Arrays.stream(lossBySeed).mapToInt(s -> s.length).max().orElseThrow();
        if (maxSeeds < 2) {
            return new Result(law, unbounded(law.e()), unbounded(law.a()), unbounded(law.alpha()), 0);
        }
        double[][] reps = replicate(c, lossBySeed, replicates);
        return new Result(law, Bootstrap.percentiles(law.e(), reps[0], maxSeeds),
                Bootstrap.percentiles(law.a(), reps[1], maxSeeds), Bootstrap.percentiles(law.alpha(), reps[2], maxSeeds),
                replicates);
    }

    /** The fitted laws of {@code replicates} seed resamples (NaN parameters where a fit failed): [E, A, α][replicate]. */
    static double[][] replicate(double[] c, double[][] lossBySeed, int replicates) {
        RandomGenerator rng = Bootstrap.rng();
        double[][] out = new double[3][replicates];
        for (int r = 0; r < replicates; r++) {
            PowerLaw p = fitResample(c, lossBySeed, rng);
            out[0][r] = p == null ? Double.NaN : p.e();
            out[1][r] = p == null ? Double.NaN : p.a();
            out[2][r] = p == null ? Double.NaN : p.alpha();
        }
        return out;
    }

    /** One bootstrap replicate's fit, or null if it does not converge. */
    static PowerLaw fitResample(double[] c, double[][] lossBySeed, RandomGenerator rng) {
        double[] means = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            double sum = 0;
            for (int k = 0; k < lossBySeed[i].length; k++) {
                sum += lossBySeed[i][rng.nextInt(lossBySeed[i].length)];
            }
            means[i] = sum / lossBySeed[i].length;
        }
        try {
            return fit(c, means);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Interval unbounded(double estimate) {
        return new Interval(estimate, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 1, "bootstrap");
    }

    private static void check(double[] c, double[] loss) {
        if (c.length != loss.length) {
            throw new IllegalArgumentException(c.length + " budgets but " + loss.length + " losses");
        }
        if (c.length < 3) {
            throw new IllegalArgumentException("a fit of E + A·C^(-α) needs at least 3 budgets, got " + c.length
                    + ": add budgets to the isoflop block");
        }
        for (int i = 0; i < c.length; i++) {
            if (!(c[i] > 0) || !Double.isFinite(c[i]) || !Double.isFinite(loss[i])) {
                throw new IllegalArgumentException("point " + i + " (C=" + c[i] + ", L=" + loss[i] + ") is not a"
                        + " positive finite budget with a finite loss");
            }
        }
        if (Arrays.stream(c).distinct().count() < 3) {
            throw new IllegalArgumentException("budgets " + Arrays.toString(c) + " hold fewer than 3 distinct values");
        }
    }
}
