package org.peerkit.tensor;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * The float32 fast path of {@link Kernels} (expert mixing and the retrieval backward; the
 * retrieval's top-k has its float path in {@link ProductKeyRow}): rows are bulk-copied into
 * {@code float[]} (a memcpy) and reduced by {@link Simd#dot} (Vector API when the JVM has it),
 * and row updates are plain {@code a[j] += w·b[j]} loops over float arrays, which the JIT turns
 * into SIMD code. The backward is expert-major ({@link #mixBackward}); the forward is token-major,
 * or expert-major when pairs outnumber experts ({@link #mixForwardByExpert}). The exact reference,
 * {@link ExactKernels}, reads every element through {@link Vec#get} as a double and cannot be
 * vectorised; it serves float64 (gradient checks), where exactness matters more than speed.
 *
 * <p>Numerics: float32 accumulation, as PyTorch's CPU kernels do. Dots of d = 256 products differ
 * from the double-accumulated path by ~1e-7 relative, far inside the float tests' 1e-5.
 */
final class FloatKernels {

    private FloatKernels() {
    }

    /** Σ a[j]·b[j] over the first n elements ({@link Simd}: vector when the JVM allows). */
    static float dot(float[] a, float[] b, int n) {
        return Simd.dot(a, 0, b, 0, n);
    }

    /** y[j] += w·x[j] (vectorised by the JIT). */
    static void axpy(float w, float[] x, float[] y, int n) {
        for (int j = 0; j < n; j++) {
            y[j] += w * x[j];
        }
    }

    /** {@link Kernels#mixForward} token-major; all arrays float32. */
    static void mixForward(ExpertMix mix, Vec.F32 y) {
        Rows r = Rows.of(mix);
        Vec.F32 g = (Vec.F32) mix.gates();
        Vec.F32 pre = (Vec.F32) mix.pre();
        int[] expertTM = mix.expertTM();
        int d = r.d();
        int m = r.m();
        Parallel.rows(mix.tokens(), 2 * m * d, (from, to) -> {
            float[] xt = new float[d];
            float[] yt = new float[d];
            float[] row = new float[d];
            float[] gate = new float[m];
            float[] preT = new float[m];
            for (int t = from; t < to; t++) {
                r.x().rowF(t * d, xt);
                g.rowF(t * m, gate);
                Arrays.fill(yt, 0);
                for (int slot = 0; slot < m; slot++) {
                    int e = expertTM[t * m + slot] * d;
                    r.u().rowF(e, row);
                    float a = dot(row, xt, d);
                    preT[slot] = a;
                    float w = (float) (gate[slot] * r.act().apply(a, false));
                    r.v().rowF(e, row);
                    axpy(w, row, yt, d);
                }
                pre.putRowF(t * m, preT);
                y.putRowF(t * d, yt);
            }
        });
    }

    /**
     * {@link Kernels#mixBackward} in one expert-major pass. For each touched expert e (pairs in
     * ascending (token, slot) order): u[e], v[e], du[e], dv[e] are read once, and each of its pairs
     * (t, slot) reads x[t] and dy[t] and computes
     * <pre>
     *   dyv = v[e]·dy[t],  dgate = dyv·σ(a),  da = dyv·gate·σ′(a)
     *   du[e] += da·x[t],  dv[e] += gate·σ(a)·dy[t],  dx[t] += da·u[e]
     * </pre>
     * Why expert-major: the tables are far larger than the cache and each row read is a miss,
     * while x, dy and dx (T·D floats each) stay cached. A token-major pass reads u[e] and v[e] once
     * per pair (T·M times); this one once per touched expert — 32× fewer at N = 128², T·M = 2¹⁹.
     * dx[t] receives from many experts, so each of the {@code dxParts.length} partitions
     * (contiguous expert ranges balanced by pair count) sums into its own [T, D] buffer; the
     * buffers are then added in partition order, so results do not depend on scheduling.
     */
    static int[] mixBackward(ExpertMix mix, Vec.F32 dy, Vec.F32 dg, Vec.F32 du, Vec.F32 dv, float[][] dxParts,
            Vec.F32 dx) {
        ExpertBuckets b = ExpertBuckets.of(mix.expertTM(), mix.experts());
        float[] gate = copy(mix.gates(), mix.expertTM().length);
        float[] pre = copy(mix.pre(), gate.length);
        float[] dGate = new float[gate.length];
        Rows r = Rows.of(mix);
        int d = r.d();
        int m = r.m();
        expertMajor(b, dxParts, dx, mix.tokens(), d, p -> {
            float[] acc = dxParts[p];
            float[] ue = new float[d];
            float[] ve = new float[d];
            float[] due = new float[d];
            float[] dve = new float[d];
            float[] xt = new float[d];
            float[] dyt = new float[d];
            return (e, from, to) -> {
                r.u().rowF(e * d, ue);
                r.v().rowF(e * d, ve);
                du.rowF(e * d, due);
                dv.rowF(e * d, dve);
                for (int q = from; q < to; q++) {
                    int tm = b.order()[q];
                    int at = (tm / m) * d;
                    r.x().rowF(at, xt);
                    dy.rowF(at, dyt);
                    float dyv = dot(ve, dyt, d);
                    double a = pre[tm];
                    float f = (float) r.act().apply(a, false);
                    dGate[tm] = dyv * f;
                    float da = (float) (dyv * gate[tm] * r.act().derivative(a, false));
                    axpy(da, xt, due, d);
                    axpy(gate[tm] * f, dyt, dve, d);
                    axpy(da, ue, acc, at, d);
                }
                du.putRowF(e * d, due);
                dv.putRowF(e * d, dve);
            };
        });
        dg.putRowF(0, dGate);
        return b.touched();
    }

    /**
     * {@link Kernels#mixForward} expert-major, for tables with many pairs per expert (small N):
     * each touched expert's u and v rows are read once, and for each of its pairs (t, slot)
     * <pre>
     *   a = u[e]·x[t],  y[t] += gate·σ(a)·v[e]
     * </pre>
     * with y summed per partition and the partitions added in order, as in {@link #mixBackward}.
     * At N = 128², T = 4096, h·k = 128 (32 pairs per expert) this replaces 2¹⁹ pairs' two row
     * reads each with 2¹⁴ experts' two.
     */
    static void mixForwardByExpert(ExpertMix mix, float[][] yParts, Vec.F32 y) {
        ExpertBuckets b = ExpertBuckets.of(mix.expertTM(), mix.experts());
        float[] gate = copy(mix.gates(), mix.expertTM().length);
        float[] pre = new float[gate.length];
        Rows r = Rows.of(mix);
        int d = r.d();
        int m = r.m();
        expertMajor(b, yParts, y, mix.tokens(), d, p -> {
            float[] acc = yParts[p];
            float[] ue = new float[d];
            float[] ve = new float[d];
            float[] xt = new float[d];
            return (e, from, to) -> {
                r.u().rowF(e * d, ue);
                r.v().rowF(e * d, ve);
                for (int q = from; q < to; q++) {
                    int tm = b.order()[q];
                    int at = (tm / m) * d;
                    r.x().rowF(at, xt);
                    float a = dot(ue, xt, d);
                    pre[tm] = a;
                    axpy((float) (gate[tm] * r.act().apply(a, false)), ve, acc, at, d);
                }
            };
        });
        ((Vec.F32) mix.pre()).putRowF(0, pre);
    }

    /** The float32 rows every mixing pass reads (callers checked {@link ExpertMix#allFloat}). */
    private record Rows(Vec.F32 x, Vec.F32 u, Vec.F32 v, Activation act, int d, int m) {
        static Rows of(ExpertMix mix) {
            return new Rows((Vec.F32) mix.x(), (Vec.F32) mix.u(), (Vec.F32) mix.v(), mix.act(), mix.d(), mix.m());
        }
    }

    /** One partition's work in {@link #expertMajor}: called once per touched expert, in ascending order. */
    private interface ExpertPass {
        /** Expert {@code e}, whose pairs (t·M + slot) are {@code b.order()[from..to)}. */
        void expert(int e, int from, int to);
    }

    /**
     * The loop both expert-major passes share: the touched experts are cut into {@code parts.length}
     * contiguous ranges balanced by pair count, each partition zeroes its own [T, D] buffer and
     * runs the pass that {@code forPartition} builds (with its scratch rows) on each of its experts,
     * and the buffers are then added into {@code out} in partition order (deterministic).
     */
    private static void expertMajor(ExpertBuckets b, float[][] parts, Vec.F32 out, int tokens, int d,
            IntFunction<ExpertPass> forPartition) {
        int[] touched = b.touched();
        int[] bounds = balancedBounds(touched, b.count(), parts.length);
        Parallel.partitions(parts.length, p -> {
            Arrays.fill(parts[p], 0);
            ExpertPass pass = forPartition.apply(p);
            for (int i = bounds[p]; i < bounds[p + 1]; i++) {
                int e = touched[i];
                pass.expert(e, b.start()[e], b.start()[e] + b.count()[e]);
            }
        });
        sumParts(parts, out, tokens, d);
    }

    /** The first {@code n} floats of a float32 array, copied out in one bulk read. */
    private static float[] copy(Vec f32, int n) {
        float[] out = new float[n];
        ((Vec.F32) f32).rowF(0, out);
        return out;
    }

    /** out[t] = Σ_p parts[p][t], rows added in partition order (deterministic). */
    private static void sumParts(float[][] parts, Vec.F32 out, int tokens, int d) {
        Parallel.rows(tokens, parts.length * d, (from, to) -> {
            float[] row = new float[d];
            for (int t = from; t < to; t++) {
                System.arraycopy(parts[0], t * d, row, 0, d);
                for (int p = 1; p < parts.length; p++) {
                    add(parts[p], t * d, row, d);
                }
                out.putRowF(t * d, row);
            }
        });
    }

    /** Splits touched[] into {@code parts} contiguous ranges holding about equal numbers of pairs. */
    private static int[] balancedBounds(int[] touched, int[] fill, int parts) {
        long pairs = 0;
        for (int e : touched) {
            pairs += fill[e];
        }
        int[] bounds = new int[parts + 1];
        long seen = 0;
        int p = 1;
        for (int i = 0; i < touched.length && p < parts; i++) {
            seen += fill[touched[i]];
            while (p < parts && seen * parts >= pairs * p) {
                bounds[p++] = i + 1;
            }
        }
        while (p <= parts) {
            bounds[p++] = touched.length;
        }
        return bounds;
    }

    /** y[yOff + j] += w·x[j] for j < n. */
    private static void axpy(float w, float[] x, float[] y, int yOff, int n) {
        for (int j = 0; j < n; j++) {
            y[yOff + j] += w * x[j];
        }
    }

    /** y[j] += x[xOff + j] for j < n. */
    private static void add(float[] x, int xOff, float[] y, int n) {
        for (int j = 0; j < n; j++) {
            y[j] += x[xOff + j];
        }
    }

    /**
     * {@link Kernels#retrieveBackward} in float32: dq[t,h] += d·[k1[row]; k2[col]] per selected
     * slot, and the sub-key gradients summed per fixed token partition in float, then added in
     * partition order (deterministic).
     */
    static void retrieveBackward(Vec.F32 ds, Vec.F32 qf, Vec.F32 k1, Vec.F32 k2, Vec.F32 dq, int[] rowTHK,
            int[] colTHK, int tokens, int heads, int k, int q, float[][] g1, float[][] g2) {
        int half = q / 2;
        int parts = g1.length;
        Parallel.partitions(parts, p -> {
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
