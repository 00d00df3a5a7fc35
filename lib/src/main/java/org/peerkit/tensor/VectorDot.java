package org.peerkit.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Simd} on the Vector API. The dot: two fused multiply-add accumulators of the machine's
 * widest float vector, one lane reduction at the end; the scan: one compare per vector of scores. Loaded only when {@link Simd} found the module, so
 * a JVM without it never touches these classes.
 */
final class VectorDot {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorDot() {}

    static int bits() {
        return S.vectorBitSize();
    }

    static float max(float[] s, int from, int n) {
        int lanes = S.length();
        int i = from;
        float m = Float.NEGATIVE_INFINITY;
        if (n >= lanes) {
            FloatVector acc = FloatVector.fromArray(S, s, i);
            for (i += lanes; i + lanes <= from + n; i += lanes) {
                acc = acc.max(FloatVector.fromArray(S, s, i));
            }
            m = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; i < from + n; i++) {
            m = Math.max(m, s[i]);
        }
        return m;
    }

    static int firstAbove(float[] s, int from, int n, float threshold) {
        int lanes = S.length();
        int i = from;
        for (; i + lanes <= n; i += lanes) {
            VectorMask<Float> above = FloatVector.fromArray(S, s, i).compare(VectorOperators.GT, threshold);
            if (above.anyTrue()) {
                return i + above.firstTrue();
            }
        }
        while (i < n && !(s[i] > threshold)) {
            i++;
        }
        return i;
    }

    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int lanes = S.length();
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        int j = 0;
        for (; j + 2 * lanes <= n; j += 2 * lanes) {
            acc0 = FloatVector.fromArray(S, a, aOff + j).fma(FloatVector.fromArray(S, b, bOff + j), acc0);
            acc1 = FloatVector.fromArray(S, a, aOff + j + lanes)
                    .fma(FloatVector.fromArray(S, b, bOff + j + lanes), acc1);
        }
        float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) {
            s += a[aOff + j] * b[bOff + j];
        }
        return s;
    }

    /** row[j] = exp(row[j] − shift) for j < n, by {@link ExpF}'s formula lane by lane; returns the sum. */
    static float expShiftSum(float[] row, int n, float shift) {
        int lanes = S.length();
        FloatVector acc = FloatVector.zero(S);
        int j = 0;
        for (; j + lanes <= n; j += lanes) {
            FloatVector e = exp(FloatVector.fromArray(S, row, j).sub(shift));
            e.intoArray(row, j);
            acc = acc.add(e);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) {
            row[j] = ExpF.exp(row[j] - shift);
            sum += row[j];
        }
        return sum;
    }

    /** {@link ExpF#exp} on every lane: the same adds, multiplies and exponent bits. */
    private static FloatVector exp(FloatVector x) {
        x = x.max(ExpF.MIN_X);
        FloatVector shifted = x.mul(ExpF.LOG2E).add(ExpF.ROUND);
        IntVector n = shifted.reinterpretAsInts().sub(Float.floatToRawIntBits(ExpF.ROUND));
        FloatVector k = shifted.sub(ExpF.ROUND);
        FloatVector r = x.sub(k.mul(ExpF.LN2_HI)).sub(k.mul(ExpF.LN2_LO));
        FloatVector p = r.mul(ExpF.P0).add(ExpF.P1).mul(r).add(ExpF.P2).mul(r).add(ExpF.P3).mul(r).add(ExpF.P4)
                .mul(r).add(ExpF.P5).mul(r.mul(r)).add(r).add(1f);
        FloatVector scale = n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(scale);
    }
}
