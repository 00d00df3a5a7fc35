package org.peerkit.model;

import org.peerkit.tensor.Activation;
import org.peerkit.nn.NormKind;

/**
 * Shape and options of a decoder-only LM. The paper reports none of these (§3.1 gives only batch
 * and sequence length; lib/README.md, The paper's facts), so defaults follow GPT-2/nanoGPT: pre-norm, N(0, 0.02) init with residual projections
 * scaled by 1/√(2·layers), tied embeddings.
 *
 * @param vocabSize tokens in the vocabulary (V)
 * @param contextLength longest sequence the model accepts (learned position table size)
 * @param dModel residual width (D)
 * @param nLayers number of blocks
 * @param nHeads attention heads; must divide dModel
 * @param dFf hidden width of the dense FFW (F), usually 4·D
 * @param positions learned or rotary positions
 * @param norm RMSNorm or LayerNorm
 * @param activation FFW non-linearity
 * @param tieEmbeddings output head reuses the token embedding table (Press & Wolf 2017)
 * @param bias biases in the linear layers
 * @param normEps epsilon inside the norms
 * @param initStd std of the weight init
 * @param ropeBase rotary frequency base θ
 * @param precision FLOAT to train, DOUBLE for gradient checks
 */
public record LmConfig(int vocabSize, int contextLength, int dModel, int nLayers, int nHeads, int dFf,
        Positions positions, NormKind norm, Activation activation, boolean tieEmbeddings, boolean bias,
        double normEps, double initStd, double ropeBase, Precision precision) {

    public LmConfig {
        positive("vocabSize", vocabSize);
        positive("contextLength", contextLength);
        positive("dModel", dModel);
        positive("nLayers", nLayers);
        positive("nHeads", nHeads);
        positive("dFf", dFf);
        if (dModel % nHeads != 0) {
            throw new IllegalArgumentException("dModel=" + dModel + " is not divisible by nHeads=" + nHeads
                    + "; choose nHeads so that each head gets dModel/nHeads dimensions");
        }
        if (positions == null || norm == null || activation == null || precision == null) {
            throw new IllegalArgumentException("positions, norm, activation and precision must be set, got "
                    + positions + ", " + norm + ", " + activation + ", " + precision);
        }
        if (positions == Positions.ROTARY && (dModel / nHeads) % 2 != 0) {
            throw new IllegalArgumentException("head dimension dModel/nHeads=" + dModel / nHeads
                    + " must be even for rotary positions (they rotate pairs of dimensions)");
        }
        if (!(normEps > 0) || !(initStd > 0) || !(ropeBase > 1)) {
            throw new IllegalArgumentException("normEps=" + normEps + ", initStd=" + initStd + ", ropeBase="
                    + ropeBase + ": need normEps > 0, initStd > 0, ropeBase > 1");
        }
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + "=" + value + " must be positive");
        }
    }

    /** The {@link #tiny(int)} preset with a 256-token (byte-level) vocabulary. */
    public static LmConfig defaults() {
        return tiny(256);
    }

    /** For tests and smoke runs: D=64, 2 layers, 4 heads, context 64 (~0.1 M non-embedding params). */
    public static LmConfig tiny(int vocabSize) {
        return new LmConfig(vocabSize, 64, 64, 2, 4, 256, Positions.LEARNED, NormKind.RMS, Activation.GELU,
                true, false, 1e-5, 0.02, 10000, Precision.FLOAT);
    }

    /** For CPU runs of a few minutes: D=256, 4 layers, 4 heads, context 256 (~3.1 M non-embedding). */
    public static LmConfig small(int vocabSize) {
        return new LmConfig(vocabSize, 256, 256, 4, 4, 1024, Positions.LEARNED, NormKind.RMS, Activation.GELU,
                true, false, 1e-5, 0.02, 10000, Precision.FLOAT);
    }

    public LmConfig withVocabSize(int v) {
        return new LmConfig(v, contextLength, dModel, nLayers, nHeads, dFf, positions, norm, activation,
                tieEmbeddings, bias, normEps, initStd, ropeBase, precision);
    }

    public LmConfig withPrecision(Precision p) {
        return new LmConfig(vocabSize, contextLength, dModel, nLayers, nHeads, dFf, positions, norm, activation,
                tieEmbeddings, bias, normEps, initStd, ropeBase, p);
    }

    public LmConfig withShape(int dModel, int nLayers, int nHeads, int dFf) {
        return new LmConfig(vocabSize, contextLength, dModel, nLayers, nHeads, dFf, positions, norm, activation,
                tieEmbeddings, bias, normEps, initStd, ropeBase, precision);
    }

    public LmConfig withContextLength(int t) {
        return new LmConfig(vocabSize, t, dModel, nLayers, nHeads, dFf, positions, norm, activation,
                tieEmbeddings, bias, normEps, initStd, ropeBase, precision);
    }

    public LmConfig withOptions(Positions positions, NormKind norm, Activation activation, boolean tieEmbeddings,
            boolean bias) {
        return new LmConfig(vocabSize, contextLength, dModel, nLayers, nHeads, dFf, positions, norm, activation,
                tieEmbeddings, bias, normEps, initStd, ropeBase, precision);
    }

    /** Init std of projections that write into the residual stream (GPT-2: std/√(2·layers)). */
    public double residualStd() {
        return initStd / Math.sqrt(2.0 * nLayers);
    }

    /** The block whose FFW the paper replaces by PEER: the middle one (§3.1). */
    public int middleBlock() {
        return nLayers / 2;
    }
}
