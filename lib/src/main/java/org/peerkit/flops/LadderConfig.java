package org.peerkit.flops;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.peerkit.model.LmConfig;
import org.peerkit.model.Positions;
import org.peerkit.model.Precision;
import org.peerkit.nn.NormKind;
import org.peerkit.tensor.Activation;

/**
 * The family of models an isoFLOP ladder walks: one backbone per d_model with
 * {@code nLayers = max(1, dModel / dModelPerLayer)}, {@code nHeads = dModel / headDim}, FFW width
 * {@code ffwMult·dModel}, and, per FFW kind, the expert settings put into the middle block.
 *
 * <p>The paper gives no shapes; {@link #paper6e18()} is inferred from Fig. 1 (lib/README.md, The paper's facts): the
 * dense points' parameter counts are reproduced by L = d/128, vocabulary 32 000, tied embeddings,
 * no position table, and the PEER/PKM points by replacing the middle FFW with N = 1024² experts
 * (memories) and a query of 8 heads × dKey = 128.
 *
 * @param vocabSize tokenizer vocabulary (V)
 * @param seqLen T, the training sequence length (enters the attention FLOPs)
 * @param batchSize sequences per step (one step = batchSize·seqLen tokens)
 * @param dModels the ladder's widths, smallest first
 * @param ffw the expert settings per kind
 */
public record LadderConfig(int vocabSize, int seqLen, int batchSize, List<Integer> dModels, int dModelPerLayer,
        int headDim, int ffwMult, Map<FfwKind, FfwSpec> ffw) {

    public LadderConfig {
        if (vocabSize <= 0 || seqLen <= 0 || batchSize <= 0 || dModelPerLayer <= 0 || headDim <= 0 || ffwMult <= 0) {
            throw new IllegalArgumentException("vocabSize=" + vocabSize + ", seqLen=" + seqLen + ", batchSize="
                    + batchSize + ", dModelPerLayer=" + dModelPerLayer + ", headDim=" + headDim + ", ffwMult=" + ffwMult
                    + ": all must be positive");
        }
        if (dModels == null || dModels.isEmpty()) {
            throw new IllegalArgumentException("dModels is empty: give the ladder's widths");
        }
        for (int d : dModels) {
            // below dModelPerLayer a rung has one layer (see backbone): LadderBracket extends ladders
            // downwards past it when the optimum sits at the narrowest rung
            if (d < headDim || d % headDim != 0) {
                throw new IllegalArgumentException("dModels contains " + d + ": each width must be a positive multiple"
                        + " of headDim=" + headDim);
            }
        }
        dModels = List.copyOf(dModels);
        ffw = Map.copyOf(ffw);
        for (FfwKind k : FfwKind.values()) {
            if (!ffw.containsKey(k) || ffw.get(k).kind() != k) {
                throw new IllegalArgumentException("ffw has no settings for kind " + k.id());
            }
        }
    }

    /** CPU scale: V=4096 (the kit's BPE), T=128, B=16, d = 32…512, L = d/32, head dim 16, N = 128². */
    public static LadderConfig kit() {
        return new LadderConfig(4096, 128, 16, range(32, 512, 32), 32, 16, 4, settings(new FfwSpec.Moe(8, 1.0),
                new FfwSpec.Pkm(128 * 128, 4, 16, 32, true), new FfwSpec.Peer(128 * 128, 4, 8, 32, true)));
    }

    /** Fig. 1's 6e18 ladder: d = 512…1664 step 128 (inferred from Fig. 1). */
    public static LadderConfig paper6e18() {
        return paper(range(512, 1664, 128));
    }

    /** Fig. 1's 2e19 ladder: d = 896…1792 step 128, then 2048 and 2304 (inferred from the dense points). */
    public static LadderConfig paper2e19() {
        List<Integer> ds = new ArrayList<>(range(896, 1792, 128));
        ds.addAll(List.of(2048, 2304));
        return paper(ds);
    }

    /** The paper's setting (§3.1): B=128 × T=2048, MoE 128 experts, PKM 1024² h=8 k=32, PEER 1024² h=8 k=16. */
    public static LadderConfig paper(List<Integer> dModels) {
        return new LadderConfig(32000, 2048, 128, dModels, 128, 64, 4, settings(FfwSpec.Moe.defaults(),
                FfwSpec.Pkm.defaults(), FfwSpec.Peer.defaults()));
    }

    public static LadderConfig defaults() {
        return kit();
    }

    private static Map<FfwKind, FfwSpec> settings(FfwSpec moe, FfwSpec pkm, FfwSpec peer) {
        Map<FfwKind, FfwSpec> m = new EnumMap<>(FfwKind.class);
        m.put(FfwKind.DENSE, new FfwSpec.Dense());
        m.put(FfwKind.MOE, moe);
        m.put(FfwKind.PKM, pkm);
        m.put(FfwKind.PEER, peer);
        return m;
    }

    private static List<Integer> range(int from, int to, int step) {
        return IntStream.iterate(from, d -> d <= to, d -> d + step).boxed().toList();
    }

    /** The same ladder at other widths (smallest first), e.g. a ladder {@link LadderBracket} extended. */
    public LadderConfig withDModels(List<Integer> widths) {
        return new LadderConfig(vocabSize, seqLen, batchSize, widths, dModelPerLayer, headDim, ffwMult, ffw);
    }

    /** The same ladder with other settings for one kind (e.g. a smaller N). */
    public LadderConfig with(FfwSpec spec) {
        Map<FfwKind, FfwSpec> m = new EnumMap<>(ffw);
        m.put(spec.kind(), spec);
        return new LadderConfig(vocabSize, seqLen, batchSize, dModels, dModelPerLayer, headDim, ffwMult, m);
    }

    /** The backbone of width {@code d}: rotary positions (no table), RMSNorm, GELU, tied embeddings, no biases. */
    public LmConfig backbone(int d) {
        return new LmConfig(vocabSize, seqLen, d, Math.max(1, d / dModelPerLayer), d / headDim, ffwMult * d,
                Positions.ROTARY, NormKind.RMS, Activation.GELU, true, false, 1e-5, 0.02, 10000,
                Precision.FLOAT);
    }

    public long tokensPerStep() {
        return (long) batchSize * seqLen;
    }
}
