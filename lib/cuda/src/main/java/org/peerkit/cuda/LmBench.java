package org.peerkit.cuda;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;

/**
 * Times a whole decoder-LM training step on the GPU ({@link LmDevice#step}: forward, cross-entropy,
 * backward, clipping, AdamW) for the models of {@code lm_bench.properties} (written beside the
 * golden files by lib's LmBenchSpec, with lib's FlopCount training FLOPs per token), with GEMMs in
 * FP32 and in TF32. Reports tokens/s and model FLOP utilisation: training FLOPs per token × tokens/s
 * over the FP32 peak ({@link PeerBench#peakFp32}). Times are medians of host-timed, synchronised steps.
 */
public final class LmBench {
    private static final float LR = 1e-4f;

    private LmBench() {
    }

    public static void run(Gpu gpu, Path goldenDir, Path csv, PrintStream out) throws IOException {
        Properties p = new Properties();
        Path file = goldenDir.resolve("lm_bench.properties");
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        double peak = PeerBench.peakFp32(gpu);
        List<String> rows = new ArrayList<>(List.of("name,tokens,gemm,step_ms,tok_s,train_flops_per_token,tflops,"
                + "mfu_fp32,loss_after"));
        for (String name : p.getProperty("names", "").split(",")) {
            long flopsPerToken = Long.parseLong(p.getProperty(name + ".training_flops_per_token").trim());
            LmDevice lm = new LmDevice(gpu, LmShape.fromProperties(p, name), DeviceAdamW.Settings.defaults());
            try {
                lm.initialise(20241206L, 0.02f);
                lm.setBatch(windows(lm.shape(), new Random(7)));
                for (boolean tf32 : new boolean[] {false, true}) {
                    gpu.setTf32(tf32);
                    double step = PeerBench.median(gpu, () -> lm.step(LR));
                    double tokS = lm.shape().tokens() / step;
                    double flops = flopsPerToken * tokS;
                    String row = String.format("%s,%d,%s,%.3f,%.0f,%d,%.2f,%.4f,%.4f", name, lm.shape().tokens(),
                            tf32 ? "tf32" : "fp32", step * 1e3, tokS, flopsPerToken, flops / 1e12, flops / peak,
                            lm.loss());
                    out.println(row);
                    rows.add(row);
                }
            } finally {
                gpu.setTf32(false);
                lm.free();
            }
        }
        Path tmp = csv.resolveSibling(csv.getFileName() + ".tmp");
        Files.write(tmp, rows);
        Files.move(tmp, csv, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static int[] windows(LmShape s, Random rng) {
        int[] w = new int[s.batch() * (s.seq() + 1)];
        for (int i = 0; i < w.length; i++) {
            w[i] = rng.nextInt(s.vocab());
        }
        return w;
    }
}
