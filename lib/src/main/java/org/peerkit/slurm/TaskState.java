package org.peerkit.slurm;

/**
 * One array task as last seen.
 *
 * @param jobId the array job's id ("1234")
 * @param index the task's array index, the sweep member it runs
 * @param state where it stands
 * @param exitCode the task's exit status, -1 if not known (or not ended)
 * @param signal the signal that ended it, 0 if none
 * @param source who said so: "sacct", "squeue", "task file" or "none"
 */
public record TaskState(String jobId, int index, SlurmState state, int exitCode, int signal, String source) {

    /** Slurm's "exit:signal" pair ("3:0", "0:15") and its state name. */
    public static TaskState of(String jobId, int index, String slurmState, String exitSignal, String source) {
        int exit = -1;
        int signal = 0;
        if (exitSignal != null && exitSignal.matches("[0-9]+:[0-9]+")) {
            String[] p = exitSignal.split(":");
            exit = Integer.parseInt(p[0]);
            signal = Integer.parseInt(p[1]);
        }
        return new TaskState(jobId, index, SlurmState.parse(slurmState), exit, signal, source);
    }

    /** "12_3": how squeue, sacct and scancel name the task. */
    public String taskId() {
        return jobId + "_" + index;
    }

    /** "failed (exit 3)", "cancelled (signal 15)", "running": the exit status where it says why. */
    public String describe() {
        if (state == SlurmState.FAILED && exitCode >= 0) {
            return state.id() + " (exit " + exitCode + ")";
        }
        if (state == SlurmState.CANCELLED && signal > 0) {
            return state.id() + " (signal " + signal + ")";
        }
        return state.id();
    }
}
