package org.peerkit.tensor;

import java.util.Locale;
import java.util.Optional;

/**
 * Which {@link Kernels} implementation layers use unless given one: {@code PEERKIT_KERNELS}
 * ({@code cpu} or {@code nd4j}; system property {@code peerkit.kernels}), else by backend:
 * the plain-Java {@link CpuKernels} on the CPU backend (fastest there, see the benchmarks) and the
 * ND4J-ops {@link Nd4jKernels} on CUDA, where reading device buffers from Java would copy them to
 * the host on every call.
 */
public final class DefaultKernels {
    public static final String ENV = "PEERKIT_KERNELS";

    /** The two implementations. */
    public enum Choice {
        CPU, ND4J;

        Kernels create() {
            return this == CPU ? new CpuKernels() : new Nd4jKernels();
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private DefaultKernels() {}

    /** A new instance of the chosen implementation. */
    public static Kernels create() {
        return choice().create();
    }

    /** The choice from the environment, else from the backend this JVM runs (or will run). */
    public static Choice choice() {
        Optional<String> explicit = Optional.ofNullable(System.getProperty("peerkit.kernels"))
                .or(() -> Optional.ofNullable(System.getenv(ENV))).filter(s -> !s.isBlank());
        if (explicit.isPresent()) {
            return parse(explicit.get());
        }
        BackendKind backend = Backend.current().orElseGet(Backend::requested);
        return backend == BackendKind.CUDA ? Choice.ND4J : Choice.CPU;
    }

    /** Parses {@code cpu} or {@code nd4j}; an unknown value is an error naming the knob. */
    public static Choice parse(String value) {
        try {
            return Choice.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ENV + "=" + value + " is not a kernels implementation: use 'cpu' "
                    + "(plain Java, CPU backend) or 'nd4j' (ND4J ops, any backend)", e);
        }
    }
}
