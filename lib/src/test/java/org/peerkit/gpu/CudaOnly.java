package org.peerkit.gpu;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.peerkit.tensor.Backend;
import org.peerkit.tensor.BackendKind;

/** Starts ND4J and fails the class unless it runs on CUDA (see {@link GpuTest}). */
public final class CudaOnly implements BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        BackendKind kind = Backend.start();
        if (kind != BackendKind.CUDA) {
            throw new IllegalStateException(context.getDisplayName() + " is a gpu test but ND4J runs on " + kind
                    + ": run with PEERKIT_BACKEND=cuda mvn -Pcuda -pl lib test -Dgroups=gpu -DexcludedTestGroups=none"
                    + " on a machine with an NVIDIA GPU");
        }
    }
}
