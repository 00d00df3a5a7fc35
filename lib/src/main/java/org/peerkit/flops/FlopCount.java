package org.peerkit.flops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.peerkit.ffw.FeedForward;
import org.peerkit.model.DecoderLm;
import org.peerkit.model.LmConfig;
import org.peerkit.model.Positions;
import org.peerkit.nn.NormKind;
import org.peerkit.nn.Param;

/**
 * Analytic parameter and FLOP accounting for isoFLOP comparisons (paper §3.1: steps = budget ÷
 * FLOPs per training step).
 *
 * <p>Convention (Kaplan et al. 2020 / Chinchilla App. F, restricted to matrix products):
 * <ul>
 *   <li>forward FLOPs per token = 2 × (active matmul parameters: attention projections, FFW, and
 *       the output head) + attention 4·T·D per layer (QKᵀ and P·V over the full T×T, causal mask
 *       not discounted, as in Chinchilla);</li>
 *   <li>training FLOPs per token = 3 × forward (the backward runs two GEMMs per forward GEMM: one
 *       for the input gradient, one for the weight gradient);</li>
 *   <li>a second, non-embedding count ({@link #nonEmbeddingTrainingFlopsPerToken}) also leaves
 *       out the output head, as the fine-grained MoE scaling literature does;</li>
 *   <li>not counted: the embedding lookup (a gather, no multiply; Chinchilla counts it as a
 *       one-hot matmul), norms, activations, softmax and the optimiser (element-wise, O(params)
 *       rather than O(params·tokens)).</li>
 * </ul>
 * Expert layers report their own active parameters and FLOPs through {@link FeedForward}.
 * {@code Gemm}'s counter measures the same quantity from the GEMMs the model really runs; a test
 * holds them equal.
 *
 * @param layers per-part counts, in model order
 * @param seqLen T, the training sequence length the attention term assumes
 */
public record FlopCount(List<LayerCount> layers, int seqLen) {

    public FlopCount {
        layers = List.copyOf(layers);
    }

    /** Counts of a built model (any FFW kinds) at sequence length {@code seqLen}. */
    public static FlopCount of(DecoderLm model, int seqLen) {
        LmConfig cfg = model.config();
        Map<String, long[]> groups = new LinkedHashMap<>();
        for (Param p : model.params()) {
            groups.computeIfAbsent(partOf(p.name()), k -> new long[1])[0] += p.size();
        }
        List<FeedForward> ffws = model.feedForwards();
        List<LayerCount> out = new ArrayList<>();
        for (Map.Entry<String, long[]> g : groups.entrySet()) {
            String name = g.getKey();
            long params = g.getValue()[0];
            long active = params;
            long flops = 0;
            if (name.endsWith(".ffw")) {
                FeedForward f = ffws.get(blockOf(name));
                active = f.activeParams();
                flops = f.forwardFlopsPerToken();
            } else if (name.endsWith(".attn")) {
                flops = 2L * 4 * cfg.dModel() * cfg.dModel() + 4L * seqLen * cfg.dModel();
            } else if (name.equals("embed")) {
                active = cfg.dModel();  // one row per token
                if (cfg.tieEmbeddings()) {
                    flops = headFlops(cfg);
                }
            } else if (name.equals("pos")) {
                active = cfg.dModel();
            } else if (name.equals("head")) {
                flops = headFlops(cfg);
            }
            out.add(new LayerCount(name, params, active, flops));
        }
        return new FlopCount(out, seqLen);
    }

    /** Counts of the dense model {@code cfg} describes, without building it. */
    public static FlopCount dense(LmConfig cfg, int seqLen) {
        long d = cfg.dModel();
        long f = cfg.dFf();
        long b = cfg.bias() ? 1 : 0;
        boolean layerNorm = cfg.norm() == NormKind.LAYER;
        long norm = layerNorm ? 2 * d : d;
        List<LayerCount> out = new ArrayList<>();
        out.add(new LayerCount("embed", cfg.vocabSize() * d, d, cfg.tieEmbeddings() ? headFlops(cfg) : 0));
        if (cfg.positions() == Positions.LEARNED) {
            out.add(new LayerCount("pos", cfg.contextLength() * d, d, 0));
        }
        for (int i = 0; i < cfg.nLayers(); i++) {
            String p = "blocks." + i;
            long attn = 4 * d * d + b * 4 * d;
            long ffw = 2 * d * f + b * (f + d);
            out.add(new LayerCount(p + ".norm1", norm, norm, 0));
            out.add(new LayerCount(p + ".attn", attn, attn, 8 * d * d + 4L * seqLen * d));
            out.add(new LayerCount(p + ".norm2", norm, norm, 0));
            out.add(new LayerCount(p + ".ffw", ffw, ffw, 4 * d * f));
        }
        out.add(new LayerCount("norm", norm, norm, 0));
        if (!cfg.tieEmbeddings()) {
            out.add(new LayerCount("head", d * cfg.vocabSize(), d * cfg.vocabSize(), headFlops(cfg)));
        }
        return new FlopCount(out, seqLen);
    }

