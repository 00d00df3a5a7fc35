package org.peerkit.train;

/**
 * What the trainer does, apart from the model and the data.
 *
 * @param steps optimiser steps to train for
 * @param accumSteps micro-batches per step (gradient accumulation); the loss is their mean
 * @param clipNorm global gradient-norm limit, ≤ 0 for none
 * @param schedule learning-rate schedule over steps
 * @param adamw optimiser settings
 * @param seed seeds the model init and the trainer's RNG
 * @param sparseExpertUpdates update the expert tables (PEER's u and v, PKM's values) on the rows routed
 *     to in the step only: lazy AdamW, O(rows·D) instead of O(N·D) per step; see {@link AdamW} for
 *     exactly how it differs from the dense update. Default true; false is the dense AdamW over
 *     every row.
 */
public record TrainConfig(long steps, int accumSteps, double clipNorm, LrSchedule schedule, AdamWConfig adamw,
        long seed, boolean sparseExpertUpdates) {

    /** A config with sparse expert updates (the default). */
    public TrainConfig(long steps, int accumSteps, double clipNorm, LrSchedule schedule, AdamWConfig adamw,
            long seed) {
        this(steps, accumSteps, clipNorm, schedule, adamw, seed, true);
    }

    public TrainConfig {
        if (steps <= 0) {
            throw new IllegalArgumentException("steps=" + steps + " must be positive");
        }
        if (accumSteps <= 0) {
            throw new IllegalArgumentException("accumSteps=" + accumSteps + " must be positive");
        }
        if (schedule == null || adamw == null) {
            throw new IllegalArgumentException("schedule and adamw must be set");
        }
    }

    public static TrainConfig defaults() {
        return new TrainConfig(2000, 1, 1.0, LrSchedule.defaults(), AdamWConfig.defaults(), 1234);
    }

    /** Same settings for a run of {@code steps} steps, the schedule stretched to match. */
    public TrainConfig withSteps(long steps) {
        LrSchedule s = new LrSchedule(schedule.peakLr(), (int) Math.min(schedule.warmupSteps(), steps), steps,
                schedule.minLrRatio());
        return new TrainConfig(steps, accumSteps, clipNorm, s, adamw, seed, sparseExpertUpdates);
    }

    /** Same settings with sparse (lazy, touched rows only) or dense expert-table updates. */
    public TrainConfig withSparseExpertUpdates(boolean sparse) {
        return new TrainConfig(steps, accumSteps, clipNorm, schedule, adamw, seed, sparse);
    }
}
