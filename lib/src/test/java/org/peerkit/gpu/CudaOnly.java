package org.peerkit.gpu;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.peerkit.tensor.Backend;
import org.peerkit.tensor.BackendKind;
import org.peerkit.tensor.DefaultKernels;

/** Starts ND4J and fails the class unless it runs on CUDA with the ND4J-ops kernels (see {@link GpuTest}). */
public final class CudaOnly implements BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        BackendKind kind = Backend.start();
        if (kind != BackendKind.CUDA) {
            throw new IllegalStateException(context.getDisplayName() + " is a gpu test but ND4J runs on " + kind
                    + ": run with PEERKIT_BACKEND=cuda mvn -Pcuda -pl lib test -Dgroups=gpu -DexcludedTestGroups=none"
                    + " on a machine with an NVIDIA GPU");
        }
        if (DefaultKernels.choice() != DefaultKernels.Choice.ND4J) {
            throw new IllegalStateException(DefaultKernels.ENV + " selects " + DefaultKernels.choice()
                    + " kernels; gpu tests check the ND4J-ops kernels (unset it)");
        }
    }
}
