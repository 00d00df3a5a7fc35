package org.peerkit.ffw;

import org.peerkit.gpu.GpuTest;

/** {@link PeerReferenceTest} again on ND4J's CUDA backend with the ND4J-ops kernels (tag {@code gpu}, excluded by default). */
@GpuTest
class PeerReferenceGpuTest extends PeerReferenceTest {
}
