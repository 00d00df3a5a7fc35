package org.peerkit.golden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.peerkit.ffw.PeerConfig;
import org.peerkit.ffw.ProductKeys;
import org.peerkit.tensor.Backend;
import org.peerkit.tensor.BackendKind;
import org.peerkit.tensor.Activation;

/**
 * Writes the golden files the GPU suite (lib/cuda GoldenSuite) checks: PEER cases covering
 * both activations, k below/at a power of two, d_model 32…1024, query BatchNorm and the yardstick's h 8, k 16, d_key 128,
 * plus the dense step kernels (ops), LayerNorm, dense FFW and PKM's bag (step), one whole decoder-LM
 * training step dense and with PEER (lm_dense, lm_peer) and the device LM benchmark's sizes and FLOPs
 * (lm_bench.properties), and the whole PKM layer (pkm_heads, pkm_shared_bn). Run by
 * environment/gpu.sh:
 * {@code java … org.peerkit.golden.GoldenWriter <dir>}.
 */
public final class GoldenWriter {
    /** The PEER cases: sizes small enough to keep the bundle small, shapes that reach every kernel path. */
    static final List<PeerGoldenCase> PEER_CASES = List.of(
            new PeerGoldenCase("peer_small", new PeerConfig(64, new ProductKeys(16 * 16, 4, 8, 32, false),
                    Activation.GELU), 48, 11),
            new PeerGoldenCase("peer_relu", new PeerConfig(32, new ProductKeys(32 * 32, 2, 16, 16, false),
                    Activation.RELU), 40, 12),
            new PeerGoldenCase("peer_k3", new PeerConfig(48, new ProductKeys(8 * 8, 3, 3, 8, false),
                    Activation.GELU), 24, 13),
            new PeerGoldenCase("peer_wide", new PeerConfig(1024, new ProductKeys(8 * 8, 2, 16, 32, false),
                    Activation.GELU), 8, 14),
            new PeerGoldenCase("peer_bn", new PeerConfig(64, new ProductKeys(16 * 16, 4, 8, 32, true),
                    Activation.GELU), 40, 16),
            new PeerGoldenCase("peer_yardstick", new PeerConfig(256, new ProductKeys(16 * 16, 8, 16, 128, false),
                    Activation.GELU), 16, 15));

    private GoldenWriter() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: GoldenWriter <output dir>");
            System.exit(64);
        }
        List<Path> files = writeAll(Path.of(args[0]));
        System.out.println("golden files: " + files.size() + " in " + args[0]);
    }

    /** Writes every golden file into {@code dir} (created if needed) and returns their paths. */
    public static List<Path> writeAll(Path dir) throws IOException {
        Backend.start(BackendKind.CPU);
        Files.createDirectories(dir);
        for (PeerGoldenCase c : PEER_CASES) {
            c.write(dir);
        }
        OpsGoldenCase.write(dir, 26);
        StepGoldenCase.write(dir, 27);
        for (LmGoldenCase c : LmGoldenCase.cases()) {
            c.write(dir);
        }
        for (PkmGoldenCase c : PkmGoldenCase.cases()) {
            c.write(dir);
        }
        LmBenchSpec.write(dir);
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".safetensors")).sorted().toList();
        }
    }
}
