package org.peerkit.experiment;

import org.peerkit.train.LrSchedule;

/**
 * The learning-rate schedule of a run, independent of its length (the budget fixes the steps):
 * linear warm-up over {@code warmupFraction} of the steps, then cosine to {@code minLrRatio·peakLr}.
 */
public record ScheduleSpec(double peakLr, double warmupFraction, double minLrRatio) {

    public ScheduleSpec {
        if (!(peakLr > 0) || !Double.isFinite(peakLr)) {
            throw new IllegalArgumentException("schedule.peakLr=" + peakLr + " must be positive");
        }
        if (!(warmupFraction >= 0 && warmupFraction <= 1)) {
            throw new IllegalArgumentException("schedule.warmupFraction=" + warmupFraction + " must be in [0, 1]");
        }
        if (!(minLrRatio >= 0 && minLrRatio <= 1)) {
            throw new IllegalArgumentException("schedule.minLrRatio=" + minLrRatio + " must be in [0, 1]");
        }
    }

    public static ScheduleSpec defaults() {
        return new ScheduleSpec(1e-3, 0.05, 0.1);
    }

    /** The schedule for a run of {@code steps} steps. */
    public LrSchedule forSteps(long steps) {
        int warmup = (int) Math.min(steps, Math.round(warmupFraction * steps));
        return new LrSchedule(peakLr, warmup, steps, minLrRatio);
    }
}