    private static long headFlops(LmConfig cfg) {
        return 2L * cfg.dModel() * cfg.vocabSize();
    }

    public long totalParams() {
        return layers.stream().mapToLong(LayerCount::params).sum();
    }

    /** Parameters a token uses (embedding rows count once, all dense weights fully). */
    public long activeParams() {
        return layers.stream().mapToLong(LayerCount::activeParams).sum();
    }

    /** Parameters outside the embedding and position tables (Kaplan's N). */
    public long nonEmbeddingParams() {
        // the untied head stays in: Kaplan's N excludes only the embedding and position tables
        return layers.stream().filter(l -> !l.name().equals("embed") && !l.name().equals("pos"))
                .mapToLong(LayerCount::params).sum();
    }

    public long forwardFlopsPerToken() {
        return layers.stream().mapToLong(LayerCount::forwardFlopsPerToken).sum();
    }

    /**
     * Forward FLOPs per token of the embedding lookup and the unembedding (the output head, counted
     * under "embed" when tied): the part the non-embedding count leaves out.
     */
    public long embeddingFlopsPerToken() {
        return layers.stream().filter(l -> isEmbedding(l.name())).mapToLong(LayerCount::forwardFlopsPerToken).sum();
    }

    /**
     * Forward FLOPs per token without the embedding and unembedding: the count of the fine-grained
     * MoE scaling literature (Kaplan et al. 2020's non-embedding N, used by Krajewski et al. 2024 for
     * their isoFLOP budgets), which keeps a vocabulary-sized head from dominating the budget of a
     * small model. The attention term stays as in {@link #forwardFlopsPerToken}.
     */
    public long nonEmbeddingForwardFlopsPerToken() {
        return forwardFlopsPerToken() - embeddingFlopsPerToken();
    }

    /** 3 × {@link #nonEmbeddingForwardFlopsPerToken}. */
    public long nonEmbeddingTrainingFlopsPerToken() {
        return 3 * nonEmbeddingForwardFlopsPerToken();
    }

    private static boolean isEmbedding(String part) {
        return part.equals("embed") || part.equals("pos") || part.equals("head");
    }

    /** 3 × forward: see the class comment. */
    public long trainingFlopsPerToken() {
        return 3 * forwardFlopsPerToken();
    }

    public double trainingFlops(long tokens) {
        return (double) trainingFlopsPerToken() * tokens;
    }

    /** Tokens that a FLOP budget buys at this size (isoFLOP: budget ÷ FLOPs per token). */
    public long tokensFor(double flopBudget) {
        return (long) (flopBudget / trainingFlopsPerToken());
    }


    /**
     * Optimiser steps a FLOP budget buys at {@code tokensPerStep} tokens per step (paper §3.1: "total
     * budget ÷ FLOPs per training step"), rounded down.
     */
    public long stepsFor(double flopBudget, long tokensPerStep) {
        if (tokensPerStep <= 0) {
            throw new IllegalArgumentException("tokensPerStep=" + tokensPerStep + " must be positive");
        }
        return (long) (flopBudget / ((double) trainingFlopsPerToken() * tokensPerStep));
    }

    /** "blocks.3.attn.qkv.weight" → "blocks.3.attn"; "embed.weight" → "embed". */
    static String partOf(String paramName) {
        String[] s = paramName.split("\\.");
        if (s[0].equals("blocks") && s.length >= 3) {
            return s[0] + "." + s[1] + "." + s[2];
        }
        return s[0];
    }

    private static int blockOf(String part) {
        return Integer.parseInt(part.split("\\.")[1]);
    }

    /** A fixed-width table of the per-part counts, for notebooks and logs. */
    public String table() {
        StringBuilder sb = new StringBuilder(String.format("%-16s %12s %12s %14s%n", "part", "params", "active",
                "fwd FLOP/tok"));
        for (LayerCount l : layers) {
            sb.append(String.format("%-16s %,12d %,12d %,14d%n", l.name(), l.params(), l.activeParams(),
                    l.forwardFlopsPerToken()));
        }
        sb.append(String.format("%-16s %,12d %,12d %,14d%n", "total", totalParams(), activeParams(),
                forwardFlopsPerToken()));
        return sb.toString();
    }
}
