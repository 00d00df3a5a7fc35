package org.peerkit.nn;

import org.nd4j.linalg.api.buffer.DataType;

/** Which normalisation the pre-norm blocks use. */
public enum NormKind {
    RMS, LAYER;

    public Module create(String name, int dim, double eps, DataType dtype) {
        return this == RMS ? new RmsNorm(name, dim, eps, dtype) : new LayerNorm(name, dim, eps, dtype);
    }
}
