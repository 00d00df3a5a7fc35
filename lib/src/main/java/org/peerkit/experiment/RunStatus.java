package org.peerkit.experiment;

import java.util.Locale;

/** What a run dir holds, as {@code peerkit runs} lists it. */
public enum RunStatus {
    /** No folder yet. */
    NEW,
    /** Finished: the completion marker is there and the spec matches the folder name. */
    COMPLETE,
    /** Started, not finished (interrupted or failed); {@code run(spec)} resumes it. */
    PARTIAL,
    /** Another process holds the run's lock right now. */
    RUNNING,
    /** Something does not check out (see the detail); it is never reused: re-run it. */
    CORRUPT;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
