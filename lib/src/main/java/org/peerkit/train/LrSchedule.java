package org.peerkit.train;

/**
 * Linear warm-up to {@code peakLr} over {@code warmupSteps}, then cosine decay to
 * {@code minLrRatio·peakLr} at {@code totalSteps} (held there after). Steps are 0-based: step s
 * uses lr(s), and warm-up step s gets peak·(s+1)/warmup so the first step is not zero.
 */
public record LrSchedule(double peakLr, int warmupSteps, long totalSteps, double minLrRatio) {

    public LrSchedule {
        if (!(peakLr > 0)) {
            throw new IllegalArgumentException("peakLr=" + peakLr + " must be positive");
        }
        if (warmupSteps < 0 || totalSteps <= 0 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("warmupSteps=" + warmupSteps + ", totalSteps=" + totalSteps
                    + ": need 0 ≤ warmupSteps ≤ totalSteps and totalSteps > 0");
        }
        if (!(minLrRatio >= 0 && minLrRatio <= 1)) {
            throw new IllegalArgumentException("minLrRatio=" + minLrRatio + " must be in [0, 1]");
        }
    }

    public static LrSchedule defaults() {
        return new LrSchedule(1e-3, 100, 2000, 0.1);
    }

    public double lr(long step) {
        if (step < warmupSteps) {
            return peakLr * (step + 1) / warmupSteps;
        }
        long decaySteps = totalSteps - warmupSteps;
        double progress = decaySteps == 0 ? 1.0 : Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
        double min = peakLr * minLrRatio;
        return min + 0.5 * (peakLr - min) * (1 + Math.cos(Math.PI * progress));
    }
}
