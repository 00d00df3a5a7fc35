package org.peerkit.train;

import java.util.List;
import org.peerkit.nn.Param;

/** Global-norm gradient clipping (Pascanu et al. 2013), as {@code clip_grad_norm_}. */
public final class GradClip {

    private GradClip() {
    }

    /** √(Σ‖g‖²) over all parameters, accumulated in double. */
    public static double globalNorm(List<Param> params) {
        double sq = 0;
        for (Param p : params) {
            double n = p.grad().norm2Number().doubleValue();
            sq += n * n;
        }
        return Math.sqrt(sq);
    }

    /**
     * Scales all gradients by maxNorm/norm when the global norm exceeds maxNorm (maxNorm ≤ 0 turns
     * clipping off). Returns the norm before clipping.
     */
    public static double clip(List<Param> params, double maxNorm) {
        double norm = globalNorm(params);
        if (maxNorm > 0 && norm > maxNorm) {
            double scale = maxNorm / (norm + 1e-12);
            for (Param p : params) {
                p.grad().muli(scale);
            }
        }
        return norm;
    }
}
