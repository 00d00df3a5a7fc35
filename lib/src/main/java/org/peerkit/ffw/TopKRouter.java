package org.peerkit.ffw;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.peerkit.nn.Rng;
import org.peerkit.tensor.TopK;

/**
 * Token-choice router (Shazeer 2017, Switch, GShard): logits = x·W_r, p = softmax over the E
 * experts, each token keeps its top-k; gates are p for k = 1 (Switch) and p renormalised over the
 * k kept experts for k > 1 (the PyTorch reference's convention, lib/README.md). Each expert takes at most
 * ⌈cf·T·k/E⌉ assignments, filled by priority (every token's first choice, in token order, then
 * second choices …); the rest are dropped and counted (those tokens get fewer experts; with a
 * residual around the block they pass through unchanged).
 *
 * <p>Auxiliary loss: Switch load balancing α·E·Σₑ fₑ·Pₑ (fₑ fraction of tokens whose first choice
 * is e, Pₑ mean router probability; fₑ is treated as a constant) plus the ST-MoE router z-loss
 * β·mean_t (log Σₑ exp logits)². Letters: T tokens, D width, N experts.
 */
public final class TopKRouter extends SoftmaxRouter {

    private int[][] chosenTxK;
    private double[] firstChoiceFraction;
    /** Scratch: one token's load-balancing gradient with respect to p. */
    private double[] auxGradN;
    private double aux;

    public TopKRouter(String name, MoeConfig cfg, DataType dtype, Rng rng) {
        super(name, cfg, dtype, rng);
    }

    @Override
    protected Dispatch dispatch(int t) {
        int e = cfg.numExperts();
        int k = cfg.topK();
        chosenTxK = new int[t][];
        firstChoiceFraction = new double[e];
        auxGradN = new double[e];
        for (int r = 0; r < t; r++) {
            chosenTxK[r] = TopK.indices(pTxN[r], k);
            firstChoiceFraction[chosenTxK[r][0]] += 1.0 / t;
        }
        int capacity = (int) Math.min((long) t * k, (long) Math.ceil(cfg.capacityFactor() * t * k / e));
        int[][] tokens = new int[e][capacity];
        double[][] gates = new double[e][capacity];
        int[] fill = new int[e];
        int dropped = 0;
        for (int choice = 0; choice < k; choice++) {
            for (int r = 0; r < t; r++) {
                int ex = chosenTxK[r][choice];
                if (fill[ex] == capacity) {
                    dropped++;
                    continue;
                }
                tokens[ex][fill[ex]] = r;
                gates[ex][fill[ex]++] = gateOf(r, choice);
            }
        }
        for (int ex = 0; ex < e; ex++) {
            tokens[ex] = Arrays.copyOf(tokens[ex], fill[ex]);
            gates[ex] = Arrays.copyOf(gates[ex], fill[ex]);
        }
        aux = auxLoss(t);
        return new Dispatch(tokens, gates, capacity, dropped, t * k);
    }

    private double gateOf(int r, int choice) {
        double p = pTxN[r][chosenTxK[r][choice]];
        if (cfg.topK() == 1) {
            return p;
        }
        double sum = 0;
        for (int ex : chosenTxK[r]) {
            sum += pTxN[r][ex];
        }
        return p / sum;
    }

    private double auxLoss(int t) {
        int e = cfg.numExperts();
        double lb = 0;
        for (int ex = 0; ex < e; ex++) {
            double mean = 0;
            for (int r = 0; r < t; r++) {
                mean += pTxN[r][ex] / t;
            }
            lb += firstChoiceFraction[ex] * mean;
        }
        double z = 0;
        for (int r = 0; r < t; r++) {
            z += lse[r] * lse[r] / t;
        }
        return cfg.loadBalanceWeight() * e * lb + cfg.zLossWeight() * z;
    }

    @Override
    public double auxLoss() {
        return aux;
    }

    @Override
    protected void addLogitGrads(int r, double[] dGatesN, double[] dLogitsN) {
        int t = pTxN.length;
        int e = cfg.numExperts();
        if (cfg.topK() == 1) {
            RouterMath.addSoftmaxBackward(pTxN[r], dGatesN, dLogitsN);
        } else {
            addRenormalisedBackward(r, dGatesN, dLogitsN);
        }
        // load balancing: ∂/∂p[t,e] = α·E·fₑ/T; z-loss: ∂/∂logit = β·2·lse·p/T
        for (int ex = 0; ex < e; ex++) {
            auxGradN[ex] = cfg.loadBalanceWeight() * e * firstChoiceFraction[ex] / t;
            dLogitsN[ex] += cfg.zLossWeight() * 2 * lse[r] * pTxN[r][ex] / t;
        }
        RouterMath.addSoftmaxBackward(pTxN[r], auxGradN, dLogitsN);
    }

    /** Gates over the kept set S are softmax(logits_S): dlogit_j = g_j (dg_j − Σ_S g·dg), j ∈ S. */
    private void addRenormalisedBackward(int r, double[] dG, double[] dLogits) {
        double sum = 0;
        for (int ex : chosenTxK[r]) {
            sum += pTxN[r][ex];
        }
        double dot = 0;
        for (int ex : chosenTxK[r]) {
            dot += pTxN[r][ex] / sum * dG[ex];
        }
        for (int ex : chosenTxK[r]) {
            dLogits[ex] += pTxN[r][ex] / sum * (dG[ex] - dot);
        }
    }
}
