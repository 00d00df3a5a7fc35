package org.peerkit.cuda;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The device-side entry point (java -jar peerkit-cuda.jar …), run by environment/gpu.sh's bundle:
 *
 * <pre>
 *   check                  opens the GPU (the PEERKIT_BACKEND=cuda start-up check) and describes it
 *   golden &lt;dir&gt;           compares every kernel with the CPU's golden files; exit 1 on a failure
 *   bench &lt;csv&gt;            PEER forward and forward+backward at the yardstick's sizes and paper scale
 *   lmbench &lt;dir&gt; &lt;csv&gt;    whole decoder-LM training steps (dense, PEER) from dir/lm_bench.properties
 * </pre>
 *
 * A machine that cannot run the kernels gets one sentence on stderr and exit status 2.
 */
public final class CudaMain {
    private CudaMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0 || (!args[0].equals("check") && args.length < 2)
                || (args[0].equals("lmbench") && args.length < 3)) {
            System.err.println("usage: peerkit-cuda check | golden <dir> | bench <csv> | lmbench <dir> <csv>");
            System.exit(64);
        }
        Gpu gpu;
        try {
            gpu = Gpu.open();
        } catch (CudaUnavailableException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        System.out.println("gpu: " + gpu.describe());
        switch (args[0]) {
            case "check" -> System.out.printf("free memory %.1f GiB%n", gpu.freeMemory() / (double) (1L << 30));
            case "golden" -> System.exit(GoldenSuite.run(gpu, Path.of(args[1]), System.out) == 0 ? 0 : 1);
            case "bench" -> PeerBench.run(gpu, Path.of(args[1]), System.out);
            case "lmbench" -> LmBench.run(gpu, Path.of(args[1]), Path.of(args[2]), System.out);
            default -> {
                System.err.println("unknown command '" + args[0]
                        + "': use check, golden <dir>, bench <csv> or lmbench <dir> <csv>");
                System.exit(64);
            }
        }
    }
}
