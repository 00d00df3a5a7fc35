package org.peerkit.tensor;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the doctor says about an NVIDIA GPU: devices (name, compute capability, memory) as ND4J's
 * CUDA executioner reports them, the kernel driver's version from {@code /proc/driver/nvidia/version},
 * and the CUDA driver and runtime API versions.
 *
 * <p>The CUDA API versions come from bytedeco's {@code cudart} presets, which are on the classpath
 * only in the {@code -Pcuda} build; they are called reflectively so the default CPU build compiles
 * without them. Why we want them at all: ND4J M2.1 is built against CUDA 11.6, which predates
 * Hopper (sm_90), so a report must say which runtime met which device.
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

    /** {@code 11060} → {@code "11.6"} (CUDA encodes versions as 1000·major + 10·minor). */
    static String cudaVersion(int encoded) {
        return (encoded / 1000) + "." + (encoded % 1000) / 10;
    }

    /**
     * Report lines for a started CUDA backend: "gpu 0" → "NVIDIA H100 …, sm_90, 79.1 GiB (78.0 free)",
     * "nvidia driver", "cuda driver api", "cuda runtime".
     *
     * @param env ND4J's {@code getEnvironmentInformation()} on the CUDA backend
     */
    public static List<Map.Entry<String, String>> lines(Properties env) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        Object devices = env.get("cuda.devicesInformation");
        if (devices instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) instanceof Map<?, ?> d) {
                    out.add(Map.entry("gpu " + i, device(d)));
                }
            }
        }
        if (out.isEmpty()) {
            out.add(Map.entry("gpu", "none reported by ND4J (cuda.devicesInformation missing)"));
        }
        out.add(Map.entry("nvidia driver", driverVersion().orElse("not loaded")));
        out.add(Map.entry("cuda driver api", cudartVersion("cudaDriverGetVersion")));
        out.add(Map.entry("cuda runtime", cudartVersion("cudaRuntimeGetVersion") + " (ND4J build: nd4j-cuda-11.6)"));
        return out;
    }

    static String device(Map<?, ?> d) {
        Object major = d.get("cuda.deviceMajor");
        Object minor = d.get("cuda.deviceMinor");
        return String.format("%s, sm_%s%s, %s (%s free)", d.get("cuda.deviceName"), major, minor,
                Doctor.gib(asLong(d.get("cuda.totalMemory"))), Doctor.gib(asLong(d.get("cuda.freeMemory"))));
    }

    private static long asLong(Object o) {
        return o instanceof Number n ? n.longValue() : -1;
    }

    /** Calls {@code org.bytedeco.cuda.global.cudart.<method>(int[])} when the presets are present. */
    private static String cudartVersion(String method) {
        try {
            Class<?> cudart = Class.forName("org.bytedeco.cuda.global.cudart");
            Method m = cudart.getMethod(method, int[].class);
            int[] v = new int[1];
            Object rc = m.invoke(null, (Object) v);
            return ((Number) rc).intValue() == 0 ? cudaVersion(v[0]) : "error " + rc;
        } catch (ReflectiveOperationException | LinkageError e) {
            return "unknown (" + e.getClass().getSimpleName() + ")";
        }
    }
}
