package org.peerkit.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DoctorTest {

    @Test
    void reportsBackendBlasThreadsAndMeasuredSgemm() {
        DoctorReport report = Doctor.run();
        assertTrue(report.get("backend").startsWith("CPU"), report.get("backend"));
        assertEquals("OPENBLAS", report.get("blas vendor"));
        assertTrue(Integer.parseInt(report.get("blas threads")) >= 1);
        assertNotNull(report.get("off-heap max"));
        double gflops = Double.parseDouble(report.get("sgemm").split(" ")[0]);
        assertTrue(gflops > 0, "sgemm must be measured: " + report.get("sgemm"));
        assertTrue(report.toString().contains("blas vendor"), report.toString());
    }

    @Test
    void ompWaitPolicyOtherThanPassiveComesWithAdvice() {
        assertEquals("PASSIVE", Doctor.ompWaitPolicy("passive"));
        assertTrue(Doctor.ompWaitPolicy(null).startsWith("unset — export OMP_WAIT_POLICY=PASSIVE"), Doctor.ompWaitPolicy(null));
        assertTrue(Doctor.ompWaitPolicy("ACTIVE").startsWith("ACTIVE — export OMP_WAIT_POLICY=PASSIVE"));
        // Surefire runs the tests with PASSIVE, as the launchers run everything else
        assertEquals("PASSIVE", Doctor.run(false).get("omp wait policy"));
    }

    @Test
    void hugePagesReportTheKernelModeAndTheMallocTunable() {
        assertTrue(Doctor.hugePages("glibc.malloc.hugetlb=1", "madvise").startsWith("malloc asks for them"));
        assertTrue(Doctor.hugePages("glibc.malloc.check=0:glibc.malloc.hugetlb=1", "madvise").startsWith("malloc asks"));
        assertTrue(Doctor.hugePages(null, "madvise").startsWith("not asked for — export GLIBC_TUNABLES=glibc.malloc.hugetlb=1"));
        assertTrue(Doctor.hugePages("glibc.malloc.hugetlb=0", "madvise").startsWith("not asked for"));
        assertEquals("always (kernel THP mode)", Doctor.hugePages(null, "always"));
        assertTrue(Doctor.hugePages("glibc.malloc.hugetlb=1", "never").startsWith("off"));
    }

    @Test
    void openblasThreadTimeoutOtherThanFourComesWithAdvice() {
        assertEquals("4", Doctor.openblasThreadTimeout("4"));
        assertTrue(Doctor.openblasThreadTimeout(null).startsWith("unset — export OPENBLAS_THREAD_TIMEOUT=4"));
        assertTrue(Doctor.openblasThreadTimeout("28").startsWith("28 — export OPENBLAS_THREAD_TIMEOUT=4"));
        // Surefire sets it as the launchers do
        assertEquals("4", Doctor.run(false).get("openblas thread timeout"));
    }

    @Test
    void withoutMeasurementThereIsNoSgemmLine() {
        assertEquals(null, Doctor.run(false).get("sgemm"));
    }

    @Test
    void unknownBackendNameIsNamedInTheError() {
        var e = assertThrows(IllegalArgumentException.class, () -> BackendKind.parse("tpu"));
        assertTrue(e.getMessage().contains("PEERKIT_BACKEND=tpu") && e.getMessage().contains("'cuda'"), e.getMessage());
    }

    @Test
    void cudaFailsAtStartUpInOneSentence() {
        // no native code loads: without a driver the sentence names it, with one it names lib/cuda's launcher
        var e = assertThrows(IllegalArgumentException.class, () -> Backend.check(BackendKind.CUDA));
        String m = e.getMessage();
        assertTrue(m.endsWith(".") && !m.contains("\n") && !m.contains(". "), m);
        assertTrue(Backend.nvidiaDriverPresent() ? m.contains("gpu.sh device") : m.contains("no NVIDIA driver"), m);
        assertTrue(m.contains("PEERKIT_BACKEND=cpu"), m);
    }

    @Test
    void sgemmProbeRejectsBadArguments() {
        var e = assertThrows(IllegalArgumentException.class, () -> SgemmProbe.gflops(0, 1, 1));
        assertTrue(e.getMessage().contains("n=0"), e.getMessage());
    }

    @Test
    void gibFormatting() {
        assertEquals("1.0 GiB", Doctor.gib(1L << 30));
        assertEquals("unlimited", Doctor.gib(0));
    }
}
