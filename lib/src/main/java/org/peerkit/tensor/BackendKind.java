package org.peerkit.tensor;

import java.util.Locale;

/** The ND4J backends PEERkit knows. Which one is on the classpath is chosen at build time (Maven profile). */
public enum BackendKind {
    /** {@code nd4j-native}: libnd4j + OpenBLAS on the CPU (the default build). */
    CPU("org.nd4j.linalg.cpu.nativecpu.CpuBackend"),
    /** {@code nd4j-cuda-11.6}: libnd4j on an NVIDIA GPU (build with {@code mvn -Pcuda}). */
    CUDA("org.nd4j.linalg.jcublas.JCublasBackend");

    /** The ND4J backend class whose presence on the classpath identifies this build. */
    public final String backendClass;

    BackendKind(String backendClass) {
        this.backendClass = backendClass;
    }

    /** Parses {@code cpu} / {@code cuda} (case-insensitive), naming the bad value otherwise. */
    public static BackendKind parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("PEERKIT_BACKEND=" + value
                    + " is not a backend: use 'cpu' (default) or 'cuda'", e);
        }
    }

    /** True when this backend's classes are on the classpath (i.e. the build includes it). */
    public boolean onClasspath() {
        try {
            Class.forName(backendClass, false, BackendKind.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
