package org.peerkit.tensor;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Kernels} in plain Java over the arrays' native memory, parallel over tokens on the common
 * fork-join pool. Letters as in {@link Kernels}.
 *
 * <p>Why by hand: the paper notes an efficient PEER needs the expert lookup fused with the
 * arithmetic (§2); ND4J has no such op, and gather + batched matmul would build the T·M·D tensor
 * of gathered rows. Here each token reads its M expert rows in place from u and v (one dot, one
 * axpy per row), and the expert-table gradients are accumulated per expert after bucketing the
 * (token, slot) pairs by expert, so every touched row is written by one thread, in a fixed order
 * (results do not depend on scheduling).
 *
 * <p>The sub-key scores (T·H·S·Q MACs, the only dense part) go through ND4J GEMMs in token
 * chunks so their [chunk·H, S] score blocks stay small; the top-k that follows is Java.
 *
 * <p>Not thread-safe: one instance per layer (it keeps scratch buffers between calls).
 */
public final class CpuKernels implements Kernels {

    /**
     * Sub-scores per GEMM block and half: 2²⁰ floats (4 MB), i.e. 128 tokens at h = 8 and
     * √N = 1,024, or 1,024 tokens at √N = 128. Small enough to stay in the last-level cache between
     * the GEMM (which first zeroes its output, OpenBLAS's beta pass) and the top-k that reads it;
     * large enough that small √N does not pay a GEMM call and a parallel section per few tokens.
     * At N = 1024², 512-token blocks (16 MB) measured slightly slower (best of 25 retrievals
     * 167–182 ms against 157–166 ms; medians within the noise).
     */
    private static final int GEMM_BLOCK_SCORES = 1 << 20;
    /**
     * The float forward goes expert-major (each touched expert's u and v rows read once, not once
     * per pair) when pairs outnumber experts this many times: N = 128² at T = 4096, h·k = 128
     * (32 pairs per expert), not 256² (8).
     */
    static final int EXPERT_MAJOR_PAIRS = 16;
    /** Target multiply-adds per parallel task. */
    private static final int TASK_WORK = 1 << 16;

    private INDArray q1Scratch;
    private INDArray q2Scratch;
    private INDArray s1Scratch;
    private INDArray s2Scratch;
    private float[][] dxParts = new float[0][];

    @Override
    public void retrieve(INDArray qTHQ, INDArray keys1SQ2, INDArray keys2SQ2, int heads, int k, Retrieval out) {
        int tokens = (int) qTHQ.size(0);
        int half = (int) qTHQ.size(1) / heads / 2;
        int s = (int) keys1SQ2.size(0);
        Flat qf = Flat.of(qTHQ);
        Flat scores = Flat.of(out.scoresTHK());
        int blockTokens = Math.max(1, GEMM_BLOCK_SCORES / (heads * s));
        for (int t0 = 0; t0 < tokens; t0 += blockTokens) {
            int rows = Math.min(blockTokens, tokens - t0) * heads;
            ensureScratch(qTHQ.dataType(), rows, half, s);
            splitHalves(qf, t0 * heads, rows, half, Flat.of(q1Scratch), Flat.of(q2Scratch));
            Nd4j.gemm(q1Scratch, keys1SQ2, s1Scratch, false, true, 1.0, 0.0);
            Nd4j.gemm(q2Scratch, keys2SQ2, s2Scratch, false, true, 1.0, 0.0);
            Flat f1 = Flat.of(s1Scratch);
            Flat f2 = Flat.of(s2Scratch);
            int base = t0 * heads;
            parallel(rows, s * 2, (from, to) -> {
                ProductKeyRow pk = new ProductKeyRow(s, k);
                for (int row = from; row < to; row++) {
                    pk.select(f1, f2, row, out, scores, (base + row) * k);
                }
            });
        }
    }

