package org.peerkit.experiment;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.peerkit.flops.IsoFlopPlanner;

/**
 * How much a sweep will train before it starts: the members not yet complete, their training FLOPs
 * (analytic, {@link IsoFlopPlanner#count}) and the time at the speed this store's finished runs
 * measured (FLOPs per second of training). A sweep of thousands of members, or one estimated at more
 * than {@link #LONG_SECONDS}, is worth a warning before hours of work begin.
 *
 * @param members members in the sweep
 * @param toTrain members not complete in the store
 * @param flops training FLOPs of those members
 * @param flopsPerSecond measured from the store's complete runs, or {@link #ASSUMED_FLOPS_PER_SECOND}
 * @param measured whether the speed was measured here
 */
public record SweepEstimate(int members, int toTrain, double flops, double flopsPerSecond, boolean measured) {

    /** Members from which a sweep is large whatever its estimated time. */
    public static final int MANY_MEMBERS = 1000;
    /** Estimated training time (12 h) from which a sweep is long. */
    public static final double LONG_SECONDS = 12 * 3600;
    /** The speed assumed when the store has no finished run to measure from: 10 GFLOP/s of training. */
    public static final double ASSUMED_FLOPS_PER_SECOND = 1e10;

    /** The estimate for {@code specs} in {@code store}. */
    public static SweepEstimate of(List<RunSpec> specs, RunStore store) {
        int toTrain = 0;
        double flops = 0;
        for (RunSpec s : specs) {
            if (store.status(s).status() == RunStatus.COMPLETE) {
                continue;
            }
            toTrain++;
            long perToken = IsoFlopPlanner.count(s.model(), s.ffw()).trainingFlopsPerToken();
            try {
                flops += (double) s.budget().steps(s.tokensPerStep(), perToken) * s.tokensPerStep() * perToken;
            } catch (IllegalArgumentException tooSmallOrLarge) {
                // the member will fail with that message when it runs; it adds nothing here
            }
        }
        Optional<Double> speed = measuredSpeed(store);
        return new SweepEstimate(specs.size(), toTrain, flops, speed.orElse(ASSUMED_FLOPS_PER_SECOND), speed.isPresent());
    }

    /** Training FLOPs per second over the store's complete runs, if any trained for a measurable time. */
    static Optional<Double> measuredSpeed(RunStore store) {
        double flops = 0;
        double seconds = 0;
        try {
            for (RunResult r : store.results()) {
                flops += r.summary().flops();
                seconds += r.summary().trainSeconds();
            }
        } catch (RuntimeException unreadable) {
            return Optional.empty();  // a corrupt run is reported when the sweep reaches it
        }
        return seconds > 1 ? Optional.of(flops / seconds) : Optional.empty();
    }

    public double seconds() {
        return flops / flopsPerSecond;
    }

    /** The warning to show before starting, if the sweep is large or long. */
    public Optional<String> warning(String name) {
        if (toTrain < MANY_MEMBERS && seconds() < LONG_SECONDS) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "sweep '%s' has %,d members, %,d of them to train: about %s of"
                + " training FLOPs, which takes about %s at %s (%s). Interrupt now if that is not intended;"
                + " finished members are kept, so a smaller grid can run first", name, members, toTrain,
                IsoFlopPlanner.sci(flops), duration(seconds()), IsoFlopPlanner.sci(flopsPerSecond) + " FLOP/s",
                measured ? "the speed of this store's finished runs" : "an assumed speed: no finished run in this"
                        + " store to measure it from"));
    }

    static String duration(double s) {
        if (s < 3600) {
            return String.format(Locale.ROOT, "%.0f minutes", Math.max(1, s / 60));
        }
        if (s < 48 * 3600) {
            return String.format(Locale.ROOT, "%.1f hours", s / 3600);
        }
        return String.format(Locale.ROOT, "%.1f days", s / 86400);
    }
}
