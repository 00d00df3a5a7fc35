package org.peerkit.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.peerkit.experiment.RunModels;
import org.peerkit.experiment.RunSpec;
import org.peerkit.flops.FlopCount;

/**
 * The sweeps' training steps as a share of the machine's sgemm, measured in one JMH run: {@link
 * SgemmBench} (1024³) first, then {@link SweepStepBench} for every shape of {@link SweepShapes} whose
 * label matches the optional regex. Prints one markdown row per shape: step time, tokens/s, achieved
 * GFLOP/s (training FLOPs by {@link FlopCount}, the paper's count with the head) and % of sgemm.
 *
 * <p>Arguments (all optional): label regex (default all), warm-up iterations, measurement iterations
 * (default 3 and 5; an iteration is at least 1 s of steps).
 */
public final class SweepBenchMain {

    private SweepBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        String filter = args.length > 0 ? args[0] : ".*";
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int iters = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Map<String, RunSpec> shapes = SweepShapes.load(SweepShapes.sweepsDir());
        List<String> labels = new ArrayList<>(shapes.keySet().stream().filter(l -> l.matches(filter)).toList());
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("no shape matches '" + filter + "'; known: " + shapes.keySet());
        }
        Options opts = new OptionsBuilder()
                .include(SgemmBench.class.getName()).include(SweepStepBench.class.getName())
                .param("shape", labels.toArray(String[]::new))
                .warmupIterations(warmup).measurementIterations(iters).forks(1)
                .warmupTime(TimeValue.seconds(1)).measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                        "-Dpeerkit.sweeps=" + SweepShapes.sweepsDir().toAbsolutePath())
                .build();
        report(new Runner(opts).run(), shapes);
    }

    private static void report(Collection<RunResult> results, Map<String, RunSpec> shapes) {
        double sgemmGflops = Double.NaN;
        for (RunResult r : results) {
            if (r.getParams().getBenchmark().endsWith("sgemm")) {
                int n = Integer.parseInt(r.getParams().getParam("n"));
                sgemmGflops = 2.0 * n * n * n / (r.getPrimaryResult().getScore() * 1e6);
            }
        }
        System.out.printf("%nsgemm 1024³: %.1f GFLOP/s (same run)%n%n", sgemmGflops);
        System.out.println("| shape | params | ms/step | tokens/s | GFLOP/s | % of sgemm |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        for (RunResult r : results) {
            if (!r.getParams().getBenchmark().endsWith("steps")) {
                continue;
            }
            String label = r.getParams().getParam("shape");
            RunSpec spec = shapes.get(label);
            FlopCount fc = FlopCount.of(RunModels.build(spec), spec.seqLen());
            double ms = r.getPrimaryResult().getScore() / SweepStepBench.STEPS;
            long tokens = spec.tokensPerStep();
            double gflops = fc.trainingFlops(tokens) / (ms * 1e6);
            System.out.printf("| %s | %,d | %.1f | %,.0f | %.2f | %.1f %% |%n", label, fc.totalParams(), ms,
                    tokens / (ms / 1000), gflops, 100 * gflops / sgemmGflops);
        }
    }
}
