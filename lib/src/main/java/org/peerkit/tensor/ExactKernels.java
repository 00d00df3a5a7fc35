package org.peerkit.tensor;

import java.util.Arrays;

/**
 * The exact reference of {@link Kernels}: every sum accumulated in double, element by element
 * through {@link Vec#get}/{@link Vec#set} (stored in each array's precision). It is what the
 * double-precision gradient checks test, and it serves float arrays for the cheap kernels that
 * have no float fast path (softmax, the PKM value bag). Letters as in {@link Kernels}.
 *
 * <p>Expert-table gradients are accumulated per expert after bucketing the (token, slot) pairs by
 * expert ({@link ExpertBuckets}), so every touched row is written by one thread in a fixed order
 * and results do not depend on scheduling.
 */
final class ExactKernels {

    private ExactKernels() {
    }

    /** {@link Kernels#retrieveBackward} given the sub-key gradients' per-partition accumulators. */
    static void retrieveBackward(Vec ds, Vec qf, Vec k1, Vec k2, Vec dq, Retrieval r, int tokens, int heads,
            int q, double[][] g1, double[][] g2) {
        int k = r.size() / (tokens * heads);
        int half = q / 2;
        int parts = g1.length;
        Parallel.partitions(parts, p -> {
            int from = (int) ((long) tokens * p / parts);
            int to = (int) ((long) tokens * (p + 1) / parts);
            for (int th = from * heads; th < to * heads; th++) {
                int qOff = th * q;
                for (int ri = th * k; ri < th * k + k; ri++) {
                    double d = ds.get(ri);
                    int row = r.rowTHK()[ri] * half;
                    int col = r.colTHK()[ri] * half;
                    for (int j = 0; j < half; j++) {
                        dq.add(qOff + j, d * k1.get(row + j));
                        dq.add(qOff + half + j, d * k2.get(col + j));
                        g1[p][row + j] += d * qf.get(qOff + j);
                        g2[p][col + j] += d * qf.get(qOff + half + j);
                    }
                }
            }
        });
    }

