package org.peerkit.stats;

import java.util.Locale;

/**
 * A saturating power law in compute, L(C) = E + A·C^(−α): the form of the compute-optimal
 * frontier in Hoffmann et al. 2022 (an irreducible loss E plus a power-law term) and, per
 * granularity, in Krajewski et al. 2024's fine-grained MoE scaling law (the paper's Eq. 9 cites it).
 *
 * @param e the irreducible loss E (nats)
 * @param a the coefficient A
 * @param alpha the exponent α
 */
public record PowerLaw(double e, double a, double alpha) {

    public PowerLaw {
        if (!Double.isFinite(e) || !Double.isFinite(a) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("E=" + e + ", A=" + a + ", α=" + alpha + ": a power law needs finite"
                    + " parameters");
        }
    }

    /** L at compute {@code c}. */
    public double at(double c) {
        return e + a * Math.pow(c, -alpha);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "L(C) = %.3f + %.4g·C^(-%.4f)", e, a, alpha);
    }
}
