package org.peerkit.slurm;

import org.peerkit.experiment.RunInfo;
import org.peerkit.experiment.RunSpec;
import org.peerkit.experiment.RunStatus;

/**
 * A sweep member's run beside its latest Slurm task.
 *
 * @param index the member's place in the grid (its array index)
 * @param spec the member's spec
 * @param run its run dir's state in the store
 * @param task its latest array task, null if it was never submitted
 */
public record MemberStatus(int index, RunSpec spec, RunInfo run, TaskState task) {

    public boolean complete() {
        return run.status() == RunStatus.COMPLETE;
    }

    /** Not complete, and its task ended without finishing it (failed, cancelled, timed out, lost). */
    public boolean resubmittable() {
        return !complete() && run.status() != RunStatus.RUNNING && task != null && task.state().resubmittable();
    }

    /** Not complete, and neither queued nor being trained: a plain submission sends it. */
    public boolean toSubmit() {
        return !complete() && run.status() != RunStatus.RUNNING && (task == null || !task.state().active());
    }

    /** Queued or running in Slurm. */
    public boolean active() {
        return task != null && task.state().active();
    }
}
