package org.peerkit.nn;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * RMSNorm (Zhang & Sennrich 2019): y = x / sqrt(mean(x²) + eps) · g. Shapes: x, y [T, D], g [D].
 * The arithmetic, shared with {@link LayerNorm}, is in {@link RowNorm}.
 */
public final class RmsNorm extends RowNorm {

    public RmsNorm(String name, int dim, double eps, DataType dtype) {
        super(name, dim, eps, dtype, false);
    }
}
