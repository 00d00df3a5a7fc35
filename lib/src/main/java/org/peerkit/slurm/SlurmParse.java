package org.peerkit.slurm;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the array-task lines of Slurm's clients. Both are asked for pipe-separated fields:
 * <pre>
 *   sacct -n -P -X -j JOBS -o JobID,State,ExitCode    12_3|FAILED|3:0   12_[4-7]|PENDING|0:0
 *   squeue -h -r -o %i|%T                             12_3|RUNNING      12_4|PENDING
 * </pre>
 * A task id is {@code <array job>_<index>}; a part of an array not yet split into tasks is
 * {@code <job>_[0-3,5]} (with an optional {@code %N} throttle), which stands for each of its indices.
 */
public final class SlurmParse {

    private static final Pattern TASK = Pattern.compile("([0-9]+)_(?:([0-9]+)|\\[([0-9,\\-]+)(?:%[0-9]+)?\\])");

    private SlurmParse() {
    }

    /** {@code sacct -P} lines: JobID|State|ExitCode; lines of plain jobs and job steps are skipped. */
    public static List<TaskState> sacct(List<String> lines) {
        return parse(lines, 3, "sacct");
    }

    /** {@code squeue -o %i|%T} lines: only queued or running tasks, so no exit codes. */
    public static List<TaskState> squeue(List<String> lines) {
        return parse(lines, 2, "squeue");
    }

    /** {@code id|state[|exit]} lines of {@code fields} fields (exit code only with 3); shorter lines are skipped. */
    private static List<TaskState> parse(List<String> lines, int fields, String source) {
        List<TaskState> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split("\\|", -1);
            if (f.length < fields) {
                continue;
            }
            for (int[] t : tasks(f[0])) {
                out.add(TaskState.of(Integer.toString(t[0]), t[1], f[1], fields > 2 ? f[2] : null, source));
            }
        }
        return out;
    }

    /** {@code 12_3} → [[12, 3]]; {@code 12_[0-2,5%2]} → [[12, 0], [12, 1], [12, 2], [12, 5]]; a plain job → []. */
    static List<int[]> tasks(String taskId) {
        Matcher m = TASK.matcher(taskId.trim());
        List<int[]> out = new ArrayList<>();
        if (!m.matches()) {
            return out;  // "12", "12.batch", "12_3.extern": not an array task's own line
        }
        int job = Integer.parseInt(m.group(1));
        if (m.group(2) != null) {
            out.add(new int[] {job, Integer.parseInt(m.group(2))});
            return out;
        }
        for (int i : ArraySpec.indices(m.group(3))) {
            out.add(new int[] {job, i});
        }
        return out;
    }
}
