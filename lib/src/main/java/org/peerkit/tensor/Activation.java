package org.peerkit.tensor;

import org.apache.commons.math3.special.Erf;

/**
 * The FFW non-linearity, one choice for the whole model (the paper names none; GELU is the
 * default). Its two forms:
 * <ul>
 *   <li>dense FFW and MoE experts: the {@code nn} modules {@code Gelu} (tanh approximation, as
 *       GPT-2) and {@code Relu};</li>
 *   <li>PEER's single-neuron experts e(x) = σ(uᵀx)·v (paper Eq. 6: "such as ReLU or GELU"):
 *       {@link #apply}/{@link #derivative} here, GELU in the exact erf form as the PyTorch
 *       reference (lib/README.md, The PEER reference). The exact path uses commons-math's erf
 *       (accurate to ~1e-15) so the float64 reference matches to round-off; the float path uses
 *       Abramowitz–Stegun 7.1.26 (|error| ≤ 1.5e-7, about float32's own resolution), which is
 *       ~20× cheaper — commons-math's series dominated the float forward otherwise.</li>
 * </ul>
 */
public enum Activation {
    GELU {
        @Override
        public double apply(double a, boolean exact) {
            return a * phi(a, exact);
        }

        @Override
        public double derivative(double a, boolean exact) {
            // Φ(a) + a·φ(a)
            return phi(a, exact) + a * INV_SQRT_2PI * Math.exp(-0.5 * a * a);
        }
    },
    RELU {
        @Override
        public double apply(double a, boolean exact) {
            return a > 0 ? a : 0;
        }

        @Override
        public double derivative(double a, boolean exact) {
            return a > 0 ? 1 : 0;
        }
    };

    private static final double INV_SQRT2 = 1 / Math.sqrt(2);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    /** σ(a); {@code exact} selects the double-precision erf. */
    public abstract double apply(double a, boolean exact);

    /** σ′(a); {@code exact} selects the double-precision erf. */
    public abstract double derivative(double a, boolean exact);

    public double apply(double a) {
        return apply(a, true);
    }

    public double derivative(double a) {
        return derivative(a, true);
    }

    /** Φ(a), the standard normal CDF. */
    private static double phi(double a, boolean exact) {
        double z = a * INV_SQRT2;
        return 0.5 * (1 + (exact ? Erf.erf(z) : fastErf(z)));
    }

    /** Abramowitz & Stegun 7.1.26, |error| ≤ 1.5e-7. */
    static double fastErf(double z) {
        double x = Math.abs(z);
        double t = 1 / (1 + 0.3275911 * x);
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        double r = 1 - poly * Math.exp(-x * x);
        return z < 0 ? -r : r;
    }
}
