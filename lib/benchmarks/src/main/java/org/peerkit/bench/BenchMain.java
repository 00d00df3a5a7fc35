package org.peerkit.bench;

import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.peerkit.flops.FlopCount;

/**
 * Runs {@link SgemmBench} and {@link TrainStepBench} in one JMH run and reports tokens/s, the
 * training step's achieved GFLOP/s (analytic FLOPs, {@link FlopCount} convention, which a test holds
 * equal to the GEMMs actually run) and its ratio to the same-run sgemm GFLOP/s.
 *
 * <p>Arguments (all optional): warm-up iterations, measurement iterations, forks (default 2 8 1).
 * sgemm iterations last 1 s each; a training-step iteration is one step.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int iters = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int forks = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        Options opts = new OptionsBuilder()
                .include(SgemmBench.class.getName()).include(TrainStepBench.class.getName())
                .warmupIterations(warmup).measurementIterations(iters).forks(forks)
                .warmupTime(TimeValue.seconds(1)).measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                .build();
        Collection<RunResult> results = new Runner(opts).run();
        double sgemmMs = Double.NaN;
        double stepMs = Double.NaN;
        double sgemmBest = Double.NaN;
        double stepBest = Double.NaN;
        int n = 1024;
        TrainStepBench p = new TrainStepBench();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            double ms = r.getPrimaryResult().getScore();
            double best = r.getBenchmarkResults().stream().flatMap(b -> b.getIterationResults().stream())
                    .mapToDouble(i -> i.getPrimaryResult().getScore()).min().orElse(Double.NaN);
            if (name.endsWith("sgemm")) {
                sgemmMs = ms;
                sgemmBest = best;
                n = Integer.parseInt(r.getParams().getParam("n"));
            } else if (name.endsWith("trainStep")) {
                stepMs = ms;
                stepBest = best;
                p.dModel = Integer.parseInt(r.getParams().getParam("dModel"));
                p.layers = Integer.parseInt(r.getParams().getParam("layers"));
                p.batch = Integer.parseInt(r.getParams().getParam("batch"));
                p.seqLen = Integer.parseInt(r.getParams().getParam("seqLen"));
                p.vocab = Integer.parseInt(r.getParams().getParam("vocab"));
            }
        }
        long tokens = (long) p.batch * p.seqLen;
        FlopCount fc = FlopCount.dense(TrainStepBench.config(p.dModel, p.layers, p.vocab, p.seqLen), p.seqLen);
        System.out.printf("%ntrain step D=%d L=%d B=%d T=%d V=%d: %d tokens, %.2f GFLOP per step (training FLOPs,"
                + " FlopCount convention)%n", p.dModel, p.layers, p.batch, p.seqLen, p.vocab, tokens,
                fc.trainingFlops(tokens) / 1e9);
        report("mean over iterations", n, sgemmMs, stepMs, tokens, fc.trainingFlops(tokens));
        // the fastest iteration is the least disturbed by other processes on a shared machine
        report("best iteration", n, sgemmBest, stepBest, tokens, fc.trainingFlops(tokens));
    }

    private static void report(String what, int n, double sgemmMs, double stepMs, long tokens, double stepFlops) {
        double sgemmGflops = 2.0 * n * n * n / (sgemmMs * 1e6);
        double stepGflops = stepFlops / (stepMs * 1e6);
        System.out.printf("%-22s sgemm %d³ %.2f ms = %.1f GFLOP/s | step %.1f ms = %.0f tokens/s = %.1f GFLOP/s"
                + " = %.0f %% of sgemm%n", what, n, sgemmMs, sgemmGflops, stepMs, tokens / (stepMs / 1000),
                stepGflops, 100 * stepGflops / sgemmGflops);
    }
}
