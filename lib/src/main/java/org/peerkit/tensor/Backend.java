package org.peerkit.tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J start-up: checks that the backend asked for ({@code PEERKIT_BACKEND}, default {@code cpu})
 * is the one this build carries and that its hardware exists, <em>before</em> ND4J loads native
 * code, so a wrong choice is a clear message rather than a native crash. Then initialises ND4J
 * once and reports what it loaded.
 *
 * <p>Why a gate at all: ND4J picks its backend from whatever jar is on the classpath, and the CUDA
 * backend on a machine without a driver fails deep inside JavaCPP with an UnsatisfiedLinkError.
 */
public final class Backend {
    /** Environment variable selecting the backend. */
    public static final String ENV = "PEERKIT_BACKEND";

    private static volatile BackendKind started;

    private Backend() {}

    /**
     * Starts the backend named by {@code PEERKIT_BACKEND}, or, when it is unset, the one this build
     * carries (CPU in the default build); idempotent.
     */
    public static BackendKind start() {
        String simd = System.getenv(Simd.ENV);
        if (simd != null && !simd.isBlank()) {
            Simd.parse(simd);  // a misspelt value is an error here too, not a silent default
        }
        return start(requested());
    }

    /** The backend {@code PEERKIT_BACKEND} asks for, else the build's own. */
    public static BackendKind requested() {
        return Optional.ofNullable(System.getenv(ENV)).filter(s -> !s.isBlank()).map(BackendKind::parse)
                .orElseGet(() -> BackendKind.CPU.onClasspath() ? BackendKind.CPU : BackendKind.CUDA);
    }

    /** Starts the given backend; idempotent for the same kind, an error for a different one. */
    public static synchronized BackendKind start(BackendKind kind) {
        if (started != null) {
            if (started != kind) {
                throw new IllegalStateException("ND4J already started on " + started
                        + "; a JVM runs one backend. Restart the kernel/JVM with " + ENV + "=" + kind.name().toLowerCase());
            }
            return started;
        }
        check(kind);
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        Nd4j.create(1); // forces native loading now, with a clear stack if it fails
        started = kind;
        return kind;
    }

    /** Validates the choice against the build and the machine without loading any native code. */
    static void check(BackendKind kind) {
        if (!kind.onClasspath()) {
            String profile = kind == BackendKind.CUDA ? "mvn -Pcuda package" : "mvn package (default profile)";
            throw new IllegalStateException(ENV + "=" + kind.name().toLowerCase() + " but this build does not contain the "
                    + kind + " backend (" + kind.backendClass + "). Rebuild with: " + profile);
        }
        if (kind == BackendKind.CUDA && !nvidiaDriverPresent()) {
            throw new IllegalStateException(ENV + "=cuda but no NVIDIA driver was found (/proc/driver/nvidia/version is "
                    + "missing): this machine has no usable GPU. Use " + ENV + "=cpu with the default build.");
        }
    }

    static boolean nvidiaDriverPresent() {
        return Files.isReadable(Path.of("/proc/driver/nvidia/version"));
    }

    /** The backend started in this JVM, if any. */
    public static Optional<BackendKind> current() {
        return Optional.ofNullable(started);
    }
}
