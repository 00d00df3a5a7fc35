package org.peerkit.experiment;

/**
 * Which blocks get the FFW kind of a {@link RunSpec}; the others keep the dense FFW. The paper
 * replaces the FFW of the middle block only (§3.1).
 */
public enum Placement {
    /** Block {@code nLayers/2} only (paper default). */
    MIDDLE,
    /** Every block. */
    ALL
}
