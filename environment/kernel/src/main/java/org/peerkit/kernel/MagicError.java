package org.peerkit.kernel;

import java.util.List;

/** A magic line failed: unknown name, bad arguments, a glob matching nothing, a missing file. */
public final class MagicError extends CellError {
    private static final long serialVersionUID = 1L;

    MagicError(String oneLine) {
        super(oneLine, List.of(oneLine));
    }
}
