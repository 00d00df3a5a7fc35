package org.peerkit.tensor;

import java.util.Locale;

/**
 * The float dot product of PEER's expert mixing, on the JDK's Vector API when the JVM runs with
 * {@code --add-modules jdk.incubator.vector} (every PEERkit launcher, the Jupyter kernel and the
 * tests pass it), scalar otherwise (a plain IJava kernel, a user's own {@code java} command).
 *
 * <p>Why: C2 never vectorises a floating-point reduction (Java fixes the order of the adds), so
 * the scalar dot is several times slower (README, Benchmarks), and its ~1,000 micro-ops for
 * d = 256 also keep the out-of-order core from reaching the next expert row's
 * cache misses. Element-wise loops (axpy) need none of this: C2 already vectorises them.
 *
 * <p>The two paths add in different orders, so results differ in the last bits (about 1e-7
 * relative for d = 256); {@code PEERKIT_SIMD=off} forces the scalar path, to compare.
 */
public final class Simd {

    /** Set to {@code off} to force the scalar path ({@code on}, the default, otherwise). */
    public static final String ENV = "PEERKIT_SIMD";
    /** The JVM option that enables the vector path. */
    public static final String JVM_OPTION = "--add-modules=jdk.incubator.vector";

    private static final boolean VECTOR = !"off".equalsIgnoreCase(System.getenv(ENV))
            && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /**
     * Checks a value of {@link #ENV}: {@code on} (the default: the vector path where the JVM has
     * it) or {@code off}.
     *
     * @throws IllegalArgumentException for anything else, naming the knob
     */
    public static boolean parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException(ENV + "=" + value + " is not a setting: use 'on' (default,"
                    + " the Vector API where the JVM has it) or 'off' (the scalar path)");
        };
    }

    private Simd() {}

    /** Whether dots run on the Vector API. */
    public static boolean vector() {
        return VECTOR;
    }

    /** One line for {@link Doctor}: which path runs, and how to get the vector one. */
    public static String describe() {
        if (VECTOR) {
            return "jdk.incubator.vector, " + VectorDot.bits() + "-bit";
        }
        return "scalar — start the JVM with " + JVM_OPTION + " for ~5× faster dots"
                + ("off".equalsIgnoreCase(System.getenv(ENV)) ? " (" + ENV + "=off)" : "");
    }

    /** Σ a[aOff + j]·b[bOff + j] for j < n. */
    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        return VECTOR ? VectorDot.dot(a, aOff, b, bOff, n) : scalarDot(a, aOff, b, bOff, n);
    }

    /**
     * The first index i in [from, n) with s[i] > threshold, or n: the top-k scan's skip over
     * scores below the running k-th (one vector compare per 16 scores on AVX-512).
     */
    static int firstAbove(float[] s, int from, int n, float threshold) {
        return VECTOR ? VectorDot.firstAbove(s, from, n, threshold) : scalarFirstAbove(s, from, n, threshold);
    }

    /** The largest of s[from, from + n), n ≥ 1 (scores are finite). */
    static float max(float[] s, int from, int n) {
        if (VECTOR) {
            return VectorDot.max(s, from, n);
        }
        float m = s[from];
        for (int i = from + 1; i < from + n; i++) {
            m = Math.max(m, s[i]);
        }
        return m;
    }

    /** row[j] = exp(row[j] − shift) for j < n, in place; returns their sum. */
    static float expShiftSum(float[] row, int n, float shift) {
        if (VECTOR) {
            return VectorDot.expShiftSum(row, n, shift);
        }
        float sum = 0;
        for (int j = 0; j < n; j++) {
            row[j] = ExpF.exp(row[j] - shift);
            sum += row[j];
        }
        return sum;
    }

    static int scalarFirstAbove(float[] s, int from, int n, float threshold) {
        int i = from;
        while (i < n && !(s[i] > threshold)) {
            i++;
        }
        return i;
    }

    /** Eight independent chains, so the adds do not wait on each other. */
    static float scalarDot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int j = 0;
        for (; j + 7 < n; j += 8) {
            int i = aOff + j;
            int k = bOff + j;
            s0 += a[i] * b[k];
            s1 += a[i + 1] * b[k + 1];
            s2 += a[i + 2] * b[k + 2];
            s3 += a[i + 3] * b[k + 3];
            s4 += a[i + 4] * b[k + 4];
            s5 += a[i + 5] * b[k + 5];
            s6 += a[i + 6] * b[k + 6];
            s7 += a[i + 7] * b[k + 7];
        }
        for (; j < n; j++) {
            s0 += a[aOff + j] * b[bOff + j];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }
}
