package org.peerkit.tensor;

import java.util.Arrays;

/**
 * The float32 fast path of {@link CpuKernels}' expert mixing and retrieval backward: rows are
 * bulk-copied into {@code float[]} (a memcpy) and reduced with eight independent accumulators, and
 * row updates are plain {@code a[j] += w·b[j]} loops over float arrays, which the JIT turns into
 * SIMD code. The generic path reads every element through {@link Flat#get} as a double and cannot
 * be vectorised; it stays for float64 (gradient checks), where exactness matters more than speed.
 *
 * <p>Numerics: float32 accumulation, as PyTorch's CPU kernels do. Dots of d = 256 products differ
 * from the double-accumulated path by ~1e-7 relative, far inside the float tests' 1e-5.
 */
final class FloatMix {

    private FloatMix() {}

    /** Σ a[j]·b[j] over the first n elements, eight chains so the adds do not wait on each other. */
    static float dot(float[] a, float[] b, int n) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int j = 0;
        for (; j + 7 < n; j += 8) {
            s0 += a[j] * b[j];
            s1 += a[j + 1] * b[j + 1];
            s2 += a[j + 2] * b[j + 2];
            s3 += a[j + 3] * b[j + 3];
            s4 += a[j + 4] * b[j + 4];
            s5 += a[j + 5] * b[j + 5];
            s6 += a[j + 6] * b[j + 6];
            s7 += a[j + 7] * b[j + 7];
        }
        for (; j < n; j++) {
            s0 += a[j] * b[j];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** y[j] += w·x[j] (vectorised by the JIT). */
    static void axpy(float w, float[] x, float[] y, int n) {
        for (int j = 0; j < n; j++) {
            y[j] += w * x[j];
        }
    }

    /** See {@link Kernels#mixForward}; all arrays float32. */
    static void mixForward(Flat.F32 x, int[] expertTM, Flat.F32 g, Flat.F32 u, Flat.F32 v, ExpertActivation act,
            Flat.F32 pre, Flat.F32 y, int tokens, int d, int m) {
        CpuKernels.parallel(tokens, 2 * m * d, (from, to) -> {
            float[] xt = new float[d];
            float[] yt = new float[d];
            float[] row = new float[d];
            float[] gate = new float[m];
            float[] preT = new float[m];
            for (int t = from; t < to; t++) {
                x.rowF(t * d, xt);
                g.rowF(t * m, gate);
                Arrays.fill(yt, 0);
                for (int slot = 0; slot < m; slot++) {
                    int e = expertTM[t * m + slot] * d;
                    u.rowF(e, row);
                    float a = dot(row, xt, d);
                    preT[slot] = a;
                    float w = (float) (gate[slot] * act.apply(a, false));
                    v.rowF(e, row);
                    axpy(w, row, yt, d);
                }
                pre.putRowF(t * m, preT);
                y.putRowF(t * d, yt);
            }
        });
    }

    /**
     * Pass 1 of {@link Kernels#mixBackward}, per token: dL/dgate, dL/d(u·x) and dx, reading expert
     * rows in place; dPre and weight (gate·σ(a)) are kept for the per-expert pass.
     */
    static void mixBackwardTokens(Flat.F32 dy, int[] expertTM, Flat.F32 g, Flat.F32 u, Flat.F32 v,
            ExpertActivation act, Flat.F32 pre, Flat.F32 dx, Flat.F32 dg, float[] dPre, float[] weight, int tokens,
            int d, int m) {
        CpuKernels.parallel(tokens, 2 * m * d, (from, to) -> {
            float[] dyt = new float[d];
            float[] dxt = new float[d];
            float[] row = new float[d];
            float[] gate = new float[m];
            float[] preT = new float[m];
            float[] dgT = new float[m];
            for (int t = from; t < to; t++) {
                dy.rowF(t * d, dyt);
                g.rowF(t * m, gate);
                pre.rowF(t * m, preT);
                Arrays.fill(dxt, 0);
                for (int slot = 0; slot < m; slot++) {
                    int tm = t * m + slot;
                    int e = expertTM[tm] * d;
                    v.rowF(e, row);
                    float dyv = dot(row, dyt, d);
                    double a = preT[slot];
                    float f = (float) act.apply(a, false);
                    dgT[slot] = dyv * f;
                    weight[tm] = gate[slot] * f;
                    float da = (float) (dyv * gate[slot] * act.derivative(a, false));
                    dPre[tm] = da;
                    u.rowF(e, row);
                    axpy(da, row, dxt, d);
                }
                dg.putRowF(t * m, dgT);
                dx.putRowF(t * d, dxt);
            }
        });
    }

    /**
     * Pass 2 of {@link Kernels#mixBackward}, per touched expert (one thread per row, pairs in
     * ascending (token, slot) order, so the sums do not depend on scheduling):
     * du[e] += Σ dPre·x[t], dv[e] += Σ weight·dy[t].
     */
    static void mixBackwardExperts(int[] touched, int[] start, int[] fill, int[] order, Flat.F32 x, Flat.F32 dy,
            float[] dPre, float[] weight, Flat.F32 du, Flat.F32 dv, int d, int m, int pairs) {
        CpuKernels.parallel(touched.length, 2 * d * Math.max(1, pairs / Math.max(1, touched.length)), (from, to) -> {
            float[] gu = new float[d];
            float[] gv = new float[d];
            float[] row = new float[d];
            for (int i = from; i < to; i++) {
                int e = touched[i];
                du.rowF(e * d, gu);
                dv.rowF(e * d, gv);
                for (int p = start[e]; p < start[e] + fill[e]; p++) {
                    int tm = order[p];
                    int at = (tm / m) * d;
                    x.rowF(at, row);
                    axpy(dPre[tm], row, gu, d);
                    dy.rowF(at, row);
                    axpy(weight[tm], row, gv, d);
                }
                du.putRowF(e * d, gu);
                dv.putRowF(e * d, gv);
            }
        });
    }

    /**
     * {@link Kernels#retrieveBackward} in float32: dq[t,h] += d·[k1[row]; k2[col]] per selected
     * slot, and the sub-key gradients summed per fixed token partition in float, then added in
     * partition order (deterministic).
     */
    static void retrieveBackward(Flat.F32 ds, Flat.F32 qf, Flat.F32 k1, Flat.F32 k2, Flat.F32 dq, int[] rowTHK,
            int[] colTHK, int tokens, int heads, int k, int q, int s, float[][] g1, float[][] g2) {
        int half = q / 2;
        int parts = g1.length;
        java.util.stream.IntStream.range(0, parts).parallel().forEach(p -> {
            int from = (int) ((long) tokens * p / parts);
            int to = (int) ((long) tokens * (p + 1) / parts);
            float[] key1 = new float[half];
            float[] key2 = new float[half];
            float[] qt = new float[q];
            float[] dqt = new float[q];
            float[] dsT = new float[k];
            float[] q1 = new float[half];
            float[] q2 = new float[half];
            float[] dq1 = new float[half];
            float[] dq2 = new float[half];
            float[] a1 = g1[p];
            float[] a2 = g2[p];
            for (int t = from; t < to; t++) {
                for (int h = 0; h < heads; h++) {
                    int qOff = (t * heads + h) * q;
                    qf.rowF(qOff, qt);
                    dq.rowF(qOff, dqt);
                    System.arraycopy(qt, 0, q1, 0, half);
                    System.arraycopy(qt, half, q2, 0, half);
                    System.arraycopy(dqt, 0, dq1, 0, half);
                    System.arraycopy(dqt, half, dq2, 0, half);
                    ds.rowF((t * heads + h) * k, dsT);
                    for (int slot = 0; slot < k; slot++) {
                        int ri = (t * heads + h) * k + slot;
                        float d = dsT[slot];
                        int row = rowTHK[ri] * half;
                        int col = colTHK[ri] * half;
                        k1.rowF(row, key1);
                        k2.rowF(col, key2);
                        axpy(d, key1, dq1, half);
                        axpy(d, key2, dq2, half);
                        for (int j = 0; j < half; j++) {
                            a1[row + j] += d * q1[j];
                            a2[col + j] += d * q2[j];
                        }
                    }
                    System.arraycopy(dq1, 0, dqt, 0, half);
                    System.arraycopy(dq2, 0, dqt, half, half);
                    dq.putRowF(qOff, dqt);
                }
            }
        });
    }
}