    /** {@link Kernels#softmaxGroups}, max-shifted. */
    static void softmaxGroups(Vec sf, Vec gf, int groups, int k) {
        Parallel.rows(groups, k * 4, (from, to) -> {
            for (int o = from * k; o < to * k; o += k) {
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < k; i++) {
                    max = Math.max(max, sf.get(o + i));
                }
                double sum = 0;
                for (int i = 0; i < k; i++) {
                    double e = Math.exp(sf.get(o + i) - max);
                    gf.set(o + i, e);
                    sum += e;
                }
                for (int i = 0; i < k; i++) {
                    gf.set(o + i, gf.get(o + i) / sum);
                }
            }
        });
    }

    /** {@link Kernels#softmaxGroupsBackward}. */
    static void softmaxGroupsBackward(Vec gf, Vec dg, Vec ds, int groups, int k) {
        Parallel.rows(groups, k * 4, (from, to) -> {
            for (int o = from * k; o < to * k; o += k) {
                double dot = 0;
                for (int i = 0; i < k; i++) {
                    dot += gf.get(o + i) * dg.get(o + i);
                }
                for (int i = 0; i < k; i++) {
                    ds.set(o + i, gf.get(o + i) * (dg.get(o + i) - dot));
                }
            }
        });
    }

    /** {@link Kernels#mixForward}, token-major: each token reads its M expert rows in place. */
    static void mixForward(ExpertMix mix, Vec y) {
        Vec x = mix.x();
        Vec g = mix.gates();
        Vec u = mix.u();
        int[] expertTM = mix.expertTM();
        int d = mix.d();
        int m = mix.m();
        Parallel.rows(mix.tokens(), 2 * m * d, (from, to) -> {
            double[] xt = new double[d];
            double[] yt = new double[d];
            double[] rowBuf = new double[d];
            float[] scratch = new float[d];
            for (int t = from; t < to; t++) {
                x.row(t * d, xt, scratch);
                Arrays.fill(yt, 0);
                for (int tm = t * m; tm < t * m + m; tm++) {
                    int e = expertTM[tm] * d;
                    u.row(e, rowBuf, scratch);
                    double a = dot(rowBuf, xt);
                    mix.pre().set(tm, a);
                    axpy(g.get(tm) * mix.act().apply(a, true), rowBuf, yt, mix.v(), e, scratch);
                }
                store(yt, y, t * d);
            }
        });
    }

    /** yt += w·v[e] (reads v's row into rowBuf). */
    private static void axpy(double w, double[] rowBuf, double[] yt, Vec v, int e, float[] scratch) {
        v.row(e, rowBuf, scratch);
        for (int j = 0; j < yt.length; j++) {
            yt[j] += w * rowBuf[j];
        }
    }

    /**
     * {@link Kernels#mixBackward} in two passes: per token (dgate, dL/d(u·x), dx), then per expert
     * (du[e] += Σ dPre·x[t], dv[e] += Σ gate·σ(a)·dy[t]).
     */
    static int[] mixBackward(ExpertMix mix, Vec dy, Vec dx, Vec dg, Vec du, Vec dv) {
        double[] dPre = new double[mix.expertTM().length];
        double[] weight = new double[dPre.length];
        mixBackwardTokens(mix, dy, dx, dg, dPre, weight);
        ExpertBuckets b = ExpertBuckets.of(mix.expertTM(), mix.experts());
        addByExpert(b, mix.m(), mix.d(), dPre, mix.x(), du);
        addByExpert(b, mix.m(), mix.d(), weight, dy, dv);
        return b.touched();
    }

    /** Pass 1 of {@link #mixBackward}: dgate, dPre = dL/d(u·x), weight = gate·σ(a) and dx, per token. */
    private static void mixBackwardTokens(ExpertMix mix, Vec dy, Vec dx, Vec dg, double[] dPre, double[] weight) {
        int[] expertTM = mix.expertTM();
        Vec g = mix.gates();
        Vec v = mix.v();
        Activation act = mix.act();
        int d = mix.d();
        int m = mix.m();
        Parallel.rows(mix.tokens(), 2 * m * d, (from, to) -> {
            double[] dyt = new double[d];
            double[] dxt = new double[d];
            double[] rowBuf = new double[d];
            float[] scratch = new float[d];
            for (int t = from; t < to; t++) {
                dy.row(t * d, dyt, scratch);
                Arrays.fill(dxt, 0);
                for (int tm = t * m; tm < t * m + m; tm++) {
                    int e = expertTM[tm] * d;
                    v.row(e, rowBuf, scratch);
                    double dyv = dot(rowBuf, dyt);
                    double a = mix.pre().get(tm);
                    double f = act.apply(a, true);
                    dg.set(tm, dyv * f);
                    weight[tm] = g.get(tm) * f;
                    dPre[tm] = dyv * g.get(tm) * act.derivative(a, true);
                    axpy(dPre[tm], rowBuf, dxt, mix.u(), e, scratch);
                }
                store(dxt, dx, t * d);
            }
        });
    }

    /** {@link Kernels#bagForward}: y[t] = Σ_m gate·v[e]. */
    static void bagForward(int[] expertTM, Vec g, Vec v, Vec y, int d, int m) {
        int tokens = expertTM.length / m;
        Parallel.rows(tokens, m * d, (from, to) -> {
            double[] yt = new double[d];
            double[] rowBuf = new double[d];
            float[] scratch = new float[d];
            for (int t = from; t < to; t++) {
                Arrays.fill(yt, 0);
                for (int tm = t * m; tm < t * m + m; tm++) {
                    axpy(g.get(tm), rowBuf, yt, v, expertTM[tm] * d, scratch);
                }
                store(yt, y, t * d);
            }
        });
    }

    /** {@link Kernels#bagBackward}: dgate = dy[t]·v[e] per pair, then dv[e] += Σ gate·dy[t] per expert. */
    static int[] bagBackward(Vec dy, int[] expertTM, Vec g, Vec v, Vec dg, Vec dv, int d, int m, int experts) {
        int tokens = expertTM.length / m;
        Parallel.rows(tokens, m * d, (from, to) -> {
            double[] dyt = new double[d];
            double[] rowBuf = new double[d];
            float[] scratch = new float[d];
            for (int t = from; t < to; t++) {
                dy.row(t * d, dyt, scratch);
                for (int tm = t * m; tm < t * m + m; tm++) {
                    v.row(expertTM[tm] * d, rowBuf, scratch);
                    dg.set(tm, dot(rowBuf, dyt));
                }
            }
        });
        double[] gate = new double[expertTM.length];
        for (int tm = 0; tm < gate.length; tm++) {
            gate[tm] = g.get(tm);
        }
        ExpertBuckets b = ExpertBuckets.of(expertTM, experts);
        addByExpert(b, m, d, gate, dy, dv);
        return b.touched();
    }

    /**
     * into[e] += Σ over expert e's pairs (t, slot) of w[t·M + slot]·rows[t]: each touched row is
     * summed by one thread, in ascending pair order.
     */
    private static void addByExpert(ExpertBuckets b, int m, int d, double[] w, Vec rows, Vec into) {
        int[] touched = b.touched();
        Parallel.rows(touched.length, d * b.pairsPerExpert(), (from, to) -> {
            double[] acc = new double[d];
            double[] rowBuf = new double[d];
            float[] scratch = new float[d];
            for (int i = from; i < to; i++) {
                int e = touched[i];
                Arrays.fill(acc, 0);
                for (int p = b.start()[e]; p < b.start()[e] + b.count()[e]; p++) {
                    int tm = b.order()[p];
                    rows.row((tm / m) * d, rowBuf, scratch);
                    for (int j = 0; j < d; j++) {
                        acc[j] += w[tm] * rowBuf[j];
                    }
                }
                for (int j = 0; j < d; j++) {
                    into.add(e * d + j, acc[j]);
                }
            }
        });
    }

    private static void store(double[] row, Vec into, int at) {
        for (int j = 0; j < row.length; j++) {
            into.set(at + j, row[j]);
        }
    }

    /** Two accumulators: breaks the add dependency chain (the JIT does not vectorise FP reductions). */
    private static double dot(double[] a, double[] b) {
        double s0 = 0;
        double s1 = 0;
        int j = 0;
        for (; j + 1 < a.length; j += 2) {
            s0 += a[j] * b[j];
            s1 += a[j + 1] * b[j + 1];
        }
        if (j < a.length) {
            s0 += a[j] * b[j];
        }
        return s0 + s1;
    }
}
