package org.peerkit.train;

/**
 * A listener that acts every {@code every} steps and once more at the end, unless it already acted
 * at the last step ({@link CheckpointListener}, {@link EvalListener}).
 */
public abstract class PeriodicListener implements TrainListener {

    private final int every;

    /** @param other the name of a second setting that must be positive too, for the error message */
    protected PeriodicListener(int every, String other, int otherValue) {
        if (every <= 0 || otherValue <= 0) {
            throw new IllegalArgumentException("every=" + every + ", " + other + "=" + otherValue
                    + ": both must be positive");
        }
        this.every = every;
    }

    @Override
    public final void onStep(Trainer t, StepMetrics m) {
        if (m.step() % every == 0) {
            act(t);
        }
    }

    @Override
    public final void onEnd(Trainer t) {
        if (!actedAt(t, t.step())) {
            act(t);
        }
    }

    /** The periodic action at the trainer's current step. */
    protected abstract void act(Trainer t);

    /** Whether the last action was at {@code step}, so the end need not repeat it. */
    protected abstract boolean actedAt(Trainer t, long step);
}
