package org.peerkit.model;

import org.peerkit.gpu.GpuTest;

/** {@link DecoderLmTest} again on ND4J's CUDA backend with the ND4J-ops kernels (tag {@code gpu}, excluded by default). */
@GpuTest
class DecoderLmGpuTest extends DecoderLmTest {
}
