package org.peerkit.tensor;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link Kernels} from ND4J ops only for the arithmetic, so it runs on any backend (CUDA
 * included): sub-key GEMMs, the {@code top_k} custom op called with its arguments in the order
 * libnd4j reads them (the Java wrapper swaps them, nd4j.md §3.4), {@code pullRows} gathers and
 * in-place {@code scatter_add} for the expert-table gradients (nd4j.md §3.5). Index bookkeeping
 * (row/column of a candidate, repeat lists) is Java over int arrays of size T·M.
 *
 * <p>Unlike {@link CpuKernels} this gathers expert rows into a [c·M, D] block; it works in token
 * chunks of {@link #CHUNK} so that block stays bounded (c·M·D, never T·M·D). It is the portable
 * reference, not the fast CPU path: on CPU ND4J's top_k is 50–200× slower than Java.
 */
public final class Nd4jKernels implements Kernels {

    /** Tokens per gathered block: 256·128 slots·256 width·4 B = 32 MB in float. */
    static final int CHUNK = 256;

    @Override
    public void retrieve(INDArray qTHQ, INDArray keys1SQ2, INDArray keys2SQ2, int heads, int k, Retrieval out) {
        int th = (int) qTHQ.size(0) * heads;
        int q = (int) qTHQ.size(1) / heads;
        int half = q / 2;
        int s = (int) keys1SQ2.size(0);
        int kh = Math.min(k, s);
        INDArray qr = qTHQ.reshape(th, q);
        INDArray s1 = qr.get(NDArrayIndex.all(), NDArrayIndex.interval(0, half)).mmul(keys1SQ2.transpose());
        INDArray s2 = qr.get(NDArrayIndex.all(), NDArrayIndex.interval(half, q)).mmul(keys2SQ2.transpose());
        INDArray[] t1 = topK(s1, kh);
        INDArray[] t2 = topK(s2, kh);
        INDArray cand = t1[0].reshape(th, kh, 1).add(t2[0].reshape(th, 1, kh)).reshape(th, (long) kh * kh);
        INDArray[] top = topK(cand, k);
        out.scoresTHK().assign(top[0].reshape(out.scoresTHK().shape()));
        long[] ci = top[1].data().asLong();
        long[] i1 = t1[1].data().asLong();
        long[] i2 = t2[1].data().asLong();
        for (int r = 0; r < th; r++) {
            for (int slot = 0; slot < k; slot++) {
                int c = (int) ci[r * k + slot];
                int row = (int) i1[r * kh + c / kh];
                int col = (int) i2[r * kh + c % kh];
                out.rowTHK()[r * k + slot] = row;
                out.colTHK()[r * k + slot] = col;
                out.expertTHK()[r * k + slot] = row * s + col;
            }
        }
    }

    /** Sorted top-k of each row: [values, LONG indices]. */
    private static INDArray[] topK(INDArray x, int k) {
        INDArray vals = Nd4j.create(x.dataType(), x.size(0), k);
        INDArray idx = Nd4j.create(DataType.LONG, x.size(0), k);
        Nd4j.exec(DynamicCustomOp.builder("top_k").addInputs(x).addIntegerArguments(k, 1)
                .addOutputs(vals, idx).build());
        return new INDArray[] {vals, idx};
    }

    /**
     * scores = q₁·c_row + q₂·c′_col, so with A[r, s] = Σ_slots dscore·[row = s] (a [T·H, S]
     * matrix built in Java): dq₁ += A·C and dC += Aᵀ·q₁ — two GEMMs per half, no scatter.
     */
    @Override
    public void retrieveBackward(INDArray dScoresTHK, INDArray qTHQ, INDArray keys1SQ2, INDArray keys2SQ2,
            int heads, Retrieval r, INDArray dqTHQ, INDArray dKeys1, INDArray dKeys2) {
        int th = (int) qTHQ.size(0) * heads;
        int q = (int) qTHQ.size(1) / heads;
        int half = q / 2;
        int k = r.size() / th;
        int s = (int) keys1SQ2.size(0);
        double[] ds = dScoresTHK.dup('c').data().asDouble();
        INDArray qr = qTHQ.reshape(th, q);
        INDArray dqr = dqTHQ.reshape(th, q);
        for (int h = 0; h < 2; h++) {
            int[] which = h == 0 ? r.rowTHK() : r.colTHK();
            double[] a = new double[th * s];
            for (int i = 0; i < which.length; i++) {
                a[(i / k) * s + which[i]] += ds[i];
            }
            INDArray aTS = Nd4j.createFromArray(a).reshape(th, s).castTo(qTHQ.dataType());
            INDArray keys = h == 0 ? keys1SQ2 : keys2SQ2;
            INDArray qHalf = qr.get(NDArrayIndex.all(), NDArrayIndex.interval(h * half, h * half + half));
            dqr.get(NDArrayIndex.all(), NDArrayIndex.interval(h * half, h * half + half)).addi(aTS.mmul(keys));
            (h == 0 ? dKeys1 : dKeys2).addi(aTS.transpose().mmul(qHalf));
        }
    }

    @Override
    public void softmaxGroups(INDArray scores, int k, INDArray gates) {
        INDArray s = scores.reshape(scores.length() / k, k);
        gates.reshape(s.shape()).assign(Transforms.softmax(s, true));
    }

    @Override
    public void softmaxGroupsBackward(INDArray gates, INDArray dGates, int k, INDArray dScores) {
        INDArray g = gates.reshape(gates.length() / k, k);
        INDArray dg = dGates.reshape(g.shape());
        INDArray dot = g.mul(dg).sum(true, 1);
        dScores.reshape(g.shape()).assign(dg.subColumnVector(dot).muli(g));
    }

    @Override
    public void mixForward(INDArray xTD, int[] expertTM, INDArray gatesTM, INDArray uND, INDArray vND,
            ExpertActivation act, INDArray preActTM, INDArray yTD) {
        int tokens = (int) xTD.size(0);
        int d = (int) xTD.size(1);
        int m = (int) gatesTM.size(1);
        for (int t0 = 0; t0 < tokens; t0 += CHUNK) {
            int c = Math.min(CHUNK, tokens - t0);
            int[] idx = Arrays.copyOfRange(expertTM, t0 * m, (t0 + c) * m);
            INDArray xRep = Nd4j.pullRows(xTD, 1, repeat(t0, c, m));
            INDArray pre = Nd4j.pullRows(uND, 1, idx).muli(xRep).sum(true, 1);
            preActTM.get(NDArrayIndex.interval(t0, t0 + c), NDArrayIndex.all()).assign(pre.reshape(c, m));
            INDArray w = activation(act, pre).muli(rows(gatesTM, t0, c).reshape((long) c * m, 1));
            INDArray y = Nd4j.pullRows(vND, 1, idx).muliColumnVector(w).reshape(c, m, d).sum(1);
            yTD.get(NDArrayIndex.interval(t0, t0 + c), NDArrayIndex.all()).assign(y);
        }
    }

    @Override
    public int[] mixBackward(INDArray dyTD, INDArray xTD, int[] expertTM, INDArray gatesTM, INDArray uND,
            INDArray vND, ExpertActivation act, INDArray preActTM, INDArray dxTD, INDArray dGatesTM,
            INDArray duND, INDArray dvND) {
        int tokens = (int) xTD.size(0);
        int d = (int) xTD.size(1);
        int m = (int) gatesTM.size(1);
        for (int t0 = 0; t0 < tokens; t0 += CHUNK) {
            int c = Math.min(CHUNK, tokens - t0);
            int[] idx = Arrays.copyOfRange(expertTM, t0 * m, (t0 + c) * m);
            int[] rep = repeat(t0, c, m);
            INDArray dyRep = Nd4j.pullRows(dyTD, 1, rep);
            INDArray xRep = Nd4j.pullRows(xTD, 1, rep);
            INDArray dyv = Nd4j.pullRows(vND, 1, idx).muli(dyRep).sum(true, 1);
            INDArray pre = rows(preActTM, t0, c).reshape((long) c * m, 1);
            INDArray g = rows(gatesTM, t0, c).reshape((long) c * m, 1);
            INDArray f = activation(act, pre);
            rows(dGatesTM, t0, c).assign(dyv.mul(f).reshape(c, m));
            INDArray da = dyv.mul(g).muli(derivative(act, pre));
            INDArray dx = Nd4j.pullRows(uND, 1, idx).muliColumnVector(da).reshape(c, m, d).sum(1);
            rows(dxTD, t0, c).assign(dx);
            scatterAdd(duND, idx, xRep.muliColumnVector(da));
            scatterAdd(dvND, idx, dyRep.muliColumnVector(f.muli(g)));
        }
        return Arrays.stream(expertTM).distinct().sorted().toArray();
    }

    @Override
    public void bagForward(int[] expertTM, INDArray gatesTM, INDArray vND, INDArray yTD) {
        int tokens = (int) yTD.size(0);
        int d = (int) yTD.size(1);
        int m = (int) gatesTM.size(1);
        for (int t0 = 0; t0 < tokens; t0 += CHUNK) {
            int c = Math.min(CHUNK, tokens - t0);
            int[] idx = Arrays.copyOfRange(expertTM, t0 * m, (t0 + c) * m);
            INDArray g = rows(gatesTM, t0, c).reshape((long) c * m, 1);
            rows(yTD, t0, c).assign(Nd4j.pullRows(vND, 1, idx).muliColumnVector(g).reshape(c, m, d).sum(1));
        }
    }

    @Override
    public int[] bagBackward(INDArray dyTD, int[] expertTM, INDArray gatesTM, INDArray vND, INDArray dGatesTM,
            INDArray dvND) {
        int tokens = (int) dyTD.size(0);
        int m = (int) gatesTM.size(1);
        for (int t0 = 0; t0 < tokens; t0 += CHUNK) {
            int c = Math.min(CHUNK, tokens - t0);
            int[] idx = Arrays.copyOfRange(expertTM, t0 * m, (t0 + c) * m);
            INDArray dyRep = Nd4j.pullRows(dyTD, 1, repeat(t0, c, m));
            rows(dGatesTM, t0, c).assign(Nd4j.pullRows(vND, 1, idx).mul(dyRep).sum(1).reshape(c, m));
            scatterAdd(dvND, idx, dyRep.muliColumnVector(rows(gatesTM, t0, c).reshape((long) c * m, 1)));
        }
        return Arrays.stream(expertTM).distinct().sorted().toArray();
    }

    private static INDArray rows(INDArray a, int from, int n) {
        return a.get(NDArrayIndex.interval(from, from + n), NDArrayIndex.all());
    }

    /** GELU(a) = a·Φ(a) with ND4J's erf, or ReLU. */
    private static INDArray activation(ExpertActivation act, INDArray a) {
        if (act == ExpertActivation.RELU) {
            return Transforms.relu(a, true);
        }
        return cdf(a).muli(a);
    }

    /** GELU′(a) = Φ(a) + a·φ(a), or the ReLU step. */
    private static INDArray derivative(ExpertActivation act, INDArray a) {
        if (act == ExpertActivation.RELU) {
            return a.gt(0).castTo(a.dataType());
        }
        INDArray pdf = Transforms.exp(a.mul(a).muli(-0.5), false).muli(1 / Math.sqrt(2 * Math.PI)).muli(a);
        return cdf(a).addi(pdf);
    }

    private static INDArray cdf(INDArray a) {
        INDArray z = a.mul(1 / Math.sqrt(2));
        Nd4j.exec(new Erf(z, z));
        return z.addi(1).muli(0.5);
    }

    /**
     * In-place scatter_add (never without the output argument: that copies the table, nd4j.md).
     * The CPU op races on duplicate indices within one call (measured: gradients off by ~0.3 %
     * with thousands of duplicates), so updates are split into rounds in which every index is
     * unique: the r-th occurrence of each row goes to round r.
     */
    private static void scatterAdd(INDArray table, int[] idx, INDArray updates) {
        java.util.Map<Integer, Integer> seen = new java.util.HashMap<>();
        int[] round = new int[idx.length];
        int rounds = 0;
        for (int i = 0; i < idx.length; i++) {
            round[i] = seen.merge(idx[i], 1, Integer::sum) - 1;
            rounds = Math.max(rounds, round[i] + 1);
        }
        int[] start = new int[rounds + 1];
        for (int rd : round) {
            start[rd + 1]++;
        }
        for (int r = 0; r < rounds; r++) {
            start[r + 1] += start[r];
        }
        int[] order = new int[idx.length];
        int[] fill = start.clone();
        for (int i = 0; i < idx.length; i++) {
            order[fill[round[i]]++] = i;
        }
        for (int r = 0; r < rounds; r++) {
            int[] pick = Arrays.copyOfRange(order, start[r], start[r + 1]);
            int[] rowsOf = new int[pick.length];
            for (int i = 0; i < pick.length; i++) {
                rowsOf[i] = idx[pick[i]];
            }
            INDArray upd = rounds == 1 ? updates : Nd4j.pullRows(updates, 1, pick);
            Nd4j.exec(DynamicCustomOp.builder("scatter_add").addInputs(table, Nd4j.createFromArray(rowsOf), upd)
                    .addOutputs(table).build());
        }
    }

    /** t0…t0+c−1, each repeated m times. */
    private static int[] repeat(int t0, int c, int m) {
        int[] out = new int[c * m];
        for (int i = 0; i < out.length; i++) {
            out[i] = t0 + i / m;
        }
        return out;
    }
}
