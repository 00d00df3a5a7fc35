package org.peerkit.ffw;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.nn.Linear;
import org.peerkit.nn.Rng;

/** Row softmax and its backward over [T, N] router logits, in double (N is small). */
final class RouterMath {

    private RouterMath() {
    }

    /**
     * Gathers the gradients of the dispatched gates (per expert, per slot) back to [token, expert]:
     * the layout both routers' softmax backward needs. A token served twice by one expert adds up.
     */
    static double[][] perTokenGateGrads(Dispatch dispatch, double[][] dGates, int tokens, int experts) {
        double[][] dTxN = new double[tokens][experts];
        for (int ex = 0; ex < experts; ex++) {
            for (int i = 0; i < dispatch.tokens()[ex].length; i++) {
                dTxN[dispatch.tokens()[ex][i]][ex] += dGates[ex][i];
            }
        }
        return dTxN;
    }

    /** p[t] = softmax(logits[t]); lse[t] = log Σ exp(logits[t]). */
    static double[][] softmaxRows(INDArray logitsTxN, double[] lse) {
        int t = (int) logitsTxN.size(0);
        int e = (int) logitsTxN.size(1);
        double[] flat = logitsTxN.dup('c').data().asDouble();
        double[][] p = new double[t][e];
        for (int r = 0; r < t; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < e; j++) {
                max = Math.max(max, flat[r * e + j]);
            }
            double sum = 0;
            for (int j = 0; j < e; j++) {
                p[r][j] = Math.exp(flat[r * e + j] - max);
                sum += p[r][j];
            }
            for (int j = 0; j < e; j++) {
                p[r][j] /= sum;
            }
            lse[r] = max + Math.log(sum);
        }
        return p;
    }

    /** Adds p ⊙ (dp − Σ p·dp) of row t into dLogits[t]. */
    static void addSoftmaxBackward(double[] p, double[] dp, double[] dLogits) {
        double dot = 0;
        for (int j = 0; j < p.length; j++) {
            dot += p[j] * dp[j];
        }
        for (int j = 0; j < p.length; j++) {
            dLogits[j] += p[j] * (dp[j] - dot);
        }
    }

    static INDArray toArray(double[][] rows, INDArray like) {
        int t = rows.length;
        int e = rows[0].length;
        double[] flat = new double[t * e];
        for (int r = 0; r < t; r++) {
            System.arraycopy(rows[r], 0, flat, r * e, e);
        }
        return Nd4j.createFromArray(flat).reshape(t, e).castTo(like.dataType());
    }

    /** The router's logits layer D → N, no bias, init N(0, 1/D), named {@code name.router}. */
    static Linear gate(String name, MoeConfig cfg, DataType dtype, Rng rng) {
        return new Linear(name + ".router", cfg.dModel(), cfg.numExperts(), false, 1 / Math.sqrt(cfg.dModel()),
                dtype, rng);
    }
}
