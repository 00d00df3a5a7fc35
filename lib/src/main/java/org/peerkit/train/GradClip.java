package org.peerkit.train;

import java.util.List;
import org.peerkit.nn.Param;
import org.peerkit.nn.Vec;

/** Global-norm gradient clipping (Pascanu et al. 2013), as {@code clip_grad_norm_}. */
public final class GradClip {

    private GradClip() {
    }

    /** √(Σ‖g‖²) over all parameters, accumulated in double. */
    public static double globalNorm(List<Param> params) {
        return globalNorm(params, false);
    }

    /**
     * As {@link #globalNorm(List)}; with {@code sparseRows}, a {@linkplain Param#rowTracked()
     * row-tracked} gradient is read on its touched rows only (the others are zero), in a Java loop
     * rather than ND4J's reduction, so the norm can differ from the dense one in the last bits.
     */
    public static double globalNorm(List<Param> params, boolean sparseRows) {
        double sq = 0;
        for (Param p : params) {
            if (sparseRows && p.rowTracked()) {
                sq += rowSquares(p);
            } else {
                double n = p.grad().norm2Number().doubleValue();
                sq += n * n;
            }
        }
        return Math.sqrt(sq);
    }

    private static double rowSquares(Param p) {
        int d = (int) p.shape()[1];
        Vec g = Vec.read(p.grad());
        double sq = 0;
        for (int row : p.touchedRows()) {
            for (int i = row * d, end = i + d; i < end; i++) {
                double x = g.get(i);
                sq += x * x;
            }
        }
        return sq;
    }

    /** As {@link #clip(List, double, boolean)} without the row-sparse path. */
    public static double clip(List<Param> params, double maxNorm) {
        return clip(params, maxNorm, false);
    }

    /**
     * Scales all gradients by maxNorm/norm when the global norm exceeds maxNorm (maxNorm ≤ 0 turns
     * clipping off). Returns the norm before clipping. With {@code sparseRows}, row-tracked
     * gradients are read and scaled on their touched rows only.
     */
    public static double clip(List<Param> params, double maxNorm, boolean sparseRows) {
        double norm = globalNorm(params, sparseRows);
        if (maxNorm > 0 && norm > maxNorm) {
            double scale = maxNorm / (norm + 1e-12);
            for (Param p : params) {
                if (sparseRows && p.rowTracked()) {
                    scaleRows(p, scale);
                } else {
                    p.grad().muli(scale);
                }
            }
        }
        return norm;
    }

    private static void scaleRows(Param p, double scale) {
        int d = (int) p.shape()[1];
        Vec g = Vec.of(p.grad());
        for (int row : p.touchedRows()) {
            for (int i = row * d, end = i + d; i < end; i++) {
                g.set(i, g.get(i) * scale);
            }
        }
    }
}
