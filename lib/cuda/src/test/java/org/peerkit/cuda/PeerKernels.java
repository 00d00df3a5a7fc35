package org.peerkit.cuda;

import java.util.function.Function;
import org.peerkit.cuda.EmulatedGpu.Ptr;

/** Java transcriptions of PEER's mixing and retrieval-backward kernels (mixing.cu, retrieval.cu) for {@link EmulatedGpu}. */
final class PeerKernels {
    private PeerKernels() {
    }

    private static double act(double a, int act) {
        if (act == 1) {
            return Math.max(a, 0);
        }
        return 0.5 * a * (1 + erf(a / Math.sqrt(2)));
    }

    private static double actGrad(double a, int act) {
        if (act == 1) {
            return a > 0 ? 1 : 0;
        }
        return 0.5 * (1 + erf(a / Math.sqrt(2))) + a * 0.39894228040143268 * Math.exp(-0.5 * a * a);
    }

    /** erf to ~1e-7 (Abramowitz and Stegun 7.1.26 is 1.5e-7; this series/continued pair is tighter). */
    static double erf(double x) {
        double t = Math.abs(x);
        if (t < 2.5) {
            double sum = t;
            double term = t;
            for (int n = 1; n < 60; n++) {
                term *= -t * t / n;
                sum += term / (2 * n + 1);
            }
            return Math.signum(x) * 2 / Math.sqrt(Math.PI) * sum;
        }
        double cf = 0;
        for (int n = 60; n >= 1; n--) {
            cf = n / 2.0 / (t + cf);
        }
        return Math.signum(x) * (1 - Math.exp(-t * t) / Math.sqrt(Math.PI) / (t + cf));
    }

