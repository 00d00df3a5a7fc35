package org.peerkit.golden;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.ffw.PeerConfig;
import org.peerkit.ffw.PeerLayer;
import org.peerkit.ffw.PkmConfig;
import org.peerkit.ffw.PkmLayer;
import org.peerkit.ffw.ProductKeys;
import org.peerkit.model.DecoderLm;
import org.peerkit.model.FfwFactory;
import org.peerkit.model.LmConfig;
import org.peerkit.model.Positions;
import org.peerkit.model.Precision;
import org.peerkit.nn.NormKind;
import org.peerkit.nn.Param;
import org.peerkit.nn.Rng;
import org.peerkit.tensor.Activation;
import org.peerkit.train.AdamW;
import org.peerkit.train.AdamWConfig;
import org.peerkit.train.GradClip;

/**
 * One whole-LM training step as the golden file of lib/cuda's device LM (LmDevice): lib's
 * {@link DecoderLm} in float64 (dense FFW everywhere, or PEER or PKM in the middle block as the
 * paper's §3.1 placement) runs forward and backward on a batch of windows, then the Trainer's update:
 * global-norm clipping and AdamW with sparse expert updates (train.Trainer#trainStep). Stored: the
 * windows, every parameter before (rounded to float32, so the device starts from exactly these
 * values), the loss, every raw gradient, the AdamW moments before (drawn, see {@link #moments}) and
 * parameters and moments after. Tensor names: {@code p.NAME}, {@code g.NAME}, {@code m.NAME},
 * {@code v.NAME}, {@code p1.NAME}, {@code m1.NAME}, {@code v1.NAME} with NAME lib's parameter name.
 *
 * @param peer PEER in the middle block, or null
 * @param pkm PKM in the middle block, or null (both null: a dense model)
 */
record LmGoldenCase(String name, LmConfig cfg, PeerConfig peer, PkmConfig pkm, int batch, int seq, long seed) {
    static final double LR = 3e-3;
    static final double CLIP = 1.0;
    static final AdamWConfig ADAM = AdamWConfig.defaults();
    /** The checked update is the optimiser's second (bias corrections of t = 2). */
    static final long STEP = 2;

    /**
     * The cases GoldenWriter writes: D 32, 2 layers, V 64, T = 2 × 8, dense; PEER with 64 experts, h 2,
     * k 4; PKM with 64 values, per-head sub-keys, h 2, k 4 (query bias, no BN); and a dense model with
     * rotary positions, LayerNorm, biases and an untied head (lm_rotary).
     */
    static List<LmGoldenCase> cases() {
        LmConfig c = new LmConfig(64, 8, 32, 2, 2, 64, Positions.LEARNED, NormKind.RMS, Activation.GELU, true, false,
                1e-5, 0.02, 10000, Precision.DOUBLE);
        PeerConfig p = new PeerConfig(32, new ProductKeys(8 * 8, 2, 4, 16, false), Activation.GELU);
        PkmConfig k = new PkmConfig(32, new ProductKeys(8 * 8, 2, 4, 16, false), false);
        LmConfig rotary = c.withOptions(Positions.ROTARY, NormKind.LAYER, Activation.GELU, false, true);
        return List.of(new LmGoldenCase("lm_dense", c, null, null, 2, 8, 31),
                new LmGoldenCase("lm_peer", c, p, null, 2, 8, 32), new LmGoldenCase("lm_pkm", c, null, k, 2, 8, 33),
                new LmGoldenCase("lm_rotary", rotary, null, null, 2, 8, 34));
    }

    /** The model this case trains: lib's own constructor, so names, init order and layers are lib's. */
    DecoderLm model(Precision precision) {
        LmConfig c = cfg.withPrecision(precision);
        FfwFactory ffw = FfwFactory.dense();
        if (peer != null) {
            ffw = FfwFactory.middle((n, block, lc, rng) -> new PeerLayer(n, peer, lc.precision().dataType(), rng));
        } else if (pkm != null) {
            ffw = FfwFactory.middle((n, block, lc, rng) -> new PkmLayer(n, pkm, lc.precision().dataType(), rng));
        }
        return new DecoderLm(c, ffw, seed);
    }

    int[] windows() {
        Rng rng = new Rng(seed + 1000);
        int[] w = new int[batch * (seq + 1)];
        for (int i = 0; i < w.length; i++) {
            w[i] = rng.nextInt(cfg.vocabSize());
        }
        return w;
    }

