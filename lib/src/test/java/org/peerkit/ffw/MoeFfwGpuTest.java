package org.peerkit.ffw;

import org.peerkit.gpu.GpuTest;

/** {@link MoeFfwTest} again on ND4J's CUDA backend with the ND4J-ops kernels (tag {@code gpu}, excluded by default). */
@GpuTest
class MoeFfwGpuTest extends MoeFfwTest {
}