    private static double dot(Ptr a, long ao, Ptr b, long bo, int d) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            s += (double) a.get(ao + j) * b.get(bo + j);
        }
        return s;
    }

    /** args: x, expert, gates, u, v, T, M, D, act, preAct, y. */
    static void mixForward(Function<Object, Ptr> p, Object[] a) {
        Ptr x = p.apply(a[0]);
        Ptr expert = p.apply(a[1]);
        Ptr gates = p.apply(a[2]);
        Ptr u = p.apply(a[3]);
        Ptr v = p.apply(a[4]);
        int t = (Integer) a[5];
        int m = (Integer) a[6];
        int d = (Integer) a[7];
        int act = (Integer) a[8];
        Ptr pre = p.apply(a[9]);
        Ptr y = p.apply(a[10]);
        for (int tok = 0; tok < t; tok++) {
            double[] acc = new double[d];
            for (int s = 0; s < m; s++) {
                long o = (long) tok * m + s;
                long e = expert.geti(o);
                double pa = dot(u, e * d, x, (long) tok * d, d);
                pre.set(o, (float) pa);
                double c = gates.get(o) * act((float) pa, act);
                for (int j = 0; j < d; j++) {
                    acc[j] += c * v.get(e * d + j);
                }
            }
            for (int j = 0; j < d; j++) {
                y.set((long) tok * d + j, (float) acc[j]);
            }
        }
    }

    /** args: dy, x, expert, gates, u, v, preAct, T, M, D, act, dx, dGates, du, dv, used. */
    static void mixBackward(Function<Object, Ptr> p, Object[] a) {
        Ptr dy = p.apply(a[0]);
        Ptr x = p.apply(a[1]);
        Ptr expert = p.apply(a[2]);
        Ptr gates = p.apply(a[3]);
        Ptr u = p.apply(a[4]);
        Ptr v = p.apply(a[5]);
        Ptr pre = p.apply(a[6]);
        int t = (Integer) a[7];
        int m = (Integer) a[8];
        int d = (Integer) a[9];
        int act = (Integer) a[10];
        Ptr dx = p.apply(a[11]);
        Ptr dGates = p.apply(a[12]);
        Ptr du = p.apply(a[13]);
        Ptr dv = p.apply(a[14]);
        Ptr used = p.apply(a[15]);
        for (int tok = 0; tok < t; tok++) {
            double[] acc = new double[d];
            for (int s = 0; s < m; s++) {
                long o = (long) tok * m + s;
                long e = expert.geti(o);
                double g = gates.get(o);
                double pa = pre.get(o);
                double sa = act(pa, act);
                double dA = dot(v, e * d, dy, (long) tok * d, d);
                double dpre = dA * g * actGrad(pa, act);
                for (int j = 0; j < d; j++) {
                    du.add(e * d + j, (float) (dpre * x.get((long) tok * d + j)));
                    dv.add(e * d + j, (float) (g * sa * dy.get((long) tok * d + j)));
                    acc[j] += dpre * u.get(e * d + j);
                }
                dGates.set(o, (float) (dA * sa));
                used.setByte(e, 1);
            }
            for (int j = 0; j < d; j++) {
                dx.set((long) tok * d + j, (float) acc[j]);
            }
        }
    }

    static void softmaxBackward(Ptr gates, Ptr dGates, int groups, int k, Ptr dScores) {
        for (int r = 0; r < groups; r++) {
            double dot = 0;
            for (int j = 0; j < k; j++) {
                dot += gates.get((long) r * k + j) * dGates.get((long) r * k + j);
            }
            for (int j = 0; j < k; j++) {
                long o = (long) r * k + j;
                dScores.set(o, (float) (gates.get(o) * (dGates.get(o) - dot)));
            }
        }
    }

    /** args: dScores, rowIdx, colIdx, q, keys1, keys2, rows, qdim, k, dq, dKeys1, dKeys2, heads, keyHeadStride. */
    static void retrievalBackward(Function<Object, Ptr> p, Object[] a) {
        Ptr ds = p.apply(a[0]);
        Ptr ri = p.apply(a[1]);
        Ptr ci = p.apply(a[2]);
        Ptr q = p.apply(a[3]);
        Ptr k1 = p.apply(a[4]);
        Ptr k2 = p.apply(a[5]);
        int rows = (Integer) a[6];
        int qdim = (Integer) a[7];
        int k = (Integer) a[8];
        Ptr dq = p.apply(a[9]);
        Ptr dk1 = p.apply(a[10]);
        Ptr dk2 = p.apply(a[11]);
        int half = qdim / 2;
        int heads = (Integer) a[12];
        long stride = (Long) a[13];
        for (int r = 0; r < rows; r++) {
            long qo = (long) r * qdim;
            long ko = (r % heads) * stride;
            for (int j = 0; j < half; j++) {
                double acc1 = 0;
                double acc2 = 0;
                for (int s = 0; s < k; s++) {
                    long o = (long) r * k + s;
                    float d = ds.get(o);
                    long ar = ri.geti(o);
                    long bc = ci.geti(o);
                    acc1 += d * k1.get(ko + ar * half + j);
                    acc2 += d * k2.get(ko + bc * half + j);
                    dk1.add(ko + ar * half + j, d * q.get(qo + j));
                    dk2.add(ko + bc * half + j, d * q.get(qo + half + j));
                }
                dq.set(qo + j, (float) acc1);
                dq.set(qo + half + j, (float) acc2);
            }
        }
    }

    /** args: expert, gates, v, T, M, D, y. */
    static void bagForward(Function<Object, Ptr> p, Object[] a) {
        Ptr expert = p.apply(a[0]);
        Ptr gates = p.apply(a[1]);
        Ptr v = p.apply(a[2]);
        int t = (Integer) a[3];
        int m = (Integer) a[4];
        int d = (Integer) a[5];
        Ptr y = p.apply(a[6]);
        for (int tok = 0; tok < t; tok++) {
            for (int j = 0; j < d; j++) {
                double acc = 0;
                for (int s = 0; s < m; s++) {
                    long o = (long) tok * m + s;
                    acc += gates.get(o) * v.get((long) expert.geti(o) * d + j);
                }
                y.set((long) tok * d + j, (float) acc);
            }
        }
    }

    /** args: dy, expert, gates, v, T, M, D, dGates, dv, used. */
    static void bagBackward(Function<Object, Ptr> p, Object[] a) {
        Ptr dy = p.apply(a[0]);
        Ptr expert = p.apply(a[1]);
        Ptr gates = p.apply(a[2]);
        Ptr v = p.apply(a[3]);
        int t = (Integer) a[4];
        int m = (Integer) a[5];
        int d = (Integer) a[6];
        Ptr dGates = p.apply(a[7]);
        Ptr dv = p.apply(a[8]);
        Ptr used = p.apply(a[9]);
        for (int tok = 0; tok < t; tok++) {
            for (int s = 0; s < m; s++) {
                long o = (long) tok * m + s;
                long e = expert.geti(o);
                dGates.set(o, (float) dot(v, e * d, dy, (long) tok * d, d));
                for (int j = 0; j < d; j++) {
                    dv.add(e * d + j, gates.get(o) * dy.get((long) tok * d + j));
                }
                used.setByte(e, 1);
            }
        }
    }

    static void collectRows(Ptr used, int n, Ptr rows, Ptr count) {
        for (int e = 0; e < n; e++) {
            if (used.getByte(e) != 0) {
                used.setByte(e, 0);
                int c = count.geti(0);
                rows.seti(c, e);
                count.seti(0, c + 1);
            }
        }
    }

    static void zeroRows(long grid, Ptr a, Ptr rows, Ptr count, int d) {
        for (int i = 0; i < Math.min(grid, count.geti(0)); i++) {
            long b = (long) rows.geti(i) * d;
            for (int j = 0; j < d; j++) {
                a.set(b + j, 0f);
            }
        }
    }
}
