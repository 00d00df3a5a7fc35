package org.peerkit.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.same.Max;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Mean softmax cross-entropy over the vocabulary: loss = mean_i (log Σ_v exp z_iv − z_i,target).
 * Shapes: N tokens, V vocabulary; logits [N,V], targets [N].
 *
 * <p>Numerically stable: the row maximum is subtracted before exp, and the loss is taken from the
 * log-sum-exp rather than from log(softmax), so no probability underflows into log(0).
 */
public final class CrossEntropy {

    private final PassGuard guard = new PassGuard("cross-entropy");
    private int[] targets;
    private INDArray probsNV;
    private INDArray maxN;
    private INDArray sumN;
    private INDArray gradNV;

    /** Mean loss over the N rows; keeps the softmax for {@link #backward(double)}. */
    public double forward(INDArray logitsNV, int[] targets) {
        long n = logitsNV.size(0);
        int v = (int) logitsNV.size(1);
        if (targets.length != n) {
            throw new IllegalArgumentException("cross-entropy: " + targets.length + " targets for " + n
                    + " rows of logits");
        }
        DataType dt = logitsNV.dataType();
        probsNV = Buffers.ensure(probsNV, dt, n, v);
        maxN = Buffers.ensure(maxN, dt, n);
        sumN = Buffers.ensure(sumN, dt, n);
        Nd4j.getExecutioner().exec(new Max(logitsNV, maxN, 1));
        probsNV.assign(logitsNV).subiColumnVector(maxN.reshape(n, 1));
        double picked = 0;
        for (int i = 0; i < n; i++) {
            int t = targets[i];
            if (t < 0 || t >= v) {
                throw new IllegalArgumentException("cross-entropy: target " + t + " at row " + i
                        + " is outside the vocabulary [0, " + v + ")");
            }
            picked += probsNV.getDouble(i, t);
        }
        Transforms.exp(probsNV, false);
        probsNV.sum(sumN, 1);
        double logSum = 0;
        for (double s : sumN.toDoubleVector()) {
            logSum += Math.log(s);
        }
        probsNV.diviColumnVector(sumN.reshape(n, 1));
        this.targets = targets.clone();
        guard.forwardDone();
        return (logSum - picked) / n;
    }

    /** d(scale·loss)/d(logits) = scale·(softmax − onehot)/N, in a buffer this object owns. */
    public INDArray backward(double scale) {
        guard.beginBackward();
        long n = probsNV.size(0);
        gradNV = Buffers.ensure(gradNV, probsNV.dataType(), probsNV.shape());
        gradNV.assign(probsNV);
        for (int i = 0; i < n; i++) {
            gradNV.putScalar(i, targets[i], gradNV.getDouble(i, targets[i]) - 1.0);
        }
        gradNV.muli(scale / n);
        return gradNV;
    }
}
