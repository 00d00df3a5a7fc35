package org.peerkit.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.peerkit.model.DecoderLm;
import org.peerkit.model.LmConfig;
import org.peerkit.train.SyntheticBatches;
import org.peerkit.train.TrainConfig;
import org.peerkit.train.Trainer;

/**
 * One full training step (forward, backward, clipping, AdamW) of a dense decoder LM. Defaults:
 * D=256, 4 layers, 4 heads, F=1024, V=4096, B·T = 16·256 = 4096 tokens per step. A step takes
 * seconds, so each iteration times a single step (JMH's single-shot mode); {@link BenchMain} reports
 * the mean and the fastest step.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TrainStepBench {

    @Param("256")
    public int dModel;
    @Param("4")
    public int layers;
    @Param("16")
    public int batch;
    @Param("256")
    public int seqLen;
    @Param("4096")
    public int vocab;

    private Trainer trainer;

    /** The model config the benchmark trains (also used by {@link BenchMain} to count FLOPs). */
    public static LmConfig config(int dModel, int layers, int vocab, int seqLen) {
        return LmConfig.small(vocab).withShape(dModel, layers, Math.max(1, dModel / 64), 4 * dModel)
                .withContextLength(seqLen);
    }

    @Setup
    public void setUp() {
        DecoderLm lm = new DecoderLm(config(dModel, layers, vocab, seqLen), 1);
        trainer = new Trainer(lm, new SyntheticBatches(batch, seqLen, vocab, 1), TrainConfig.defaults().withSteps(1L << 40));
    }

    @Benchmark
    public double trainStep() {
        return trainer.trainStep().loss();
    }
}