    /** Copies rows of q = [q1 | q2] into the two half matrices the sub-score GEMMs read. */
    private static void splitHalves(Flat q, int firstRow, int rows, int half, Flat q1, Flat q2) {
        if (q instanceof Flat.F32 qf && q1 instanceof Flat.F32 f1 && q2 instanceof Flat.F32 f2) {
            parallel(rows, 2 * half, (from, to) -> {
                float[] row = new float[2 * half];
                float[] h = new float[half];
                for (int r = from; r < to; r++) {
                    qf.rowF((firstRow + r) * 2 * half, row);
                    System.arraycopy(row, 0, h, 0, half);
                    f1.putRowF(r * half, h);
                    System.arraycopy(row, half, h, 0, half);
                    f2.putRowF(r * half, h);
                }
            });
            return;
        }
        parallel(rows, 2 * half, (from, to) -> {
            for (int r = from; r < to; r++) {
                int src = (firstRow + r) * 2 * half;
                for (int d = 0; d < half; d++) {
                    q1.set(r * half + d, q.get(src + d));
                    q2.set(r * half + d, q.get(src + half + d));
                }
            }
        });
    }

    private void ensureScratch(DataType dtype, int rows, int half, int s) {
        if (q1Scratch == null || q1Scratch.dataType() != dtype || q1Scratch.size(0) != rows
                || q1Scratch.size(1) != half || s1Scratch.size(1) != s) {
            q1Scratch = Nd4j.create(dtype, rows, half);
            q2Scratch = Nd4j.create(dtype, rows, half);
            s1Scratch = Nd4j.create(dtype, rows, s);
            s2Scratch = Nd4j.create(dtype, rows, s);
        }
    }

    @Override
    public void retrieveBackward(INDArray dScoresTHK, INDArray qTHQ, INDArray keys1SQ2, INDArray keys2SQ2,
            int heads, Retrieval r, INDArray dqTHQ, INDArray dKeys1, INDArray dKeys2) {
        int tokens = (int) qTHQ.size(0);
        int q = (int) qTHQ.size(1) / heads;
        int half = q / 2;
        int k = r.size() / (tokens * heads);
        int s = (int) keys1SQ2.size(0);
        Flat ds = Flat.of(dScoresTHK);
        Flat qf = Flat.of(qTHQ);
        Flat k1 = Flat.of(keys1SQ2);
        Flat k2 = Flat.of(keys2SQ2);
        Flat dq = Flat.of(dqTHQ);
        // fixed partitions with private sub-key gradients, summed in partition order: deterministic
        int parts = Math.max(1, Math.min(4 * Runtime.getRuntime().availableProcessors(), tokens / 16));
        Flat dk1 = Flat.of(dKeys1);
        Flat dk2 = Flat.of(dKeys2);
        if (allFloat(ds, qf, k1, k2, dq, dk1, dk2)) {
            float[][] f1 = new float[parts][s * half];
            float[][] f2 = new float[parts][s * half];
            FloatMix.retrieveBackward((Flat.F32) ds, (Flat.F32) qf, (Flat.F32) k1, (Flat.F32) k2, (Flat.F32) dq,
                    r.rowTHK(), r.colTHK(), tokens, heads, k, q, s, f1, f2);
            addPartitions(f1, dk1);
            addPartitions(f2, dk2);
            return;
        }
        double[][] g1 = new double[parts][s * half];
        double[][] g2 = new double[parts][s * half];
        IntStream.range(0, parts).parallel().forEach(p -> {
            int from = (int) ((long) tokens * p / parts);
            int to = (int) ((long) tokens * (p + 1) / parts);
            for (int t = from; t < to; t++) {
                for (int h = 0; h < heads; h++) {
                    int qOff = (t * heads + h) * q;
                    for (int slot = 0; slot < k; slot++) {
                        int ri = (t * heads + h) * k + slot;
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
            }
        });
        addPartitions(g1, Flat.of(dKeys1));
        addPartitions(g2, Flat.of(dKeys2));
    }

    private static void addPartitions(float[][] parts, Flat into) {
        int n = parts[0].length;
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (float[] p : parts) {
                sum += p[i];
            }
            into.add(i, sum);
        }
    }

    private static void addPartitions(double[][] parts, Flat into) {
        int n = parts[0].length;
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (double[] p : parts) {
                sum += p[i];
            }
            into.add(i, sum);
        }
    }

