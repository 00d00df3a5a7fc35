package org.peerkit.flops;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Ladders that bracket the optimum. An isoFLOP curve (paper §3.1, Fig. 1) locates a compute-optimal
 * size only if its minimum lies inside the ladder, with the validation loss rising on both sides;
 * a minimum at an end rung says only that the optimum is at or beyond it (the kit's first
 * full-scale ladders all had theirs at the narrowest rung: notebooks/README.md).
 *
 * <p>{@link #next} decides, from the losses measured so far, whether a ladder is bracketed, which
 * rung to add, or why none can be added: below the narrowest width the ladder allows (one head of
 * {@code headDim}), or above the widest width of which the budget still buys {@code minSteps}
 * optimiser steps. {@link #search} runs that decision in a loop against any measurement: training
 * runs ({@code experiment.BracketedIsoFlop}) or a synthetic curve (the tests).
 */
public final class LadderBracket {

    private LadderBracket() {
    }

    /** What to do with a ladder after a round of measurements. */
    public enum Status { BRACKETED, EXTEND, CANNOT }

    /**
     * @param status bracketed, extend by {@code nextWidth}, or cannot extend (see {@code reason})
     * @param optimum the width with the lowest loss so far
     * @param nextWidth the rung to add when {@code status == EXTEND}, else 0
     * @param reason a sentence for tables and notebooks
     */
    public record Decision(Status status, int optimum, int nextWidth, String reason) {
    }

    /**
     * The result of a search.
     *
     * @param losses every measured width → loss, ascending width
     * @param rounds how many extension rounds ran
     */
    public record Bracket(Decision decision, Map<Integer, Double> losses, int rounds) {

        public boolean bracketed() {
            return decision.status() == Status.BRACKETED;
        }

        public List<Integer> widths() {
            return List.copyOf(losses.keySet());
        }
    }

    /**
     * The decision for one ladder of {@code kind} at {@code budget}.
     *
     * @param losses width → loss (a mean over seeds), at least one width
     * @param minSteps the fewest optimiser steps a new, wider rung must get to be worth training
     */
    public static Decision next(LadderConfig ladder, FfwKind kind, double budget, Map<Integer, Double> losses,
            long minSteps) {
        if (losses.isEmpty()) {
            throw new IllegalArgumentException("no measured rung: a ladder needs at least one loss to bracket");
        }
        List<Integer> ws = new ArrayList<>(new TreeMap<>(losses).keySet());
        int best = 0;
        for (int i = 1; i < ws.size(); i++) {
            best = losses.get(ws.get(i)) < losses.get(ws.get(best)) ? i : best;
        }
        int opt = ws.get(best);
        if (best > 0 && best < ws.size() - 1) {
            return new Decision(Status.BRACKETED, opt, 0, String.format(Locale.ROOT, "minimum at d_model=%d, loss rises"
                    + " to both sides (d_model=%d and %d)", opt, ws.get(best - 1), ws.get(best + 1)));
        }
        if (best == 0) {   // also a ladder of one rung: look narrower first, then wider
            int step = ws.size() > 1 ? ws.get(1) - ws.get(0) : opt / 2;
            int smaller = narrower(ladder, opt, step);
            if (smaller > 0) {
                return new Decision(Status.EXTEND, opt, smaller, "minimum at the narrowest rung d_model=" + opt
                        + ": add d_model=" + smaller);
            }
            if (ws.size() == 1) {
                return wider(ladder, kind, budget, ws, opt, minSteps);
            }
            return new Decision(Status.CANNOT, opt, 0, "minimum at the narrowest rung d_model=" + opt + ", and no"
                    + " narrower width exists (one head of headDim=" + ladder.headDim() + " is the least): the"
                    + " optimum is at or below it; a larger budget moves it inside");
        }
        return wider(ladder, kind, budget, ws, opt, minSteps);
    }

    /** The next narrower width: one ladder step down, else half, as a multiple of headDim; 0 if none. */
    private static int narrower(LadderConfig ladder, int d, int step) {
        int h = ladder.headDim();
        int down = (d - Math.max(step, h)) / h * h;
        if (down < h) {
            down = d / 2 / h * h;
        }
        return down >= h && down < d ? down : 0;
    }

    private static Decision wider(LadderConfig ladder, FfwKind kind, double budget, List<Integer> ws, int opt,
            long minSteps) {
        int last = ws.get(ws.size() - 1);
        int step = ws.size() > 1 ? last - ws.get(ws.size() - 2) : Math.max(ladder.headDim(), last / 2);
        int up = last + step;
        ModelPlan p = IsoFlopPlanner.size(ladder.backbone(up), ladder.ffw().get(kind), budget, ladder.tokensPerStep());
        if (p.steps() < minSteps) {
            return new Decision(Status.CANNOT, opt, 0, String.format(Locale.ROOT, "minimum at the widest rung"
                    + " d_model=%d, and the budget buys d_model=%d only %d steps (< %d): the optimum is at or above"
                    + " it; a larger budget or a smaller batch lets the ladder grow", opt, up, p.steps(), minSteps));
        }
        return new Decision(Status.EXTEND, opt, up, "minimum at the widest rung d_model=" + opt + ": add d_model=" + up);
    }

    /**
     * Measures {@code start}, then adds one rung per round where {@link #next} says so, until the
     * ladder is bracketed, cannot grow, or {@code maxRounds} extensions have run.
     *
     * @param measure widths → loss per width; called with every width so far (measuring a width
     *     twice must give the same loss: a run store loads finished runs)
     */
    public static Bracket search(LadderConfig ladder, FfwKind kind, double budget, List<Integer> start,
            Function<List<Integer>, Map<Integer, Double>> measure, int maxRounds, long minSteps) {
        List<Integer> widths = new ArrayList<>(start);
        Map<Integer, Double> losses = new TreeMap<>(measure.apply(List.copyOf(widths)));
        Decision d = next(ladder, kind, budget, losses, minSteps);
        int rounds = 0;
        while (d.status() == Status.EXTEND && rounds < maxRounds) {
            widths.add(d.nextWidth());
            widths.sort(null);
            losses = new TreeMap<>(measure.apply(List.copyOf(widths)));
            d = next(ladder, kind, budget, losses, minSteps);
            rounds++;
        }
        if (d.status() == Status.EXTEND) {
            d = new Decision(Status.CANNOT, d.optimum(), 0, d.reason().replace(": add", ": would add") + ", but the"
                    + " search stopped after " + maxRounds + " extension rounds (raise bracketRounds)");
        }
        return new Bracket(d, losses, rounds);
    }
}
