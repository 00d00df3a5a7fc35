package org.peerkit.slurm;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A task's JVM memory limits, split out of its Slurm allocation.
 *
 * <p>Why: Slurm without cgroups does not enforce {@code --mem} (a task's JVM would size its heap
 * from the whole node, a quarter of its RAM), and with cgroups it kills the task without a word
 * when the process goes over. So the allocation is split explicitly:
 * <ul>
 *   <li>{@value #RESERVE_MB} MB stay outside both limits for the JVM itself (metaspace, JIT code
 *       cache, thread stacks, GC tables) and the native libraries' own state;</li>
 *   <li>one third of the rest is the Java heap ({@code -Xmx}): the Java kernels' float arrays,
 *       tables and bookkeeping;</li>
 *   <li>two thirds are ND4J's off-heap arrays ({@code org.bytedeco.javacpp.maxbytes}): parameters,
 *       optimiser moments, activations and the expert tables live there
 *       ({@code lib/src/main/java/org/peerkit/tensor}), so they get the larger share;</li>
 *   <li>{@code maxphysicalbytes} is the whole allocation: JavaCPP checks the process's resident
 *       size before each native allocation and throws an {@code OutOfMemoryError} naming the limit,
 *       where the cgroup would kill the task silently.</li>
 * </ul>
 *
 * @param allocationMb the task's memory in MB (Slurm's unit)
 * @param heapMb {@code -Xmx}
 * @param offHeapMb ND4J's off-heap limit
 */
public record JvmLimits(long allocationMb, long heapMb, long offHeapMb) {

    /** MB kept out of the heap and off-heap limits for the JVM's own native memory. */
    public static final long RESERVE_MB = 256;

    /** The split of an allocation of {@code mb} MB (at least {@link SlurmOptions#MIN_MEM_MB}). */
    public static JvmLimits of(long mb) {
        if (mb < SlurmOptions.MIN_MEM_MB) {
            throw new IllegalArgumentException("a Slurm allocation of " + mb + " MB is too small for a training JVM;"
                    + " ask for at least " + SlurmOptions.MIN_MEM_MB + "M (--mem)");
        }
        long rest = mb - RESERVE_MB;
        long heap = rest / 3;
        return new JvmLimits(mb, heap, rest - heap);
    }

    /**
     * The limits for the allocation Slurm describes in a task's environment: {@code SLURM_MEM_PER_NODE}
     * (from {@code --mem}), else {@code SLURM_MEM_PER_CPU} × {@code SLURM_CPUS_ON_NODE} (from
     * {@code --mem-per-cpu}); empty outside Slurm or when the allocation sets no memory.
     */
    public static Optional<JvmLimits> fromEnvironment(Map<String, String> env) {
        Long perNode = number(env, "SLURM_MEM_PER_NODE");
        if (perNode != null && perNode > 0) {
            return Optional.of(of(perNode));
        }
        Long perCpu = number(env, "SLURM_MEM_PER_CPU");
        Long cpus = number(env, "SLURM_CPUS_ON_NODE");
        if (perCpu != null && perCpu > 0) {
            return Optional.of(of(perCpu * (cpus == null || cpus < 1 ? 1 : cpus)));
        }
        return Optional.empty();
    }

    /** The JVM options: {@code -Xmx} and JavaCPP's two limits, in MB. */
    public List<String> jvmOptions() {
        return List.of("-Xmx" + heapMb + "m", "-Dorg.bytedeco.javacpp.maxbytes=" + offHeapMb + "m",
                "-Dorg.bytedeco.javacpp.maxphysicalbytes=" + allocationMb + "m");
    }

    private static Long number(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "=" + v + " is not a number of MB; is this a Slurm task?", e);
        }
    }

    /**
     * Prints the JVM options for this task's allocation (nothing outside Slurm); the generated sbatch
     * script runs it before the task's JVM starts, since {@code -Xmx} cannot change afterwards. It
     * uses only the JDK, so it starts in a fraction of a second from {@code lib/target/classes}.
     */
    public static void main(String[] args) {
        try {
            fromEnvironment(System.getenv()).ifPresent(l -> System.out.println(String.join(" ", l.jvmOptions())));
        } catch (IllegalArgumentException e) {
            System.err.println("peerkit: " + e.getMessage() + "; the JVM keeps its default limits");
        }
    }
}
