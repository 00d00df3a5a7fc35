package org.peerkit.experiment;

/** Another process (or another thread of this one) is training the same run. */
public final class RunLockedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public RunLockedException(String message) {
        super(message);
    }
}
