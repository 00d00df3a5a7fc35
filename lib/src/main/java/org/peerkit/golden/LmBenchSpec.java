package org.peerkit.golden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.peerkit.ffw.PeerLayer;
import org.peerkit.ffw.PkmLayer;
import org.peerkit.flops.FlopCount;
import org.peerkit.model.LmConfig;

/**
 * The LM training steps lib/cuda's LmBench times on the device, with their training FLOPs per token
 * from lib's flops package (FlopCount: 3 × forward matmul FLOPs, attention over the full T×T): the
 * device jar has no lib on its class path, so the counts travel as {@code lm_bench.properties}
 * beside the golden files. A PEER model replaces the middle block's dense FFW (paper §3.1) by a
 * PEER layer of {@link PeerLayer#forwardFlopsPerToken} forward FLOPs.
 *
 * PKM (per-head sub-keys and query BatchNorm, PkmConfig's defaults) likewise with
 * {@link PkmLayer#forwardFlopsPerToken}.
 *
 * @param kind DENSE, PEER or PKM (the middle block's FFW)
 * @param numExperts experts (PEER) or values (PKM); 0 for a dense model
 */
record LmBenchSpec(String name, LmConfig cfg, int batch, String kind, int numExperts, int heads, int k, int dKey) {
    static final String FILE = "lm_bench.properties";

    /**
     * D 512, 8 layers, V 4096, B·L = 8 × 256 (the sweeps' small end): dense; PEER with 256² experts, h 8,
     * k 16, d_key 128; PKM with 256² values, h 8, k 32, d_key 128.
     */
    static List<LmBenchSpec> specs() {
        LmConfig c = LmConfig.small(4096).withShape(512, 8, 8, 2048);
        return List.of(new LmBenchSpec("lm_dense_d512", c, 8, "DENSE", 0, 0, 0, 0),
                new LmBenchSpec("lm_peer_d512", c, 8, "PEER", 256 * 256, 8, 16, 128),
                new LmBenchSpec("lm_pkm_d512", c, 8, "PKM", 256 * 256, 8, 32, 128));
    }

    /** Training FLOPs per token (3 × forward) as lib's FlopCount counts them. */
    long trainingFlopsPerToken() {
        FlopCount dense = FlopCount.dense(cfg, cfg.contextLength());
        if (numExperts == 0) {
            return dense.trainingFlopsPerToken();
        }
        long denseFfw = 4L * cfg.dModel() * cfg.dFf();
        long side = Math.round(Math.sqrt(numExperts));
        long expert = kind.equals("PKM") ? PkmLayer.forwardFlopsPerToken(cfg.dModel(), side, heads, k, dKey)
                : PeerLayer.forwardFlopsPerToken(cfg.dModel(), side, heads, k, dKey);
        return dense.trainingFlopsPerToken() + 3 * (expert - denseFfw);
    }

    List<String> lines() {
        String p = name + ".";
        return List.of(p + "vocab=" + cfg.vocabSize(), p + "seq=" + cfg.contextLength(), p + "d_model=" + cfg.dModel(),
                p + "layers=" + cfg.nLayers(), p + "heads=" + cfg.nHeads(), p + "d_ff=" + cfg.dFf(),
                p + "batch=" + batch, p + "kind=" + kind, p + "num_experts=" + numExperts,
                p + "peer_heads=" + heads, p + "k=" + k,
                p + "d_key=" + dKey, p + "training_flops_per_token=" + trainingFlopsPerToken());
    }

    static Path write(Path dir) throws IOException {
        List<String> lines = new ArrayList<>(List.of("# written by org.peerkit.golden.GoldenWriter (LmBenchSpec)",
                "names=" + String.join(",", specs().stream().map(LmBenchSpec::name).toList())));
        specs().forEach(s -> lines.addAll(s.lines()));
        Path file = dir.resolve(FILE);
        Path tmp = dir.resolve(FILE + ".tmp");
        Files.write(tmp, lines);
        return Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
