package org.peerkit.train;

import org.peerkit.gpu.GpuTest;

/** {@link TrainerTest} again on ND4J's CUDA backend with the ND4J-ops kernels (tag {@code gpu}, excluded by default). */
@GpuTest
class TrainerGpuTest extends TrainerTest {
}
