package org.peerkit.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleSupplier;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Finite-difference gradient checks in double precision. The relative error is measured over a
 * whole tensor: ‖analytic − numeric‖ / max(‖analytic‖ + ‖numeric‖, tiny), central differences with
 * step 1e-5 (truncation ~1e-10, round-off ~1e-11).
 */
public final class GradCheck {

    public static final double TOLERANCE = 1e-6;
    private static final double STEP = 1e-5;

    private GradCheck() {
    }

    /** Numeric gradient of {@code loss} with respect to every entry of {@code x} (perturbed in place). */
    public static double[] numeric(INDArray x, DoubleSupplier loss) {
        int[] all = new int[(int) x.length()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return numeric(x, loss, all);
    }

    public static double relError(double[] analytic, double[] numeric) {
        double diff = 0;
        double na = 0;
        double nn = 0;
        for (int i = 0; i < analytic.length; i++) {
            diff += sq(analytic[i] - numeric[i]);
            na += sq(analytic[i]);
            nn += sq(numeric[i]);
        }
        return Math.sqrt(diff) / Math.max(Math.sqrt(na) + Math.sqrt(nn), 1e-12);
    }

    /**
     * Numeric gradient at up to {@code max} evenly spaced entries of {@code x} (flat c-order
     * indices in {@code at}), for whole-model checks where every entry would be slow.
     */
    public static double[] numeric(INDArray x, DoubleSupplier loss, int[] at) {
        double[] g = new double[at.length];
        INDArray flat = x.reshape(x.length());
        for (int k = 0; k < at.length; k++) {
            int i = at[k];
            // central difference, the entry restored afterwards
            double orig = flat.getDouble(i);
            flat.putScalar(i, orig + STEP);
            double up = loss.getAsDouble();
            flat.putScalar(i, orig - STEP);
            double down = loss.getAsDouble();
            flat.putScalar(i, orig);
            g[k] = (up - down) / (2 * STEP);
        }
        return g;
    }

    /** Up to {@code max} evenly spaced flat indices of an array of {@code length} entries. */
    public static int[] sample(long length, int max) {
        int n = (int) Math.min(length, max);
        int[] at = new int[n];
        for (int k = 0; k < n; k++) {
            at[k] = (int) (k * length / n);
        }
        return at;
    }

    /** Compares the analytic gradient at the sampled entries {@code at} with their numeric values. */
    public static void assertClose(String what, INDArray analytic, double[] numeric, int[] at) {
        double[] all = analytic.dup('c').reshape(analytic.length()).toDoubleVector();
        double[] a = new double[at.length];
        for (int k = 0; k < at.length; k++) {
            a[k] = all[at[k]];
        }
        check(what, a, numeric);
    }

    public static void assertClose(String what, INDArray analytic, double[] numeric) {
        check(what, analytic.dup('c').reshape(analytic.length()).toDoubleVector(), numeric);
    }

    private static void check(String what, double[] a, double[] numeric) {
        double err = relError(a, numeric);
        double norm = 0;
        for (double v : numeric) {
            norm += v * v;
        }
        assertTrue(norm > 1e-20, what + ": numeric gradient is all zero; the check would be vacuous");
        assertTrue(err <= TOLERANCE, what + ": relative error " + err + " > " + TOLERANCE);
    }

    private static double sq(double v) {
        return v * v;
    }
}
