package org.peerkit.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.peerkit.testing.ChildJvm;

/**
 * The Java kernels' results do not depend on the threads the JVM gets: {@link KernelDigest} runs in
 * a JVM that sees one processor and in one that sees four (the common fork-join pool follows), with
 * the same ND4J/OpenBLAS thread count, and every digest must match bit for bit. A partition count
 * that followed the core count (private accumulators summed in partition order) would make them
 * differ; {@code peerkit sweep --jobs} relies on this to give each member a share of the cores.
 *
 * <p>ND4J's own thread count ({@code OMP_NUM_THREADS}) is held fixed on purpose: OpenBLAS's sgemm
 * and ND4J's reductions give other bits on 1, 2 and 4 threads (measured with this digest), so a
 * member trained beside others keeps the OpenMP/OpenBLAS thread count of a run alone.
 */
class ThreadCountDeterminismTest {

    @Test
    void javaKernelsGiveTheSameBitsOnOneAndOnFourProcessors() throws Exception {
        Map<String, String> one = digests(1);
        Map<String, String> four = digests(4);
        assertTrue(one.keySet().containsAll(List.of("peer-expert-major.dx", "peer-exact.dx", "gemm", "gemm-colsum")),
                one.keySet().toString());
        assertEquals(one.keySet(), four.keySet());
        for (String k : one.keySet()) {
            assertEquals(one.get(k), four.get(k), k + " differs between 1 and 4 processors");
        }
    }

    private static Map<String, String> digests(int processors) throws IOException, InterruptedException {
        ProcessBuilder pb = ChildJvm.java(List.of("-XX:ActiveProcessorCount=" + processors), KernelDigest.class)
                .redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "2");
        pb.environment().put("OPENBLAS_NUM_THREADS", "2");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "KernelDigest did not finish");
        assertEquals(0, p.exitValue(), out);
        Map<String, String> digests = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            if (line.matches("\\S+ [0-9a-f]{64}")) {
                digests.put(line.substring(0, line.indexOf(' ')), line.substring(line.indexOf(' ') + 1));
            }
        }
        return digests;
    }
}
