package org.peerkit.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Mean softmax cross-entropy over the vocabulary: loss = mean_i (log Σ_v exp z_iv − z_i,target).
 * Shapes: N tokens, V vocabulary; logits [N,V], targets [N].
 *
 * <p>Numerically stable: the row maximum is subtracted before exp, and the loss is taken from the
 * log-sum-exp rather than from log(softmax), so no probability underflows into log(0). The exp over
 * [N,V] is one ND4J op (faster than Java's {@code Math.exp}); the row passes around it are Java.
 */
public final class CrossEntropy {

    private final PassGuard guard = new PassGuard("cross-entropy");
    private int[] targets;
    private INDArray probsNV;
    private INDArray gradNV;
    private double[] rowLoss;

    /** Mean loss over the N rows; keeps the softmax for {@link #backward(double)}. */
    public double forward(INDArray logitsNV, int[] targets) {
        int n = (int) logitsNV.size(0);
        int v = (int) logitsNV.size(1);
        if (targets.length != n) {
            throw new IllegalArgumentException("cross-entropy: " + targets.length + " targets for " + n
                    + " rows of logits");
        }
        for (int i = 0; i < n; i++) {
            if (targets[i] < 0 || targets[i] >= v) {
                throw new IllegalArgumentException("cross-entropy: target " + targets[i] + " at row " + i
                        + " is outside the vocabulary [0, " + v + ")");
            }
        }
        DataType dt = logitsNV.dataType();
        probsNV = Buffers.ensure(probsNV, dt, n, v);
        if (rowLoss == null || rowLoss.length != n) {
            rowLoss = new double[n];
        }
        Vec z = Vec.read(logitsNV);
        Vec p = Vec.of(probsNV);
        double[] loss = rowLoss;
        // p = z − max_row ; loss_i starts as −(z_target − max)
        Parallel.rows(n, v, (from, to) -> {
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
        Transforms.exp(probsNV, false);
        Parallel.rows(n, v, (from, to) -> {
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
            }
        });
        double total = 0;
        for (double l : loss) {
            total += l;  // sequential: a fixed summation order
        }
        this.targets = targets.clone();
        guard.forwardDone();
        return total / n;
    }

    /** d(scale·loss)/d(logits) = scale·(softmax − onehot)/N, in a buffer this object owns. */
    public INDArray backward(double scale) {
        guard.beginBackward();
        int n = (int) probsNV.size(0);
        int v = (int) probsNV.size(1);
        gradNV = Buffers.ensure(gradNV, probsNV.dataType(), probsNV.shape());
        Vec p = Vec.of(probsNV);
        Vec g = Vec.of(gradNV);
        double s = scale / n;
        int[] t = targets;
        Parallel.rows(n, v, (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r * v;
                for (int j = 0; j < v; j++) {
                    g.set(o + j, s * p.get(o + j));
                }
                g.set(o + t[r], s * (p.get(o + t[r]) - 1.0));
            }
        });
        return gradNV;
    }
}