    void write(Path dir) throws IOException {
        DecoderLm lm = model(Precision.DOUBLE);
        lm.params().forEach(p -> GoldenTensors.roundToFloat(p.value()));
        int[] windows = windows();
        GoldenTensors out = new GoldenTensors();
        metadata(lm, out);
        out.ref("windows", GoldenTensors.ints(windows));
        lm.params().forEach(p -> out.in("p." + p.name(), p.value()));
        lm.zeroGrads();
        double loss = lm.forwardLoss(windows, batch);
        lm.backward(1.0);
        out.ref("loss", Nd4j.createFromArray(new double[] {loss}));
        lm.params().forEach(p -> out.ref("g." + p.name(), p.grad()));
        AdamW opt = new AdamW(lm.params(), ADAM, true);
        moments(lm, opt, new Rng(seed + 2000));
        lm.params().forEach(p -> out.in("m." + p.name(), opt.firstMoments().get(p.name()))
                .in("v." + p.name(), opt.secondMoments().get(p.name())));
        double norm = GradClip.clip(lm.params(), CLIP, true);
        opt.step(LR);
        out.ref("grad_norm", Nd4j.createFromArray(new double[] {norm}));
        lm.params().forEach(p -> out.ref("p1." + p.name(), p.value()).ref("m1." + p.name(),
                opt.firstMoments().get(p.name())).ref("v1." + p.name(), opt.secondMoments().get(p.name())));
        out.write(dir.resolve(name + ".safetensors"));
    }

    /**
     * Moments as after one earlier step (t = 1), drawn at each gradient's RMS scale s: m ~ N(0, s²),
     * v = m² + s². From zero moments AdamW's first update is lr·g/(|g| + ε), nearly lr·sign(g), so an
     * element whose gradient is within float32 rounding of zero could move by ±lr on the device; with
     * v ≥ s² the update is a smooth function of g. Expert rows the batch does not touch keep
     * non-zero moments, so a device that updated them (dense instead of row-sparse) would be caught.
     */
    static void moments(DecoderLm lm, AdamW opt, Rng rng) {
        for (Param p : lm.params()) {
            double s = Math.max(1e-6, Math.sqrt(p.grad().mul(p.grad()).meanNumber().doubleValue()));
            INDArray m = GoldenTensors.input(rng, s, p.shape());
            INDArray v = m.mul(m).addi(s * s);
            GoldenTensors.roundToFloat(v);
            opt.firstMoments().get(p.name()).assign(m);
            opt.secondMoments().get(p.name()).assign(v);
        }
        opt.setStepCount(STEP - 1);
    }

    private void metadata(DecoderLm lm, GoldenTensors out) {
        out.meta("vocab", cfg.vocabSize()).meta("context", cfg.contextLength()).meta("d_model", cfg.dModel())
                .meta("layers", cfg.nLayers()).meta("heads", cfg.nHeads()).meta("d_ff", cfg.dFf())
                .meta("norm", cfg.norm().name()).meta("norm_eps", cfg.normEps()).meta("positions", cfg.positions().name())
                .meta("rope_base", cfg.ropeBase())
                .meta("tied", cfg.tieEmbeddings() ? 1 : 0).meta("bias", cfg.bias() ? 1 : 0)
                .meta("activation", cfg.activation().ordinal()).meta("batch", batch).meta("seq", seq)
                .meta("lr", LR).meta("clip", CLIP).meta("adam_beta1", ADAM.beta1()).meta("adam_beta2", ADAM.beta2())
                .meta("adam_eps", ADAM.eps()).meta("adam_weight_decay", ADAM.weightDecay()).meta("adam_step", STEP);
        out.meta("peer_block", peer == null && pkm == null ? -1 : cfg.middleBlock());
        if (peer != null) {
            out.meta("expert_kind", "PEER").meta("num_experts", peer.numExperts()).meta("peer_heads", peer.heads())
                    .meta("k", peer.k()).meta("d_key", peer.dKey()).meta("query_bn", peer.keys().queryBatchNorm() ? 1 : 0);
        } else if (pkm != null) {
            out.meta("expert_kind", "PKM").meta("num_experts", pkm.numExperts()).meta("peer_heads", pkm.heads())
                    .meta("k", pkm.k()).meta("d_key", pkm.dKey()).meta("query_bn", pkm.keys().queryBatchNorm() ? 1 : 0)
                    .meta("shared_keys", pkm.sharedKeys() ? 1 : 0);
        }
        AdamW probe = new AdamW(lm.params(), ADAM, true);
        List<String> names = new ArrayList<>();
        List<String> decay = new ArrayList<>();
        for (Param p : lm.params()) {
            names.add(p.name());
            decay.add(probe.decays(p) ? "1" : "0");
        }
        out.meta("params", String.join(",", names)).meta("decay", String.join(",", decay));
    }

    /** Parameter name to value of a model, in lib's order (for loading a file into a model). */
    static Map<String, INDArray> values(DecoderLm lm) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        lm.params().forEach(p -> m.put("p." + p.name(), p.value()));
        return m;
    }
}