    @Override
    public void softmaxGroups(INDArray scores, int k, INDArray gates) {
        Flat sf = Flat.of(scores);
        Flat gf = Flat.of(gates);
        int groups = (int) (scores.length() / k);
        parallel(groups, k * 4, (from, to) -> {
            for (int g = from; g < to; g++) {
                int o = g * k;
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

    @Override
    public void softmaxGroupsBackward(INDArray gates, INDArray dGates, int k, INDArray dScores) {
        Flat gf = Flat.of(gates);
        Flat dg = Flat.of(dGates);
        Flat ds = Flat.of(dScores);
        int groups = (int) (gates.length() / k);
        parallel(groups, k * 4, (from, to) -> {
            for (int g = from; g < to; g++) {
                int o = g * k;
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

    @Override
    public void mixForward(INDArray xTD, int[] expertTM, INDArray gatesTM, INDArray uND, INDArray vND,
            ExpertActivation act, INDArray preActTM, INDArray yTD) {
        int tokens = (int) xTD.size(0);
        int d = (int) xTD.size(1);
        int m = (int) gatesTM.size(1);
        Flat x = Flat.of(xTD);
        Flat g = Flat.of(gatesTM);
        Flat u = Flat.of(uND);
        Flat v = Flat.of(vND);
        Flat pre = Flat.of(preActTM);
        Flat y = Flat.of(yTD);
        if (allFloat(x, g, u, v, pre, y)) {
            int experts = (int) uND.size(0);
            if (expertTM.length >= EXPERT_MAJOR_PAIRS * experts) {
                mixForwardByExpert(x, expertTM, g, u, v, act, pre, y, tokens, d, m, experts);
            } else {
                FloatMix.mixForward((Flat.F32) x, expertTM, (Flat.F32) g, (Flat.F32) u, (Flat.F32) v, act,
                        (Flat.F32) pre, (Flat.F32) y, tokens, d, m);
            }
            return;
        }
        boolean exact = !(x instanceof Flat.F32);
        parallel(tokens, 2 * m * d, (from, to) -> {
            double[] xt = new double[d];
            double[] yt = new double[d];
            double[] rowBuf = new double[d];
            float[] scratch = new float[d];
            for (int t = from; t < to; t++) {
                x.row(t * d, xt, scratch);
                Arrays.fill(yt, 0);
                for (int slot = 0; slot < m; slot++) {
                    int e = expertTM[t * m + slot] * d;
                    u.row(e, rowBuf, scratch);
                    double a = dot(rowBuf, xt);
                    pre.set(t * m + slot, a);
                    double w = g.get(t * m + slot) * act.apply(a, exact);
                    v.row(e, rowBuf, scratch);
                    for (int j = 0; j < d; j++) {
                        yt[j] += w * rowBuf[j];
                    }
                }
                for (int j = 0; j < d; j++) {
                    y.set(t * d + j, yt[j]);
                }
            }
        });
    }

    @Override
    public int[] mixBackward(INDArray dyTD, INDArray xTD, int[] expertTM, INDArray gatesTM, INDArray uND,
            INDArray vND, ExpertActivation act, INDArray preActTM, INDArray dxTD, INDArray dGatesTM,
            INDArray duND, INDArray dvND) {
        int tokens = (int) xTD.size(0);
        int d = (int) xTD.size(1);
        int m = (int) gatesTM.size(1);
        Flat x = Flat.of(xTD);
        Flat dy = Flat.of(dyTD);
        Flat g = Flat.of(gatesTM);
        Flat u = Flat.of(uND);
        Flat v = Flat.of(vND);
        Flat pre = Flat.of(preActTM);
        Flat dx = Flat.of(dxTD);
        Flat dg = Flat.of(dGatesTM);
        Flat du = Flat.of(duND);
        Flat dv = Flat.of(dvND);
        if (allFloat(x, dy, g, u, v, pre, dx, dg, du, dv)) {
            return mixBackwardFloat(dy, x, expertTM, g, u, v, act, pre, dx, dg, du, dv, tokens, d, m, (int) uND.size(0));
        }
        boolean exact = !(x instanceof Flat.F32);
        double[] dPre = new double[tokens * m];
        double[] weight = new double[tokens * m];
        // pass 1, per token: dL/dgate, dL/d(u·x), dx — reading expert rows in place
        parallel(tokens, 2 * m * d, (from, to) -> {
            double[] dyt = new double[d];
            double[] dxt = new double[d];
            double[] rowBuf = new double[d];
            float[] scratch = new float[d];
            for (int t = from; t < to; t++) {
                dy.row(t * d, dyt, scratch);
                Arrays.fill(dxt, 0);
                for (int slot = 0; slot < m; slot++) {
                    int tm = t * m + slot;
                    int e = expertTM[tm] * d;
                    v.row(e, rowBuf, scratch);
                    double dyv = dot(rowBuf, dyt);
                    double a = pre.get(tm);
                    double f = act.apply(a, exact);
                    double gate = g.get(tm);
                    dg.set(tm, dyv * f);
                    weight[tm] = gate * f;
                    double da = dyv * gate * act.derivative(a, exact);
                    dPre[tm] = da;
                    u.row(e, rowBuf, scratch);
                    for (int j = 0; j < d; j++) {
                        dxt[j] += da * rowBuf[j];
                    }
                }
                for (int j = 0; j < d; j++) {
                    dx.set(t * d + j, dxt[j]);
                }
            }
        });
        // pass 2, per expert: bucket (token, slot) pairs by expert, then each touched row is summed
        // by one thread: du[e] += Σ dPre·x[t], dv[e] += Σ weight·dy[t]
        ExpertBuckets b = ExpertBuckets.of(expertTM, (int) uND.size(0));
        int[] start = b.start();
        int[] fill = b.count();
        int[] order = b.order();
        int[] touched = b.touched();
        parallel(touched.length, 2 * d * b.pairsPerExpert(), (from, to) -> {
            double[] gu = new double[d];
            double[] gv = new double[d];
            double[] rowBuf = new double[d];
            float[] scratch = new float[d];
            for (int i = from; i < to; i++) {
                int e = touched[i];
                Arrays.fill(gu, 0);
                Arrays.fill(gv, 0);
                for (int p = start[e]; p < start[e] + fill[e]; p++) {
                    int tm = order[p];
                    int xt = (tm / m) * d;
                    double a = dPre[tm];
                    double w = weight[tm];
                    x.row(xt, rowBuf, scratch);
                    for (int j = 0; j < d; j++) {
                        gu[j] += a * rowBuf[j];
                    }
                    dy.row(xt, rowBuf, scratch);
                    for (int j = 0; j < d; j++) {
                        gv[j] += w * rowBuf[j];
                    }
                }
                for (int j = 0; j < d; j++) {
                    du.add(e * d + j, gu[j]);
                    dv.add(e * d + j, gv[j]);
                }
            }
        });
        return touched;
    }

    private void mixForwardByExpert(Flat x, int[] expertTM, Flat g, Flat u, Flat v, ExpertActivation act, Flat pre,
            Flat y, int tokens, int d, int m, int experts) {
        float[] gate = new float[expertTM.length];
        float[] preAct = new float[expertTM.length];
        ((Flat.F32) g).rowF(0, gate);
        FloatMix.mixForwardByExpert(ExpertBuckets.of(expertTM, experts), (Flat.F32) x, gate, act, (Flat.F32) u,
                (Flat.F32) v, preAct, dxParts(tokens * d), (Flat.F32) y, tokens, d, m);
        ((Flat.F32) pre).putRowF(0, preAct);
    }

    private int[] mixBackwardFloat(Flat dy, Flat x, int[] expertTM, Flat g, Flat u, Flat v, ExpertActivation act,
            Flat pre, Flat dx, Flat dg, Flat du, Flat dv, int tokens, int d, int m, int experts) {
        int pairs = expertTM.length;
        float[] gate = new float[pairs];
        float[] preAct = new float[pairs];
        float[] dGate = new float[pairs];
        ((Flat.F32) g).rowF(0, gate);
        ((Flat.F32) pre).rowF(0, preAct);
        ExpertBuckets b = ExpertBuckets.of(expertTM, experts);
        FloatMix.mixBackward(b, (Flat.F32) x, (Flat.F32) dy, gate, preAct, act,
                (Flat.F32) u, (Flat.F32) v, dGate, (Flat.F32) du, (Flat.F32) dv, dxParts(tokens * d), (Flat.F32) dx,
                tokens, d, m);
        ((Flat.F32) dg).putRowF(0, dGate);
        return b.touched();
    }

    /** One private [T, D] accumulator (dx, or y in the forward) per core, kept between calls (4 MB each at T = 4096, D = 256). */
    private float[][] dxParts(int size) {
        int parts = Runtime.getRuntime().availableProcessors();
        if (dxParts.length != parts || dxParts[0].length != size) {
            dxParts = new float[parts][size];
        }
        return dxParts;
    }

    private static boolean allFloat(Flat... fs) {
        for (Flat f : fs) {
            if (!(f instanceof Flat.F32)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void bagForward(int[] expertTM, INDArray gatesTM, INDArray vND, INDArray yTD) {
        int tokens = (int) yTD.size(0);
        int d = (int) yTD.size(1);
        int m = (int) gatesTM.size(1);
        Flat g = Flat.of(gatesTM);
        Flat v = Flat.of(vND);
        Flat y = Flat.of(yTD);
        parallel(tokens, m * d, (from, to) -> {
            double[] yt = new double[d];
            for (int t = from; t < to; t++) {
                Arrays.fill(yt, 0);
                for (int slot = 0; slot < m; slot++) {
                    int e = expertTM[t * m + slot] * d;
                    double w = g.get(t * m + slot);
                    for (int j = 0; j < d; j++) {
                        yt[j] += w * v.get(e + j);
                    }
                }
                for (int j = 0; j < d; j++) {
                    y.set(t * d + j, yt[j]);
                }
            }
        });
    }

    @Override
    public int[] bagBackward(INDArray dyTD, int[] expertTM, INDArray gatesTM, INDArray vND, INDArray dGatesTM,
            INDArray dvND) {
        int tokens = (int) dyTD.size(0);
        int d = (int) dyTD.size(1);
        int m = (int) gatesTM.size(1);
        Flat dy = Flat.of(dyTD);
        Flat g = Flat.of(gatesTM);
        Flat v = Flat.of(vND);
        Flat dg = Flat.of(dGatesTM);
        parallel(tokens, m * d, (from, to) -> {
            double[] dyt = new double[d];
            for (int t = from; t < to; t++) {
                for (int j = 0; j < d; j++) {
                    dyt[j] = dy.get(t * d + j);
                }
                for (int slot = 0; slot < m; slot++) {
                    dg.set(t * m + slot, dot(v, expertTM[t * m + slot] * d, dyt, d));
                }
            }
        });
        ExpertBuckets b = ExpertBuckets.of(expertTM, (int) vND.size(0));
        int[] start = b.start();
        int[] fill = b.count();
        int[] order = b.order();
        int[] touched = b.touched();
        Flat dv = Flat.of(dvND);
        parallel(touched.length, d * b.pairsPerExpert(), (from, to) -> {
            double[] gv = new double[d];
            for (int i = from; i < to; i++) {
                int e = touched[i];
                Arrays.fill(gv, 0);
                for (int p = start[e]; p < start[e] + fill[e]; p++) {
                    int tm = order[p];
                    int yt = (tm / m) * d;
                    double w = g.get(tm);
                    for (int j = 0; j < d; j++) {
                        gv[j] += w * dy.get(yt + j);
                    }
                }
                for (int j = 0; j < d; j++) {
                    dv.add(e * d + j, gv[j]);
                }
            }
        });
        return touched;
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

    private static double dot(Flat table, int offset, double[] row, int d) {
        double s0 = 0;
        double s1 = 0;
        int j = 0;
        for (; j + 1 < d; j += 2) {
            s0 += table.get(offset + j) * row[j];
            s1 += table.get(offset + j + 1) * row[j + 1];
        }
        if (j < d) {
            s0 += table.get(offset + j) * row[j];
        }
        return s0 + s1;
    }

    @FunctionalInterface
    interface Range {
        void run(int from, int to);
    }

    /** Runs body over [0, n) in chunks of about {@link #TASK_WORK} multiply-adds each. */
    static void parallel(int n, int workPerItem, Range body) {
        int per = Math.max(1, TASK_WORK / Math.max(1, workPerItem));
        int chunks = (n + per - 1) / per;
        if (chunks <= 1) {
            body.run(0, n);
            return;
        }
        IntStream.range(0, chunks).parallel().forEach(c -> body.run(c * per, Math.min(n, (c + 1) * per)));
    }
}
