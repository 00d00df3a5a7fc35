/**
 * Sweeps on a Slurm cluster: one job-array task per member, all training into one shared run store.
 *
 * <ul>
 *   <li>{@link org.peerkit.slurm.SlurmSweep}: submits the members that are not complete
 *       ({@code sbatch --array}), resubmits the failed ones, and reports each member's run beside its
 *       task ({@link org.peerkit.slurm.MemberStatus}, {@link org.peerkit.slurm.StatusTable}).</li>
 *   <li>{@link org.peerkit.slurm.SbatchScript}: the job script; {@link org.peerkit.slurm.SlurmOptions}
 *       its validated resources; {@link org.peerkit.slurm.JvmLimits} the task JVM's heap and
 *       off-heap limits taken from the Slurm allocation.</li>
 *   <li>{@link org.peerkit.slurm.SweepFolder}: the sweep's files next to the runs
 *       ({@code <store>/sweeps/<name>/}).</li>
 * </ul>
 *
 * <p>The command line: {@code peerkit sweep --grid FILE --slurm [--partition P --time T --mem M
 * --cpus N --account A --sbatch OPTION]}, then {@code --status} and {@code --resubmit-failed}.
 */
package org.peerkit.slurm;
