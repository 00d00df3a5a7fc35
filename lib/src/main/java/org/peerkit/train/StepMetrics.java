package org.peerkit.train;

/**
 * What one optimiser step reports to listeners.
 *
 * @param step steps completed, counting this one (1-based)
 * @param loss mean training loss over the step's micro-batches
 * @param lr learning rate used
 * @param gradNorm global gradient norm before clipping
 * @param tokens training tokens seen so far
 * @param flops training FLOPs so far (analytic, {@code FlopCount} convention)
 * @param stepMillis wall time of this step
 */
public record StepMetrics(long step, double loss, double lr, double gradNorm, long tokens, double flops,
        double stepMillis) {

    public double tokensPerSecond(long tokensPerStep) {
        return tokensPerStep / (stepMillis / 1000.0);
    }
}
