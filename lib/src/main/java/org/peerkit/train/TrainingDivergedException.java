package org.peerkit.train;

/** The loss or gradient norm became NaN or infinite; parameters were not updated with it. */
public final class TrainingDivergedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;
    private final long step;

    public TrainingDivergedException(String message, long step) {
        super(message);
        this.step = step;
    }

    /** The 1-based step whose loss diverged. */
    public long step() {
        return step;
    }
}
