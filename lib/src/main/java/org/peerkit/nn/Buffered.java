package org.peerkit.nn;

import java.util.Map;

/**
 * A module with non-trainable state that a checkpoint must carry besides its {@link Param}s — e.g.
 * BatchNorm running statistics, which evaluation mode uses. The arrays are the live state: a
 * checkpoint reads them on save and overwrites them in place on load.
 */
public interface Buffered {

    /** Named state arrays in a stable order (names are unique within a model). */
    Map<String, double[]> buffers();
}
