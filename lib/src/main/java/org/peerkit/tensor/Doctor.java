package org.peerkit.tensor;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reports what a PEERkit run stands on: Java, the ND4J backend and its BLAS, threads, off-heap
 * limits and a measured sgemm GFLOP/s. The first cell of every notebook and {@code peerkit doctor}
 * print it, so a result can always be read against the machine that produced it.
 */
public final class Doctor {
    /** Matrix size of the sgemm probe: big enough to reach the BLAS plateau, small enough to take well under a second. */
    static final int PROBE_N = 1024;

    private Doctor() {}

    /** Starts the backend and reports, including a measured sgemm (about a second). */
    public static DoctorReport run() {
        return run(true);
    }

    /** Starts the backend and reports; {@code measure=false} skips the sgemm probe. */
    public static DoctorReport run(boolean measure) {
        long t0 = System.nanoTime();
        BackendKind kind = Backend.start();
        double startSeconds = (System.nanoTime() - t0) * 1e-9;
        List<Map.Entry<String, String>> lines = new ArrayList<>();
        add(lines, "java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                + " (" + System.getProperty("java.home") + ")");
        add(lines, "os", System.getProperty("os.name") + " " + System.getProperty("os.arch")
                + ", " + Runtime.getRuntime().availableProcessors() + " cores");
        add(lines, "heap max", gib(Runtime.getRuntime().maxMemory()));
        add(lines, "backend", kind + " — " + Nd4j.getBackend().getClass().getSimpleName());
        add(lines, "nd4j start", String.format("%.2f s", startSeconds));
        add(lines, "blas vendor", String.valueOf(Nd4j.factory().blas().getBlasVendor()));
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        add(lines, "blas threads", String.valueOf(env.getOrDefault("blas.threads", "?")));
        add(lines, "omp threads", String.valueOf(env.getOrDefault("omp.threads", Nd4j.getEnvironment().maxThreads())));
        add(lines, "omp wait policy", ompWaitPolicy(System.getenv("OMP_WAIT_POLICY")));
        add(lines, "openblas thread timeout", openblasThreadTimeout(System.getenv("OPENBLAS_THREAD_TIMEOUT")));
        add(lines, "huge pages", hugePages(System.getenv("GLIBC_TUNABLES"), thpMode()));
        add(lines, "nvidia driver", CudaInfo.driverVersion().orElse("none (the CUDA backend, lib/cuda, needs one)"));
        add(lines, "simd", Simd.describe());
        add(lines, "default dtype", String.valueOf(Nd4j.dataType()));
        add(lines, "off-heap max", gib(Pointer.maxBytes()) + " (org.bytedeco.javacpp.maxbytes)");
        add(lines, "physical max", gib(Pointer.maxPhysicalBytes()) + " (org.bytedeco.javacpp.maxphysicalbytes)");
        add(lines, "physical now", gib(Pointer.physicalBytes()));
        add(lines, "headless", System.getProperty("java.awt.headless", "false"));
        add(lines, "jvm args", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        if (measure) {
            double gflops = SgemmProbe.gflops(PROBE_N, 3, 9);
            add(lines, "sgemm", String.format("%.0f GFLOP/s (n=%d, median of 9)", gflops, PROBE_N));
        }
        return new DoctorReport(lines);
    }

    /**
     * PASSIVE is what the launchers set: spinning OpenMP workers hold the cores our Java kernels
     * need between ND4J calls (README, Benchmarks). Anything else is reported with that advice.
     */
    static String ompWaitPolicy(String value) {
        if ("PASSIVE".equalsIgnoreCase(value)) {
            return "PASSIVE";
        }
        return (value == null ? "unset" : value) + " — export OMP_WAIT_POLICY=PASSIVE before starting the JVM"
                + " (spinning OpenMP workers slow the Java kernels; the environment/ launchers set it)";
    }

    /**
     * 4 is what the launchers set, the shortest spin OpenBLAS allows (2^4 cycles): by default its
     * workers spin with sched_yield for about 0.1 s after every GEMM and hold a core that PEER's
     * top-k and mixing need (README, Benchmarks). Anything else is reported with that advice.
     */
    static String openblasThreadTimeout(String value) {
        if ("4".equals(value == null ? null : value.trim())) {
            return "4";
        }
        return (value == null ? "unset" : value) + " — export OPENBLAS_THREAD_TIMEOUT=4 before starting the JVM"
                + " (OpenBLAS workers spin after each GEMM and slow the Java kernels; the environment/ launchers set it)";
    }

    /**
     * Whether the expert tables can sit on transparent huge pages: PEER reads random 1 KB rows from
     * GB-sized tables, and with 4 KB pages nearly every read misses the TLB (README, Benchmarks).
     * In the kernel's {@code madvise} mode only memory that asks gets them, which glibc's malloc
     * does with {@code GLIBC_TUNABLES=glibc.malloc.hugetlb=1} (what the launchers set).
     */
    static String hugePages(String tunables, String thpMode) {
        boolean asks = tunables != null && tunables.matches(".*glibc\\.malloc\\.hugetlb=1(:.*)?");
        if ("always".equals(thpMode)) {
            return "always (kernel THP mode)";
        }
        if ("never".equals(thpMode) || thpMode == null) {
            return "off (kernel THP mode " + (thpMode == null ? "unknown" : "never") + ")";
        }
        if (asks) {
            return "malloc asks for them (GLIBC_TUNABLES=glibc.malloc.hugetlb=1, kernel THP mode " + thpMode + ")";
        }
        return "not asked for — export GLIBC_TUNABLES=glibc.malloc.hugetlb=1 before starting the JVM"
                + " (kernel THP mode " + thpMode + "; the environment/ launchers set it)";
    }

    /** The selected mode in /sys/kernel/mm/transparent_hugepage/enabled, e.g. "madvise"; null if unreadable. */
    private static String thpMode() {
        try {
            String s = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
            int a = s.indexOf('[');
            int b = s.indexOf(']');
            return a >= 0 && b > a ? s.substring(a + 1, b) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void add(List<Map.Entry<String, String>> lines, String name, String value) {
        lines.add(new SimpleEntry<>(name, value));
    }

    static String gib(long bytes) {
        return bytes <= 0 ? "unlimited" : String.format("%.1f GiB", bytes / (double) (1L << 30));
    }
}
