package org.peerkit.tensor;

/**
 * The float fast path of softmax cross-entropy, one row of logits at a time while the row is in
 * cache: max, exp(z − max) with its sum, the row's loss, then softmax − onehot in place. One pass
 * over a row of V floats in L1 replaces the three passes over the whole [T, V] logits (and one ND4J
 * exp op) of {@code nn.CrossEntropy}'s exact path, which the double-precision gradient checks keep
 * using; the exp is the Vector API's (SVML on x86) where {@link Simd#vector()} is on.
 */
public final class CrossEntropyRow {

    private CrossEntropyRow() {
    }

    /**
     * Replaces the logits {@code zRow[0, v)} by softmax(z) − onehot(target) and returns the row's
     * loss, log Σ exp z − z_target (computed from the max-shifted sum, so nothing underflows to log 0).
     */
    public static double lossAndGradient(float[] zRow, int v, int target) {
        float max = Simd.max(zRow, 0, v);
        float zTarget = zRow[target];
        float sum = Simd.expShiftSum(zRow, v, max);
        float inv = 1f / sum;
        for (int j = 0; j < v; j++) {
            zRow[j] *= inv;
        }
        zRow[target] -= 1f;
        return Math.log(sum) + max - zTarget;
    }
}
