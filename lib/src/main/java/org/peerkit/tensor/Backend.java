package org.peerkit.tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J start-up: checks that the engine asked for ({@code PEERKIT_BACKEND}, default {@code cpu})
 * can run in this JVM and that its hardware exists, <em>before</em> ND4J loads native code, so a
 * wrong choice is a one-sentence message rather than a native crash. Then initialises ND4J once.
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

    /**
     * Validates the choice against the machine and this JVM without loading any native code. CUDA
     * fails here in one sentence: without an NVIDIA driver it names the driver; with one, it says
     * that the GPU engine runs in lib/cuda's launcher, not in this ND4J JVM. An
     * IllegalArgumentException because the environment's value is what cannot be used here, and the
     * CLI prints such errors as one line.
     */
    static void check(BackendKind kind) {
        if (kind == BackendKind.CUDA && !nvidiaDriverPresent()) {
            throw new IllegalArgumentException(ENV + "=cuda but this machine has no NVIDIA driver (/proc/driver/nvidia/version"
                    + " is missing): install the NVIDIA driver R580 or newer on a machine with an NVIDIA GPU, or use "
                    + ENV + "=cpu.");
        }
        if (kind == BackendKind.CUDA) {
            throw new IllegalArgumentException(ENV + "=cuda runs in PEERkit's CUDA launcher (lib/cuda, Java 22+), not in this"
                    + " ND4J JVM: run environment/gpu.sh bundle, then environment/gpu.sh device, or use " + ENV + "=cpu here.");
        }
        if (!kind.onClasspath()) {
            throw new IllegalStateException(ENV + "=cpu but this build does not contain ND4J's CPU backend ("
                    + kind.backendClass + "): rebuild with mvn package.");
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
