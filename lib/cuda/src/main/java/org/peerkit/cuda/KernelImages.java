package org.peerkit.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Picks the kernel image for a GPU from the jar's resources (org/peerkit/cuda/kernels/, written
 * by lib/cuda/src/main/cuda/build.sh): the cubin of the same major architecture with the highest
 * minor not above the device's (an sm_80 cubin runs on sm_86/sm_89), else the compute_90 PTX,
 * which the driver compiles for GPUs newer than Hopper.
 */
final class KernelImages {
    static final int[] CUBIN_ARCHS = {80, 86, 89, 90};
    static final String PTX_ARCH = "compute_90";
    private static final String DIR = "/org/peerkit/cuda/kernels/";

    private KernelImages() {
    }

    /** Resource name of module {@code name}'s image for compute capability major.minor. */
    static String select(String name, int major, int minor) {
        int cc = 10 * major + minor;
        int best = -1;
        for (int a : CUBIN_ARCHS) {
            if (a / 10 == major && a <= cc) {
                best = a;
            }
        }
        if (best > 0) {
            return DIR + name + ".sm_" + best + ".cubin";
        }
        if (cc > 90) {
            return DIR + name + "." + PTX_ARCH + ".ptx";
        }
        throw new CudaUnavailableException("this GPU is sm_" + cc + ", older than the sm_80 (Ampere) our kernels are"
                + " built for: use an Ampere, Ada or Hopper GPU, or the CPU kit with PEERKIT_BACKEND=cpu.");
    }

    static byte[] read(String resource) {
        try (InputStream in = KernelImages.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new CudaUnavailableException("this peerkit-cuda jar has no " + resource + " (it was built without"
                        + " nvcc): rebuild lib/cuda on a machine with the CUDA 13 toolkit (nvcc).");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The module names the build compiled (modules.txt), if the jar has kernels at all. */
    static Optional<String> modules() {
        try (InputStream in = KernelImages.class.getResourceAsStream(DIR + "modules.txt")) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes()).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
