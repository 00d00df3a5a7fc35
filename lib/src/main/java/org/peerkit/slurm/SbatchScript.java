package org.peerkit.slurm;

import java.nio.file.Path;
import java.util.List;

/**
 * The batch script of a sweep's job array: task {@code i} trains member {@code i} of the sweep's
 * grid into the shared run store. It is the same for every submission of a sweep but for the
 * resources, because {@code --array} (which members) goes on the sbatch command line.
 *
 * <p>Around the training JVM the script keeps a task file, {@code tasks/<i>.json}: "running" when
 * the task starts, its exit status when it ends (a signal from scancel or the time limit included;
 * only a SIGKILL leaves "running" behind). {@link SlurmSweep#status} reads it where Slurm keeps no
 * accounting ({@code sacct} needs slurmdbd) and squeue has forgotten the task.
 *
 * @param sweep the sweep's name
 * @param folder the sweep's folder in the run store ({@code <store>/sweeps/<name>}), absolute
 * @param store the run store's root, absolute
 * @param projectRoot the PEERkit checkout the tasks run from (its {@code environment/peerkit}), absolute
 * @param options the resources each task asks for
 * @param checkpointEvery steps between a task's checkpoints (a killed task resumes from the last one)
 */
public record SbatchScript(String sweep, Path folder, Path store, Path projectRoot, SlurmOptions options,
        int checkpointEvery) {

    public SbatchScript {
        for (Path p : List.of(folder, store, projectRoot)) {
            if (!p.isAbsolute()) {
                throw new IllegalArgumentException("sbatch script paths must be absolute (tasks start elsewhere): " + p);
            }
        }
        if (checkpointEvery < 1) {
            throw new IllegalArgumentException("--checkpoint-every=" + checkpointEvery + " must be at least 1");
        }
    }

    /** The script's text. */
    public String text() {
        StringBuilder s = new StringBuilder("#!/bin/bash\n");
        s.append("#SBATCH --job-name=peerkit-").append(sweep).append('\n');
        s.append("#SBATCH --output=").append(folder.resolve("logs")).append("/%A_%a.out\n");
        for (String d : options.directives()) {
            s.append("#SBATCH ").append(d).append('\n');
        }
        s.append("""
                # Task i of this array trains member i of the sweep's grid.json into the run store (written by
                # `peerkit sweep --slurm` at each submission; sbatch keeps its own copy, so a rewrite never changes
                # queued tasks). A member that is already complete loads at once; a partial one resumes from its
                # checkpoint; the run's lock keeps two tasks from training the same member.
                set -uo pipefail
                """);
        s.append("root=").append(quote(projectRoot)).append('\n');
        s.append("folder=").append(quote(folder)).append('\n');
        s.append("store=").append(quote(store)).append('\n');
        s.append("""
                i=${SLURM_ARRAY_TASK_ID:?submit this script with sbatch --array}
                job=${SLURM_ARRAY_JOB_ID}
                # tasks/<i>.json: this task's state for `peerkit sweep --status` when Slurm keeps no accounting
                task_file() {
                  local tmp="$folder/tasks/.$i.json.$$"
                  printf '{"job": "%s", "index": %d, "exit": %d, "host": "%s", "time": "%s"}\\n' \\
                    "$job" "$i" "$1" "$(hostname)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$tmp" && mv -f "$tmp" "$folder/tasks/$i.json"
                }
                task_file -1
                # Slurm without cgroups does not enforce --mem, and the JVM would size itself from the whole
                # node: take -Xmx and ND4J's off-heap limits from this task's allocation (org.peerkit.slurm.JvmLimits)
                limits=$(java -cp "$root/lib/target/classes" org.peerkit.slurm.JvmLimits)
                export PEERKIT_JAVA_OPTS="$limits ${PEERKIT_JAVA_OPTS:-}"
                echo "peerkit: task ${job}_$i on $(hostname), JVM limits: ${limits:-JVM defaults}"
                # scancel and the time limit send SIGTERM to the JVM and to this shell: note it, record the exit
                trap 'echo "peerkit: task ${job}_$i got SIGTERM (scancel or --time)"' TERM
                """);
        s.append("\"$root/environment/peerkit\" sweep-task --folder \"$folder\" --index \"$i\" --runs \"$store\"")
                .append(" --checkpoint-every ").append(checkpointEvery).append('\n');
        s.append("""
                rc=$?
                task_file "$rc"
                exit "$rc"
                """);
        return s.toString();
    }

    /** A path as one single-quoted shell word. */
    static String quote(Path p) {
        return "'" + p.toString().replace("'", "'\\''") + "'";
    }
}
