package org.peerkit.cuda;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** On a machine without an NVIDIA driver (CI), opening the GPU fails with one sentence. */
class GpuUnavailableTest {

    @Test
    void noDriverIsOneSentenceWithCauseAndFix() {
        assumeFalse(Files.exists(Path.of("/proc/driver/nvidia/version")), "this machine has an NVIDIA driver");
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, Gpu::open);
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.endsWith("."), m);
        assertTrue(m.indexOf(". ") < 0, "one sentence: " + m);
        assertTrue(m.contains("no NVIDIA driver"), m);
        assertTrue(m.contains("install the NVIDIA driver") && m.contains("PEERKIT_BACKEND=cpu"), m);
    }

    @Test
    void aMissingLibraryIsReportedAsAbsent() {
        assertTrue(NativeLibrary.open("libpeerkit-no-such-library.so.1", List.of(Path.of("/nonexistent/libx.so")))
                .isEmpty());
    }

    @Test
    void cublasSearchCoversToolkitAndPipWheels() {
        List<Path> c = Cublas.candidates();
        assertTrue(c.contains(Path.of("/usr/local/cuda/lib64/libcublas.so.13")), c.toString());
    }
}
