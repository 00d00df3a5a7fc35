package org.peerkit.ffw;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.peerkit.nn.Rng;
import org.peerkit.tensor.TopK;

/**
 * Expert-choice router (Zhou et al. 2022), the PEER paper's MoE baseline (§3.1): p = softmax over
 * experts per token, then each expert takes the c = ⌈cf·T/E⌉ tokens with the highest p[·, e],
 * gate = p. Balanced by construction, so no auxiliary loss; a token may get several experts or
 * none (counted as dropped).
 *
 * <p><b>Causality caveat:</b> the choice looks across all T tokens of the batch, so in a causal LM
 * whether position i gets an expert depends on the tokens at other positions, later ones
 * included — information leaks backwards in time, and training and generation behave
 * differently. The paper uses it anyway; compare with that in mind.
 */
public final class ExpertChoiceRouter extends SoftmaxRouter {

    public ExpertChoiceRouter(String name, MoeConfig cfg, DataType dtype, Rng rng) {
        super(name, cfg, dtype, rng);
    }

    @Override
    protected Dispatch dispatch(int t) {
        int e = cfg.numExperts();
        int c = (int) Math.min(t, Math.ceil(cfg.capacityFactor() * t / e));
        int[][] tokens = new int[e][];
        double[][] gates = new double[e][c];
        boolean[] served = new boolean[t];
        double[] column = new double[t];
        for (int ex = 0; ex < e; ex++) {
            for (int r = 0; r < t; r++) {
                column[r] = pTxN[r][ex];
            }
            tokens[ex] = TopK.indices(column, c);
            Arrays.sort(tokens[ex]);
            for (int i = 0; i < c; i++) {
                gates[ex][i] = pTxN[tokens[ex][i]][ex];
                served[tokens[ex][i]] = true;
            }
        }
        int unserved = 0;
        for (boolean s : served) {
            unserved += s ? 0 : 1;
        }
        return new Dispatch(tokens, gates, c, unserved, t);
    }

    @Override
    protected void addLogitGrads(int r, double[] dGatesN, double[] dLogitsN) {
        RouterMath.addSoftmaxBackward(pTxN[r], dGatesN, dLogitsN);
    }

    @Override
    public double auxLoss() {
        return 0;
    }
}
