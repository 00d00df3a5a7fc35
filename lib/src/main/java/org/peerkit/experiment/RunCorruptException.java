package org.peerkit.experiment;

/** A run dir that does not check out; the message says what is wrong and how to re-run. */
public final class RunCorruptException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public RunCorruptException(String message) {
        super(message);
    }

    public RunCorruptException(String message, Throwable cause) {
        super(message, cause);
    }
}
