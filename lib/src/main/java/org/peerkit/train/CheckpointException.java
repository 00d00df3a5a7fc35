package org.peerkit.train;

import java.io.IOException;

/** A checkpoint that cannot be loaded: corrupt, truncated, foreign, or from another config. */
public final class CheckpointException extends IOException {

    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
