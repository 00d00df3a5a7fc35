package org.peerkit.nn;

import org.peerkit.gpu.GpuTest;

/** {@link LayerGradientTest} again on ND4J's CUDA backend with the ND4J-ops kernels (tag {@code gpu}, excluded by default). */
@GpuTest
class LayerGradientGpuTest extends LayerGradientTest {
}
