package org.peerkit.cuda;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs every golden file of a folder (written on the CPU by lib's {@code org.peerkit.golden}) on
 * the GPU and prints one line per compared array: {@code peer_*.safetensors} through
 * {@link PeerGolden}, {@code ops.safetensors} through {@link OpsGolden}, {@code step.safetensors}
 * through {@link StepGolden}, {@code lm_*.safetensors} (a whole decoder-LM training step) through
 * {@link LmGolden}, {@code pkm_*.safetensors} (the whole PKM layer) through {@link PkmGolden}. GEMMs run in full FP32
 * (TF32 off) here, so the tolerances hold for every kernel.
 */
public final class GoldenSuite {
    private GoldenSuite() {
    }

    /** Returns the number of failed comparisons (0 = the suite passed). */
    public static int run(Gpu gpu, Path dir, PrintStream out) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".safetensors")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException(dir + " holds no .safetensors golden files: write them with"
                    + " environment/gpu.sh (it runs org.peerkit.golden.GoldenWriter on the CPU)");
        }
        boolean tf32 = gpu.tf32();
        gpu.setTf32(false);
        int failures = 0;
        int compared = 0;
        for (Path file : files) {
            String name = file.getFileName().toString().replace(".safetensors", "");
            GoldenCheck check = new GoldenCheck(name);
            SafeTensorsFile f = SafeTensorsFile.read(file);
            if (name.startsWith("peer_")) {
                new PeerGolden(gpu, f, check).run();
            } else if (name.equals("ops")) {
                new OpsGolden(gpu, f, check).run();
            } else if (name.equals("step")) {
                new StepGolden(gpu, f, check).run();
            } else if (name.startsWith("pkm_")) {
                new PkmGolden(gpu, f, check).run();
            } else if (name.startsWith("lm_")) {
                new LmGolden(gpu, f, check).run();
            } else {
                out.println("  skip " + file + " (not a golden file this suite knows)");
                continue;
            }
            check.lines().forEach(out::println);
            failures += check.failures();
            compared += check.lines().size();
        }
        gpu.setTf32(tf32);
        out.printf("golden suite: %d comparisons, %d failed, %d files%n", compared, failures, files.size());
        return failures;
    }
}
