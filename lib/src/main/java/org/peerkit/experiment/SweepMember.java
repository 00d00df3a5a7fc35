package org.peerkit.experiment;

import java.util.Locale;

/**
 * One member of a sweep after the sweep ran it.
 *
 * @param result the run's result, null if it failed
 * @param error the failure's message, null if it finished
 */
public record SweepMember(int index, RunSpec spec, RunResult result, String error) {

    public boolean failed() {
        return error != null;
    }

    /** "trained", "resumed", "loaded" or "failed". */
    public String status() {
        return failed() ? "failed" : result.origin().name().toLowerCase(Locale.ROOT);
    }
}
