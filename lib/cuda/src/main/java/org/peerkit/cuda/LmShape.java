package org.peerkit.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A decoder LM (lib's model.DecoderLm from an LmConfig) as the GPU trains it: sizes, options and the
 * batch shape, with PEER (paper §2) in block {@code peerBlock} or dense FFWs everywhere. Pure Java:
 * {@link #params()} names every parameter as lib does, in lib's order, which the CPU tests hold
 * against DecoderLm itself, so golden files and checkpoints map onto the device arrays by name.
 *
 * @param norm "RMS" or "LAYER" (lib's NormKind)
 * @param learnedPositions a learned position table (LmConfig.positions LEARNED), else rotary positions
 * @param peerBlock the block whose FFW is the expert layer (PEER or PKM), or -1 for none
 * @param peer that layer's sizes (null without one; for PKM numExperts is the number of values)
 * @param pkm the expert layer is PKM (lib's PkmLayer) instead of PEER
 * @param sharedKeys PKM's sub-keys are shared by all heads (PEER's always are)
 * @param ropeBase rotary base θ (LmConfig.ropeBase; used without learned positions)
 */
public record LmShape(int vocab, int context, int dModel, int layers, int heads, int dFf, String norm, float normEps,
        boolean tied, boolean bias, boolean learnedPositions, int batch, int seq, int peerBlock, PeerShape peer,
        boolean queryBatchNorm, boolean pkm, boolean sharedKeys, float ropeBase) {

    /** A dense model, or PEER in block {@code peerBlock}. */
    public LmShape(int vocab, int context, int dModel, int layers, int heads, int dFf, String norm, float normEps,
            boolean tied, boolean bias, boolean learnedPositions, int batch, int seq, int peerBlock, PeerShape peer,
            boolean queryBatchNorm) {
        this(vocab, context, dModel, layers, heads, dFf, norm, normEps, tied, bias, learnedPositions, batch, seq,
                peerBlock, peer, queryBatchNorm, false, true, 10000f);
    }

    /** As the canonical constructor with lib's default rotary base (LmConfig's 10000). */
    public LmShape(int vocab, int context, int dModel, int layers, int heads, int dFf, String norm, float normEps,
            boolean tied, boolean bias, boolean learnedPositions, int batch, int seq, int peerBlock, PeerShape peer,
            boolean queryBatchNorm, boolean pkm, boolean sharedKeys) {
        this(vocab, context, dModel, layers, heads, dFf, norm, normEps, tied, bias, learnedPositions, batch, seq,
                peerBlock, peer, queryBatchNorm, pkm, sharedKeys, 10000f);
    }

    public LmShape {
        require(dModel % heads == 0, "dModel=" + dModel + " is not divisible by heads=" + heads);
        require(norm.equals("RMS") || norm.equals("LAYER"), "norm=" + norm + " must be RMS or LAYER");
        require(seq >= 1 && seq <= context, "seq=" + seq + " must be in 1..context=" + context);
        require(batch >= 1, "batch=" + batch + " must be ≥ 1");
        require(peerBlock < layers, "peerBlock=" + peerBlock + " must be below layers=" + layers);
        require((peerBlock < 0) == (peer == null), "peerBlock=" + peerBlock + " needs a PEER shape exactly when ≥ 0");
        require(peer == null || peer.dModel() == dModel, "the PEER layer's d_model must be the model's " + dModel);
        require(!pkm || peer != null, "a PKM block needs its sizes (peer)");
        require(pkm || sharedKeys, "PEER's sub-keys are shared by all heads: sharedKeys must be true");
        require(learnedPositions || ((dModel / heads) % 2 == 0 && ropeBase > 1), "rotary positions need an even"
                + " head width (dModel/heads=" + dModel / heads + ") and ropeBase > 1 (got " + ropeBase + ")");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** T = B·L tokens per step. */
    public int tokens() {
        return batch * seq;
    }

    public boolean layerNorm() {
        return norm.equals("LAYER");
    }

    /** The shape a golden file's metadata describes (lib's LmGoldenCase). */
    static LmShape fromGolden(SafeTensorsFile f) {
        require(f.meta("activation") == 0, "activation " + f.metaText("activation") + " in " + f.file()
                + ": the device's dense FFW is GELU (lib's Activation 0) only");
        int peerBlock = f.meta("peer_block");
        PeerShape peer = peerBlock < 0 ? null : new PeerShape(f.meta("d_model"), f.meta("num_experts"),
                f.meta("peer_heads"), f.meta("k"), f.meta("d_key"), f.meta("activation"));
        boolean pkm = peerBlock >= 0 && f.metaText("expert_kind").equals("PKM");
        return new LmShape(f.meta("vocab"), f.meta("context"), f.meta("d_model"), f.meta("layers"), f.meta("heads"),
                f.meta("d_ff"), f.metaText("norm"), Float.parseFloat(f.metaText("norm_eps")), f.meta("tied") == 1,
                f.meta("bias") == 1, f.metaText("positions").equals("LEARNED"), f.meta("batch"), f.meta("seq"),
                peerBlock, peer, peerBlock >= 0 && f.meta("query_bn") == 1, pkm, !pkm || f.meta("shared_keys") == 1,
                Float.parseFloat(f.metaText("rope_base")));
    }

    /**
     * A benchmark model from lm_bench.properties (lib's LmBenchSpec): RMSNorm, tied, no bias, GELU;
     * PKM with per-head sub-keys and query BatchNorm (lib's PkmConfig defaults).
     */
    static LmShape fromProperties(Properties p, String name) {
        int experts = integer(p, name, "num_experts");
        int d = integer(p, name, "d_model");
        int layers = integer(p, name, "layers");
        PeerShape peer = experts == 0 ? null : new PeerShape(d, experts, integer(p, name, "peer_heads"),
                integer(p, name, "k"), integer(p, name, "d_key"), 0);
        int seq = integer(p, name, "seq");
        boolean pkm = "PKM".equals(p.getProperty(name + ".kind"));
        return new LmShape(integer(p, name, "vocab"), seq, d, layers, integer(p, name, "heads"), integer(p, name, "d_ff"),
                "RMS", 1e-5f, true, false, true, integer(p, name, "batch"), seq, experts == 0 ? -1 : layers / 2, peer,
                pkm, pkm, !pkm);
    }

    private static int integer(Properties p, String name, String key) {
        String v = p.getProperty(name + "." + key);
        if (v == null) {
            throw new IllegalArgumentException("lm_bench.properties has no " + name + "." + key
                    + ": rewrite it with org.peerkit.golden.GoldenWriter");
        }
        return Integer.parseInt(v.trim());
    }

    /** Every parameter, named and ordered as lib's DecoderLm.params(). */
    public List<LmParam> params() {
        List<LmParam> ps = new ArrayList<>();
        ps.add(LmParam.of("embed.weight", LmParam.Kind.EMBEDDING, vocab, dModel));
        if (learnedPositions) {
            ps.add(LmParam.of("pos.weight", LmParam.Kind.EMBEDDING, context, dModel));
        }
        for (int i = 0; i < layers; i++) {
            blockParams("blocks." + i, i == peerBlock, ps);
        }
        normParams("norm", ps);
        if (!tied) {
            ps.add(LmParam.of("head.weight", LmParam.Kind.WEIGHT, dModel, vocab));
        }
        return ps;
    }

    /** Dense FFW: up, down; PEER: query, BN, sub-keys, u, v; PKM: query (+ bias without BN), BN, sub-keys, values. */
    private void blockParams(String p, boolean isPeer, List<LmParam> ps) {
        normParams(p + ".norm1", ps);
        linear(p + ".attn.qkv", dModel, 3L * dModel, bias, ps);
        linear(p + ".attn.proj", dModel, dModel, bias, ps);
        normParams(p + ".norm2", ps);
        if (!isPeer) {
            linear(p + ".ffw.up", dModel, dFf, bias, ps);
            linear(p + ".ffw.down", dFf, dModel, bias, ps);
            return;
        }
        linear(p + ".ffw.query", dModel, peer.queryWidth(), pkm && !queryBatchNorm, ps);
        if (queryBatchNorm) {
            ps.add(LmParam.of(p + ".ffw.query_bn.weight", LmParam.Kind.NORM, peer.queryWidth()));
            ps.add(LmParam.of(p + ".ffw.query_bn.bias", LmParam.Kind.NORM, peer.queryWidth()));
        }
        long keyRows = (long) (sharedKeys ? 1 : peer.heads()) * peer.subKeys();
        ps.add(LmParam.of(p + ".ffw.sub_keys1", LmParam.Kind.WEIGHT, keyRows, peer.dKey() / 2));
        ps.add(LmParam.of(p + ".ffw.sub_keys2", LmParam.Kind.WEIGHT, keyRows, peer.dKey() / 2));
        if (pkm) {
            ps.add(LmParam.rows(p + ".ffw.values", peer.numExperts(), dModel));
            return;
        }
        ps.add(LmParam.rows(p + ".ffw.u", peer.numExperts(), dModel));
        ps.add(LmParam.rows(p + ".ffw.v", peer.numExperts(), dModel));
    }

    private void normParams(String p, List<LmParam> ps) {
        ps.add(LmParam.of(p + ".weight", LmParam.Kind.NORM, dModel));
        if (layerNorm()) {
            ps.add(LmParam.of(p + ".bias", LmParam.Kind.BIAS, dModel));
        }
    }

    private static void linear(String p, long in, long out, boolean withBias, List<LmParam> ps) {
        ps.add(LmParam.of(p + ".weight", LmParam.Kind.WEIGHT, in, out));
        if (withBias) {
            ps.add(LmParam.of(p + ".bias", LmParam.Kind.BIAS, out));
        }
    }
}
