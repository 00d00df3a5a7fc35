package org.peerkit.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.peerkit.tensor.CrossEntropyRow;
import org.peerkit.tensor.Parallel;
import org.peerkit.tensor.Vec;

/**
 * Mean softmax cross-entropy over the vocabulary: loss = mean_i (log Σ_v exp z_iv − z_i,target).
 * Shapes: T tokens, V vocabulary; logits [T, V], targets [T].
 *
 * <p>Numerically stable: the row maximum is subtracted before exp, and the loss is taken from the
 * log-sum-exp rather than from log(softmax), so no probability underflows into log(0). The exp over
 * [T, V] is one ND4J op (faster than Java's {@code Math.exp}); the row passes around it are Java, and
 * the forward leaves softmax − onehot in place so the backward is a single scaling. In float32 each
 * row is done in one fused pass instead ({@link CrossEntropyRow}, the fast path); double precision
 * keeps the passes above (the exact reference the gradient checks use).
 */
public final class CrossEntropy {

    private final PassGuard guard = new PassGuard("cross-entropy");
    private INDArray gradTxV;
    private double[] rowLoss;

    /** Mean loss over the T rows; keeps the softmax for {@link #backward(double)}. */
    public double forward(INDArray logitsTxV, int[] targets) {
        int t = (int) logitsTxV.size(0);
        int v = (int) logitsTxV.size(1);
        checkTargets(targets, t, v);
        gradTxV = Buffers.ensure(gradTxV, logitsTxV.dataType(), t, v);
        if (rowLoss == null || rowLoss.length != t) {
            rowLoss = new double[t];
        }
        Vec p = Vec.of(gradTxV);
        Vec z = Vec.read(logitsTxV);
        if (z instanceof Vec.F32 zf && p instanceof Vec.F32 pf) {
            floatRows(zf, pf, targets, t, v);
        } else {
            shiftByRowMax(z, p, targets, t, v);
            Transforms.exp(gradTxV, false);
            normaliseRows(p, targets, t, v);
        }
        double total = 0;
        for (double l : rowLoss) {
            total += l;  // sequential: a fixed summation order
        }
        guard.forwardDone();
        return total / t;
    }

    private static void checkTargets(int[] targets, int t, int v) {
        if (targets.length != t) {
            throw new IllegalArgumentException("cross-entropy: " + targets.length + " targets for " + t
                    + " rows of logits");
        }
        for (int i = 0; i < t; i++) {
            if (targets[i] < 0 || targets[i] >= v) {
                throw new IllegalArgumentException("cross-entropy: target " + targets[i] + " at row " + i
                        + " is outside the vocabulary [0, " + v + ")");
            }
        }
    }

    /** The float fast path: each row fused while it is in cache ({@link CrossEntropyRow}). */
    private void floatRows(Vec.F32 z, Vec.F32 p, int[] targets, int t, int v) {
        double[] loss = rowLoss;
        Parallel.rows(t, v, (from, to) -> {
            float[] row = new float[v];
            for (int r = from; r < to; r++) {
                z.rowF(r * v, row);
                loss[r] = CrossEntropyRow.lossAndGradient(row, v, targets[r]);
                p.putRowF(r * v, row);
            }
        });
    }

    /** p = z − max_row; the row loss starts as −(z_target − max). */
    private void shiftByRowMax(Vec z, Vec p, int[] targets, int t, int v) {
        double[] loss = rowLoss;
        Parallel.rows(t, v, (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r * v;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < v; j++) {
                    max = Math.max(max, z.get(o + j));
                }
                for (int j = 0; j < v; j++) {
                    p.set(o + j, z.get(o + j) - max);
                }
                loss[r] = -p.get(o + targets[r]);
            }
        });
    }

    /** With p = exp(z − max): the row loss gets + log Σ p, and p becomes softmax − onehot (for backward). */
    private void normaliseRows(Vec p, int[] targets, int t, int v) {
        double[] loss = rowLoss;
        Parallel.rows(t, v, (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r * v;
                double sum = 0;
                for (int j = 0; j < v; j++) {
                    sum += p.get(o + j);
                }
                loss[r] += Math.log(sum);
                double inv = 1.0 / sum;
                for (int j = 0; j < v; j++) {
                    p.set(o + j, p.get(o + j) * inv);
                }
                p.set(o + targets[r], p.get(o + targets[r]) - 1.0);
            }
        });
    }

    /**
     * d(scale·loss)/d(logits) = scale·(softmax − onehot)/N. The forward already left softmax − onehot
     * in its buffer, so this is one in-place scaling; the returned array is that buffer.
     */
    public INDArray backward(double scale) {
        guard.beginBackward();
        return gradTxV.muli(scale / gradTxV.size(0));
    }
}
