package org.peerkit.experiment;

import java.util.Locale;
import org.peerkit.flops.IsoFlopPlanner;

/**
 * How long a run trains: a training-FLOP budget (isoFLOP comparisons, paper §3.1: steps = budget ÷
 * FLOPs per step) or a token budget. Steps are rounded down, and must come to at least one.
 */
public record Budget(Unit unit, double amount) {

    public enum Unit { FLOPS, TOKENS }

    /** The most steps one run may take ({@link IsoFlopPlanner#MAX_STEPS}). */
    public static final long MAX_STEPS = IsoFlopPlanner.MAX_STEPS;

    public Budget {
        if (unit == null) {
            throw new IllegalArgumentException("budget.unit is missing: use FLOPS or TOKENS");
        }
        if (!(amount > 0) || !Double.isFinite(amount)) {
            throw new IllegalArgumentException("budget.amount=" + amount + " must be a positive finite number");
        }
    }

    public static Budget flops(double f) {
        return new Budget(Unit.FLOPS, f);
    }

    public static Budget tokens(long t) {
        return new Budget(Unit.TOKENS, t);
    }

    /**
     * Optimiser steps this budget buys.
     *
     * @param tokensPerStep B·T·accumulation
     * @param trainingFlopsPerToken 3 × forward FLOPs per token (FlopCount convention)
     * @throws IllegalArgumentException if it buys less than one step, naming the minimum
     */
    public long steps(long tokensPerStep, long trainingFlopsPerToken) {
        double perStep = unit == Unit.FLOPS ? (double) tokensPerStep * trainingFlopsPerToken : tokensPerStep;
        double exact = Math.floor(amount / perStep);
        if (exact > MAX_STEPS) {
            String u = unit.name().toLowerCase(Locale.ROOT);
            throw new IllegalArgumentException("budget.amount=" + IsoFlopPlanner.sci(amount) + " " + u + " buys "
                    + IsoFlopPlanner.sci(exact) + " steps of " + tokensPerStep + " tokens, more than the " + MAX_STEPS
                    + " steps a run may take; lower the budget (a typo in its exponent?)");
        }
        long steps = (long) exact;
        if (steps < 1) {
            String u = unit.name().toLowerCase(Locale.ROOT);
            throw new IllegalArgumentException("budget.amount=" + IsoFlopPlanner.sci(amount) + " " + u + " is too small"
                    + " for this model: one step of " + tokensPerStep + " tokens needs " + IsoFlopPlanner.sci(perStep)
                    + " " + u + "; raise the budget to at least that, or shrink the model");
        }
        return steps;
    }
}
