package org.peerkit.tensor;

import org.peerkit.gpu.GpuTest;

/** {@link KernelsAgreementTest} again on ND4J's CUDA backend with the ND4J-ops kernels (tag {@code gpu}, excluded by default). */
@GpuTest
class KernelsAgreementGpuTest extends KernelsAgreementTest {
}
