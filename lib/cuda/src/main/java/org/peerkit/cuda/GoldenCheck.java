package org.peerkit.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * Comparisons of device results with the CPU's double-precision golden values, collected into
 * report lines. The error of an array is max|got − ref| / max|ref| (relative to the largest
 * reference value, so entries near zero do not dominate); it passes at or below the stated
 * tolerance. float32 kernels with fixed summation order land near 1e-6; atomics and GEMMs sum
 * in a different order than the CPU, hence the default 1e-4.
 */
public final class GoldenCheck {
    /** float32 kernels against float64 references (sums of up to a few thousand terms). */
    public static final double TOLERANCE = 1e-4;
    /** Expert ids may differ only where two candidate scores tie within float32 rounding. */
    public static final double MAX_ROUTING_MISMATCH = 0.01;

    private final String group;
    private final List<String> lines = new ArrayList<>();
    private int failures;

    public GoldenCheck(String group) {
        this.group = group;
    }

    /** Relative max error of {@code got} against {@code ref}, recorded as a pass or a failure. */
    public double close(String what, float[] got, double[] ref, double tolerance) {
        if (got.length != ref.length) {
            return record(what, Double.POSITIVE_INFINITY, tolerance, " (length " + got.length + " vs " + ref.length + ")");
        }
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < ref.length; i++) {
            scale = Math.max(scale, Math.abs(ref[i]));
        }
        for (int i = 0; i < ref.length; i++) {
            double e = Math.abs(got[i] - ref[i]);
            worst = Double.isNaN(got[i]) ? Double.POSITIVE_INFINITY : Math.max(worst, e);
        }
        return record(what, scale == 0 ? worst : worst / scale, tolerance, "");
    }

    public double close(String what, float[] got, double[] ref) {
        return close(what, got, ref, TOLERANCE);
    }

    /** The fraction of slots whose expert differs, which must stay at or below {@link #MAX_ROUTING_MISMATCH}. */
    public double routing(String what, int[] got, double[] ref) {
        int bad = 0;
        for (int i = 0; i < ref.length; i++) {
            if (i >= got.length || got[i] != (int) ref[i]) {
                bad++;
            }
        }
        double fraction = ref.length == 0 ? 0 : bad / (double) ref.length;
        return record(what, fraction, MAX_ROUTING_MISMATCH, " (" + bad + " of " + ref.length + " slots differ)");
    }

    private double record(String what, double err, double tolerance, String note) {
        boolean ok = err <= tolerance;
        if (!ok) {
            failures++;
        }
        lines.add(String.format("  %-4s %-28s err %.2e (tolerance %.0e)%s", ok ? "ok" : "FAIL", group + " " + what, err,
                tolerance, note));
        return err;
    }

    public List<String> lines() {
        return lines;
    }

    public int failures() {
        return failures;
    }
}
