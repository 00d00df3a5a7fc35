package org.peerkit.tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the doctor says about an NVIDIA GPU from the CPU kit: the kernel driver's version from
 * {@code /proc/driver/nvidia/version}, if one is loaded. The GPU itself is driven by lib/cuda's own
 * launcher (environment/gpu.sh device), which reports the device, the CUDA driver API and cuBLAS.
 */
public final class CudaInfo {

    private static final Path DRIVER_FILE = Path.of("/proc/driver/nvidia/version");
    private static final Pattern DRIVER_VERSION = Pattern.compile("Kernel Module(?: for [^ ]+)?\\s+([0-9]+(?:\\.[0-9]+)+)");

    private CudaInfo() {}

    /** The NVIDIA kernel driver's version, if a driver is loaded. */
    public static Optional<String> driverVersion() {
        try {
            return Files.isReadable(DRIVER_FILE) ? parseDriverVersion(Files.readString(DRIVER_FILE)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Parses the first line of {@code /proc/driver/nvidia/version} ("NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15 ..."). */
    static Optional<String> parseDriverVersion(String procText) {
        Matcher m = DRIVER_VERSION.matcher(procText);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
