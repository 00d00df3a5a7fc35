package org.peerkit.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KernelImagesTest {
    private static final String DIR = "/org/peerkit/cuda/kernels/";

    @Test
    void picksTheCubinOfTheSameMajorOrThePtx() {
        assertEquals(DIR + "mixing.sm_90.cubin", KernelImages.select("mixing", 9, 0));
        assertEquals(DIR + "mixing.sm_80.cubin", KernelImages.select("mixing", 8, 0));
        assertEquals(DIR + "mixing.sm_86.cubin", KernelImages.select("mixing", 8, 7));
        assertEquals(DIR + "mixing.sm_89.cubin", KernelImages.select("mixing", 8, 9));
        assertEquals(DIR + "mixing.compute_90.ptx", KernelImages.select("mixing", 10, 0));
        assertEquals(DIR + "mixing.compute_90.ptx", KernelImages.select("mixing", 12, 0));
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> KernelImages.select("ops", 7, 5));
        assertTrue(e.getMessage().contains("sm_75"), e.getMessage());
    }

    /** The build put every module's images in the jar (skipped where nvcc was absent at build time). */
    @Test
    void everyModuleHasCubinsAndPtx() {
        assumeTrue(KernelImages.modules().isPresent(), "built without nvcc");
        String[] modules = KernelImages.modules().get().split("\\s+");
        Arrays.sort(modules);
        assertArrayEquals(new String[] {"attention", "mixing", "ops", "retrieval"}, modules);
        for (String m : modules) {
            for (int arch : KernelImages.CUBIN_ARCHS) {
                byte[] cubin = KernelImages.read(DIR + m + ".sm_" + arch + ".cubin");
                assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, Arrays.copyOf(cubin, 4), m + " sm_" + arch);
            }
            String ptx = new String(KernelImages.read(DIR + m + ".compute_90.ptx"), StandardCharsets.US_ASCII);
            assertTrue(ptx.contains(".target sm_90"), m);
        }
        String retrieval = new String(KernelImages.read(DIR + "retrieval.compute_90.ptx"), StandardCharsets.US_ASCII);
        for (String kernel : new String[] {"pk_topk_rows_16", "pk_combine_softmax_16", "pk_retrieval_backward"}) {
            assertTrue(retrieval.contains(".entry " + kernel), kernel);
        }
    }
}
