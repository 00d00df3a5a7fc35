package org.peerkit.slurm;

import java.util.Locale;

/**
 * Where an array task stands, in the few kinds a sweep cares about. Slurm's own job states
 * (squeue(1) "JOB STATE CODES") are folded in by {@link #parse}.
 */
public enum SlurmState {
    /** Queued, or being requeued. */
    PENDING,
    /** Running (or completing, suspended). */
    RUNNING,
    /** Exited 0. */
    COMPLETED,
    /** Exited non-zero, or the node or its boot failed. */
    FAILED,
    /** Cancelled by a user or an administrator, or killed by a signal. */
    CANCELLED,
    /** Hit its --time limit. */
    TIMEOUT,
    /** Went over its memory, as an enforcing cluster (cgroups) saw it. */
    OUT_OF_MEMORY,
    /** Submitted, but no longer queued and without any record of an end: cancelled before it started, or killed. */
    LOST;

    /** A Slurm state name ("FAILED", "CANCELLED by 0", "COMPLETING", "OUT_OF_ME+") in our terms. */
    public static SlurmState parse(String slurm) {
        String s = slurm.trim().toUpperCase(Locale.ROOT).replaceFirst(" BY .*", "").replace("+", "");
        switch (s) {
            case "PENDING", "CONFIGURING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD", "RESIZING":
                return PENDING;
            case "RUNNING", "COMPLETING", "SUSPENDED", "STOPPED", "SIGNALING", "STAGE_OUT":
                return RUNNING;
            case "COMPLETED":
                return COMPLETED;
            case "CANCELLED", "PREEMPTED", "REVOKED", "DEADLINE":
                return CANCELLED;
            case "TIMEOUT":
                return TIMEOUT;
            default:
                if (s.startsWith("OUT_OF_ME")) {  // sacct truncates the name to its column width
                    return OUT_OF_MEMORY;
                }
                if (s.equals("FAILED") || s.equals("NODE_FAIL") || s.equals("BOOT_FAIL") || s.equals("SPECIAL_EXIT")) {
                    return FAILED;
                }
                throw new IllegalArgumentException("unknown Slurm job state '" + slurm + "'");
        }
    }

    /** Queued or running: submitting the member again would only queue a second copy. */
    public boolean active() {
        return this == PENDING || this == RUNNING;
    }

    /** Ended without finishing its run: {@code --resubmit-failed} submits it again. */
    public boolean resubmittable() {
        return !active() && this != COMPLETED;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
