package org.peerkit.tensor;

import org.apache.commons.math3.special.Erf;

/**
 * σ of a single-neuron expert e(x) = σ(uᵀx)·v (paper Eq. 6: "such as ReLU or GELU"). GELU is the
 * exact erf form, as the PyTorch yardstick's default (yardstick/peer_ref.py), so the reference
 * matches to float64 round-off; erf comes from commons-math (accurate to ~1e-15).
 */
public enum ExpertActivation {
    GELU {
        @Override
        public double apply(double a) {
            return 0.5 * a * (1 + Erf.erf(a * INV_SQRT2));
        }

        @Override
        public double derivative(double a) {
            // Φ(a) + a·φ(a)
            return 0.5 * (1 + Erf.erf(a * INV_SQRT2)) + a * INV_SQRT_2PI * Math.exp(-0.5 * a * a);
        }
    },
    RELU {
        @Override
        public double apply(double a) {
            return a > 0 ? a : 0;
        }

        @Override
        public double derivative(double a) {
            return a > 0 ? 1 : 0;
        }
    };

    private static final double INV_SQRT2 = 1 / Math.sqrt(2);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    public abstract double apply(double a);

    public abstract double derivative(double a);
}
