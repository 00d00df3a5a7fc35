package org.peerkit.cuda;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Times {@link PeerDevice} forward and forward+backward (+ the row-sparse re-zeroing of du, dv)
 * at the yardstick's sizes (d_model 256, T = 4096, h 8, k 16, d_key 128, N = 128²…1024²) and at
 * paper scale (d_model 1024, N = 1024²), with GEMMs in FP32 and in TF32. Each time is the median
 * of the timed iterations, measured on the host around a device synchronisation, the same method
 * environment/gpu.sh's PyTorch side uses, so the two are comparable as ratios.
 *
 * <p>Model FLOP utilisation: 3× the forward FLOPs per token (backward ≈ 2× forward) times tokens/s,
 * over the GPU's FP32 peak (SMs × FP32 lanes × 2 × clock).
 */
public final class PeerBench {
    private static final int TOKENS = 4096;
    private static final int WARMUP = 3;
    private static final int ITERATIONS = 10;

    /** One configuration: a name, the layer's sizes and the tokens per call. */
    record Config(String name, PeerShape shape, int tokens) {
    }

    private PeerBench() {
    }

    static List<Config> configs() {
        List<Config> out = new ArrayList<>();
        for (int side : new int[] {128, 256, 512, 1024}) {
            out.add(new Config("yardstick_" + side + "sq", new PeerShape(256, side * side, 8, 16, 128, 0), TOKENS));
        }
        out.add(new Config("paper_1024sq", new PeerShape(1024, 1024 * 1024, 8, 16, 128, 0), TOKENS));
        return out;
    }

    /** Runs every configuration in both GEMM modes and writes the CSV atomically. */
    public static void run(Gpu gpu, Path csv, PrintStream out) throws IOException {
        double peak = peakFp32(gpu);
        out.printf("FP32 peak %.1f TFLOP/s (%s)%n", peak / 1e12, gpu.name());
        List<String> rows = new ArrayList<>(List.of(
                "name,N,d_model,tokens,gemm,fwd_ms,fwdbwd_ms,fwdbwd_tok_s,fwdbwd_tflops,mfu_fp32"));
        for (Config c : configs()) {
            PeerDevice layer = new PeerDevice(gpu, c.shape(), c.tokens());
            layer.initialise(20240704L);
            DeviceArray x = gpu.alloc((long) c.tokens() * c.shape().dModel());
            DeviceArray dy = gpu.alloc(x.length());
            layer.fill(x, 7L, 1f);
            layer.fill(dy, 8L, 1f);
            for (boolean tf32 : new boolean[] {false, true}) {
                gpu.setTf32(tf32);
                double fwd = median(gpu, () -> layer.forward(x, c.tokens()));
                double step = median(gpu, () -> {
                    layer.forward(x, c.tokens());
                    layer.backward(x, dy, c.tokens());
                    layer.zeroGradients();
                });
                double tokS = c.tokens() / step;
                double flops = 3 * c.shape().forwardFlopsPerToken() * tokS;
                String row = String.format("%s,%d,%d,%d,%s,%.3f,%.3f,%.0f,%.2f,%.4f", c.name(), c.shape().numExperts(),
                        c.shape().dModel(), c.tokens(), tf32 ? "tf32" : "fp32", fwd * 1e3, step * 1e3, tokS, flops / 1e12,
                        flops / peak);
                out.println(row);
                rows.add(row);
            }
            layer.free();
            gpu.free(x);
            gpu.free(dy);
        }
        gpu.setTf32(false);
        Path tmp = csv.resolveSibling(csv.getFileName() + ".tmp");
        Files.write(tmp, rows);
        Files.move(tmp, csv, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static double median(Gpu gpu, Runnable step) {
        for (int i = 0; i < WARMUP; i++) {
            step.run();
        }
        gpu.synchronize();
        double[] times = new double[ITERATIONS];
        for (int i = 0; i < ITERATIONS; i++) {
            long t0 = System.nanoTime();
            step.run();
            gpu.synchronize();
            times[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(times);
        return times[ITERATIONS / 2];
    }

    /** SMs × FP32 lanes per SM (64 on sm_80, 128 on sm_86…sm_90) × 2 (FMA) × clock. */
    static double peakFp32(Gpu gpu) {
        int lanes = gpu.computeCapability() == 80 ? 64 : 128;
        return gpu.multiprocessors() * (double) lanes * 2 * gpu.clockHz();
    }
}
