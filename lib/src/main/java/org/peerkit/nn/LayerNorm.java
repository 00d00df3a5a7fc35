package org.peerkit.nn;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * LayerNorm (Ba et al. 2016): y = (x − mean) / sqrt(var + eps) · g + b. Shapes: x, y [T, D];
 * g, b [D]. The arithmetic, shared with {@link RmsNorm}, is in {@link RowNorm}.
 */
public final class LayerNorm extends RowNorm {

    public LayerNorm(String name, int dim, double eps, DataType dtype) {
        super(name, dim, eps, dtype, true);
    }
}
