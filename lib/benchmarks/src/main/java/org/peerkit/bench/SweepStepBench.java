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
import org.peerkit.experiment.RunModels;
import org.peerkit.experiment.RunSpec;
import org.peerkit.model.DecoderLm;
import org.peerkit.train.SyntheticBatches;
import org.peerkit.train.TrainConfig;
import org.peerkit.train.Trainer;

/**
 * One training step (forward, backward, clipping, AdamW) of a model the full-scale sweeps train,
 * built from the sweep file's own {@link RunSpec} ({@link SweepShapes} labels them), on synthetic
 * batches of the spec's shape. {@link SweepBenchMain} runs every shape beside the same run's sgemm.
 * Steps last milliseconds, so an iteration times {@link #STEPS} of them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SweepStepBench {

    /** Steps per invocation: ~0.1-1 s, long enough that timer and loop overhead vanish. */
    static final int STEPS = 10;

    @Param("02-dense-D64L2")
    public String shape;

    private Trainer trainer;

    @Setup
    public void setUp() {
        RunSpec spec = SweepShapes.load(SweepShapes.sweepsDir()).get(shape);
        if (spec == null) {
            throw new IllegalArgumentException("no sweep shape '" + shape + "'; known: "
                    + SweepShapes.load(SweepShapes.sweepsDir()).keySet());
        }
        DecoderLm lm = RunModels.build(spec);
        SyntheticBatches data = new SyntheticBatches(spec.batchSize(), spec.seqLen(), spec.model().vocabSize(), 1);
        long steps = 1_000_000;  // never reached: a benchmark sees only the warm-up part of the schedule
        trainer = new Trainer(lm, data, new TrainConfig(steps, spec.accumSteps(), spec.clipNorm(),
                spec.schedule().forSteps(steps), spec.optimizer(), spec.seed()));
    }

    /** {@link #STEPS} optimiser steps; the score is divided by it in {@link SweepBenchMain}. */
    @Benchmark
    public double steps() {
        double loss = 0;
        for (int i = 0; i < STEPS; i++) {
            loss += trainer.trainStep().loss();
        }
        return loss;
    }
}
